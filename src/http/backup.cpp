// Backups of a data folder (sdc/http/backup.h): the tar container with its
// manifest, what goes in each kind, and restoring into a new folder.
#include "sdc/http/backup.h"

#include <fcntl.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "http/data_folder.h"
#include "sdc/http/server.h"
#include "sdc/registry/audit.h"
#include "sdc/store_sqlite/sqlite_store.h"
#include "sdc/util/bytes.h"
#include "sdc/util/file.h"

extern char** environ;

namespace sdc::http {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kFormat = "sdc-backup-v1";
constexpr const char* kManifestName = "sdc-backup.json";
constexpr std::size_t kBlock = 512;
constexpr std::size_t kMaxManifest = 1u << 20;
// The key files, relative to the data folder.
constexpr std::array<const char*, 3> kKeyFiles = {"pii.keys", "checkpoint.key", "pki/signer.key"};

std::string errno_text() {
  return std::strerror(errno);
}

// A file descriptor, closed when destroyed.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Result<void> write_all(int fd, const void* data, std::size_t size, const fs::path& what) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(Errc::io, "cannot write " + what.string() + ": " + errno_text());
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return {};
}

// Reads up to `size` bytes; fewer only at the end of the file.
Result<std::size_t> read_full(int fd, void* data, std::size_t size, const fs::path& what) {
  char* p = static_cast<char*>(data);
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, p + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Errc::io, "cannot read " + what.string() + ": " + errno_text());
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

class Sha256 {
 public:
  Sha256() { crypto_hash_sha256_init(&state_); }
  void update(const void* data, std::size_t size) {
    crypto_hash_sha256_update(&state_, static_cast<const unsigned char*>(data), size);
  }
  std::string hex() {
    std::array<std::uint8_t, crypto_hash_sha256_BYTES> d{};
    crypto_hash_sha256_final(&state_, d.data());
    return hex_encode(ByteView(d.data(), d.size()));
  }

 private:
  crypto_hash_sha256_state state_;
};

Result<BackupEntry> describe_file(const fs::path& path, const std::string& name) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(Errc::io, "cannot open " + path.string() + ": " + errno_text());
  Sha256 h;
  BackupEntry e{name, 0, {}};
  std::array<char, 65536> buf{};
  for (;;) {
    auto n = read_full(fd.get(), buf.data(), buf.size(), path);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    h.update(buf.data(), *n);
    e.size += *n;
  }
  e.sha256 = h.hex();
  return e;
}

// --- the tar container (POSIX ustar, regular files only) ---

void put_octal(char* field, std::size_t width, std::uint64_t value) {
  // width - 1 digits and a NUL
  for (std::size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

std::uint32_t header_checksum(const std::array<unsigned char, kBlock>& h) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : h[i];
  return sum;
}

std::array<unsigned char, kBlock> tar_header(const std::string& name, std::uint64_t size,
                                             unsigned mode, UnixTime mtime) {
  std::array<unsigned char, kBlock> h{};
  char* c = reinterpret_cast<char*>(h.data());
  std::memcpy(c, name.data(), std::min<std::size_t>(name.size(), 100));
  put_octal(c + 100, 8, mode);
  put_octal(c + 108, 8, 0);
  put_octal(c + 116, 8, 0);
  put_octal(c + 124, 12, size);
  put_octal(c + 136, 12, static_cast<std::uint64_t>(mtime));
  c[156] = '0';
  std::memcpy(c + 257, "ustar", 6);
  std::memcpy(c + 263, "00", 2);
  char sum[8];
  put_octal(sum, 7, header_checksum(h));
  std::memcpy(c + 148, sum, 7);
  c[155] = ' ';
  return h;
}

class TarWriter {
 public:
  TarWriter(int fd, fs::path what, UnixTime mtime)
      : fd_(fd), what_(std::move(what)), mtime_(mtime) {}

  Result<void> add(const std::string& name, std::string_view data, unsigned mode) {
    auto h = tar_header(name, data.size(), mode, mtime_);
    if (auto w = write_all(fd_, h.data(), h.size(), what_); !w) return w;
    if (auto w = write_all(fd_, data.data(), data.size(), what_); !w) return w;
    return pad(data.size());
  }

  // Copies `path`, which must still be `expected` (size and digest).
  Result<void> add_file(const fs::path& path, const BackupEntry& expected, unsigned mode) {
    Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0) return fail(Errc::io, "cannot open " + path.string() + ": " + errno_text());
    auto h = tar_header(expected.path, expected.size, mode, mtime_);
    if (auto w = write_all(fd_, h.data(), h.size(), what_); !w) return w;
    Sha256 sha;
    std::uint64_t left = expected.size;
    std::array<char, 65536> buf{};
    while (left > 0) {
      auto n = read_full(in.get(), buf.data(), std::min<std::uint64_t>(left, buf.size()), path);
      if (!n) return std::unexpected(n.error());
      if (*n == 0) return fail(Errc::io, path.string() + " changed while it was backed up");
      sha.update(buf.data(), *n);
      if (auto w = write_all(fd_, buf.data(), *n, what_); !w) return w;
      left -= *n;
    }
    if (sha.hex() != expected.sha256)
      return fail(Errc::io, path.string() + " changed while it was backed up");
    return pad(expected.size);
  }

  Result<void> finish() {
    std::array<unsigned char, 2 * kBlock> end{};
    return write_all(fd_, end.data(), end.size(), what_);
  }

 private:
  Result<void> pad(std::uint64_t size) {
    std::array<unsigned char, kBlock> zero{};
    std::size_t rest = static_cast<std::size_t>((kBlock - size % kBlock) % kBlock);
    return write_all(fd_, zero.data(), rest, what_);
  }
  int fd_;
  fs::path what_;
  UnixTime mtime_;
};

// Reads a tar written by TarWriter, one member at a time.
class TarReader {
 public:
  TarReader(int fd, fs::path what) : fd_(fd), what_(std::move(what)) {}

  struct Member {
    std::string name;
    std::uint64_t size = 0;
    unsigned mode = 0;
  };

  // The next member, or nullopt at the archive's end (two zero blocks).
  Result<std::optional<Member>> next() {
    std::array<unsigned char, kBlock> h{};
    auto n = read_full(fd_, h.data(), h.size(), what_);
    if (!n) return std::unexpected(n.error());
    if (*n != kBlock) return cut_short();
    if (std::all_of(h.begin(), h.end(), [](unsigned char b) { return b == 0; })) {
      auto m = read_full(fd_, h.data(), h.size(), what_);
      if (!m) return std::unexpected(m.error());
      if (*m != kBlock) return cut_short();
      if (!std::all_of(h.begin(), h.end(), [](unsigned char b) { return b == 0; }))
        return garbled("data after the end of the archive");
      return std::optional<Member>{};
    }
    const char* c = reinterpret_cast<const char*>(h.data());
    if (std::memcmp(c + 257, "ustar", 5) != 0) return garbled("not a tar header");
    auto sum = octal(c + 148, 8);
    if (!sum || *sum != header_checksum(h)) return garbled("a header's checksum is wrong");
    if (c[156] != '0' && c[156] != '\0') return garbled("a member is not a regular file");
    auto size = octal(c + 124, 12);
    auto mode = octal(c + 100, 8);
    if (!size || !mode) return garbled("a header's size or mode is not a number");
    Member m;
    m.name.assign(c, strnlen(c, 100));
    m.size = *size;
    m.mode = static_cast<unsigned>(*mode & 0777);
    return std::optional<Member>{m};
  }

  // The member's bytes, to `sink`, then the padding.
  template <class Sink>
  Result<void> read_data(std::uint64_t size, Sink&& sink) {
    std::array<char, 65536> buf{};
    std::uint64_t left = size;
    while (left > 0) {
      auto n = read_full(fd_, buf.data(), std::min<std::uint64_t>(left, buf.size()), what_);
      if (!n) return std::unexpected(n.error());
      if (*n == 0) return cut_short();
      if (auto s = sink(buf.data(), *n); !s) return s;
      left -= *n;
    }
    std::size_t rest = static_cast<std::size_t>((kBlock - size % kBlock) % kBlock);
    auto n = read_full(fd_, buf.data(), rest, what_);
    if (!n) return std::unexpected(n.error());
    if (*n != rest) return cut_short();
    return {};
  }

  // After the end: nothing else may follow but zero padding.
  Result<void> expect_eof() {
    std::array<char, 4096> buf{};
    for (;;) {
      auto n = read_full(fd_, buf.data(), buf.size(), what_);
      if (!n) return std::unexpected(n.error());
      if (*n == 0) return {};
      if (!std::all_of(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n),
                       [](char b) { return b == 0; }))
        return garbled("data after the end of the archive");
    }
  }

  std::unexpected<Error> cut_short() const {
    return fail(Errc::parse, what_.string() + ": the backup is cut short (truncated?)");
  }
  std::unexpected<Error> garbled(const std::string& why) const {
    return fail(Errc::parse, what_.string() + ": not an sdc backup, or a damaged one: " + why);
  }

 private:
  static std::optional<std::uint64_t> octal(const char* field, std::size_t width) {
    std::uint64_t v = 0;
    std::size_t i = 0;
    while (i < width && field[i] == ' ') ++i;
    std::size_t digits = 0;
    for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i, ++digits)
      v = (v << 3) | (field[i] - '0');
    if (digits == 0 || digits > 21) return std::nullopt;
    for (; i < width; ++i)
      if (field[i] != '\0' && field[i] != ' ') return std::nullopt;
    return v;
  }
  int fd_;
  fs::path what_;
};

// --- the manifest ---

const char* to_string(BackupKind k) {
  return k == BackupKind::data ? "data" : "keys";
}

json entries_json(const std::vector<BackupEntry>& es, bool with_size) {
  json a = json::array();
  for (const auto& e : es) {
    json j = {{"path", e.path}, {"sha256", e.sha256}};
    if (with_size) j["size"] = e.size;
    a.push_back(j);
  }
  return a;
}

std::string manifest_text(const BackupManifest& m) {
  json j = {{"format", kFormat},
            {"kind", to_string(m.kind)},
            {"created_at", m.created_at},
            {"store", m.store},
            {"files", entries_json(m.files, true)},
            {"keys", entries_json(m.keys, false)}};
  return j.dump(2) + "\n";
}

// A member name the manifest may give: relative, '/'-separated, no "..".
bool safe_name(const std::string& n) {
  if (n.empty() || n.size() > 99 || n.front() == '/' || n == kManifestName) return false;
  for (char ch : n)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-' ||
          ch == '/'))
      return false;
  std::size_t start = 0;
  while (start <= n.size()) {
    auto end = n.find('/', start);
    if (end == std::string::npos) end = n.size();
    auto part = n.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

bool hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<BackupManifest> parse_manifest(std::string_view text, const fs::path& file) {
  auto bad = [&](const std::string& why) {
    return fail(Errc::parse, file.string() + ": not an sdc backup, or a damaged one: " + why);
  };
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("its manifest is not JSON");
  if (j.value("format", "") != kFormat) return bad("format is not " + std::string(kFormat));
  BackupManifest m;
  std::string kind = j.value("kind", "");
  if (kind == "data")
    m.kind = BackupKind::data;
  else if (kind == "keys")
    m.kind = BackupKind::keys;
  else
    return bad("kind is neither data nor keys");
  if (!j.contains("created_at") || !j["created_at"].is_number_integer())
    return bad("no created_at");
  m.created_at = j["created_at"].get<UnixTime>();
  m.store = j.value("store", "");
  if (m.store != "sqlite" && m.store != "postgres")
    return bad("store is neither sqlite nor postgres");
  for (const char* list : {"files", "keys"}) {
    if (!j.contains(list) || !j[list].is_array()) return bad(std::string("no ") + list + " list");
    for (const auto& e : j[list]) {
      if (!e.is_object() || !e.contains("path") || !e["path"].is_string() ||
          !e.contains("sha256") || !e["sha256"].is_string())
        return bad(std::string("an entry of ") + list + " lacks path or sha256");
      BackupEntry be{e["path"].get<std::string>(), 0, e["sha256"].get<std::string>()};
      if (!safe_name(be.path)) return bad("a member's name is not allowed: " + be.path);
      if (!hex64(be.sha256)) return bad("a member's sha256 is not 64 hex digits");
      if (std::string(list) == "files") {
        if (!e.contains("size") || !e["size"].is_number_unsigned())
          return bad("an entry has no size");
        be.size = e["size"].get<std::uint64_t>();
        m.files.push_back(be);
      } else {
        m.keys.push_back(be);
      }
    }
  }
  return m;
}

// Reads and checks `file` whole. Each member is handed to `store_member`
// (name, mode, then its bytes in pieces) when given; its sha256 is checked
// after, so a caller must not trust what it wrote before this returns.
using MemberSink =
    std::function<Result<void>(const BackupEntry&, unsigned mode, const char*, std::size_t)>;

Result<BackupManifest> read_backup(const fs::path& file, const MemberSink& sink) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return fail(Errc::not_found, "no backup at " + file.string());
    return fail(Errc::io, "cannot open " + file.string() + ": " + errno_text());
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return fail(Errc::parse, file.string() + " is not a file");
  TarReader tar(fd.get(), file);
  auto first = tar.next();
  if (!first) return std::unexpected(first.error());
  if (!*first || (*first)->name != kManifestName || (*first)->size > kMaxManifest)
    return tar.garbled("it does not start with " + std::string(kManifestName));
  std::string text;
  if (auto r = tar.read_data((*first)->size,
                             [&](const char* p, std::size_t n) -> Result<void> {
                               text.append(p, n);
                               return {};
                             });
      !r)
    return std::unexpected(r.error());
  auto manifest = parse_manifest(text, file);
  if (!manifest) return manifest;
  for (const BackupEntry& want : manifest->files) {
    auto m = tar.next();
    if (!m) return std::unexpected(m.error());
    if (!*m) return tar.cut_short();
    if ((*m)->name != want.path || (*m)->size != want.size)
      return tar.garbled("member " + (*m)->name + " is not the manifest's " + want.path);
    Sha256 sha;
    auto r = tar.read_data(want.size, [&](const char* p, std::size_t n) -> Result<void> {
      sha.update(p, n);
      if (sink) return sink(want, (*m)->mode, p, n);
      return {};
    });
    if (!r) return std::unexpected(r.error());
    if (sha.hex() != want.sha256) return tar.garbled(want.path + " does not match its SHA-256");
  }
  auto end = tar.next();
  if (!end) return std::unexpected(end.error());
  if (*end) return tar.garbled("member " + (*end)->name + " is not in the manifest");
  if (auto e = tar.expect_eof(); !e) return std::unexpected(e.error());
  return manifest;
}

// --- making a backup ---

// Creates `out` only if it is not there (or replaces it when told), from a
// temporary file already written and synced.
Result<void> put_in_place(const fs::path& tmp, const fs::path& out, Overwrite overwrite) {
  if (overwrite == Overwrite::yes) {
    if (::rename(tmp.c_str(), out.c_str()) != 0)
      return fail(Errc::io, "cannot rename into " + out.string() + ": " + errno_text());
  } else {
    if (::link(tmp.c_str(), out.c_str()) != 0) {
      if (errno == EEXIST)
        return fail(Errc::conflict, out.string() + " exists (give --force to replace it)");
      return fail(Errc::io, "cannot create " + out.string() + ": " + errno_text());
    }
    ::unlink(tmp.c_str());
  }
  auto dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() >= 0) ::fsync(d.get());
  return {};
}

// Removes a path when destroyed unless kept.
class TempPath {
 public:
  explicit TempPath(fs::path p) : path_(std::move(p)) {}
  ~TempPath() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  const fs::path& path() const { return path_; }
  void keep() { path_.clear(); }

 private:
  fs::path path_;
};

fs::path sibling(const fs::path& p, const std::string& suffix) {
  auto abs = fs::absolute(p);
  return abs.parent_path() / ("." + abs.filename().string() + suffix + std::to_string(::getpid()));
}

// Runs a program with `args` (argv[0] searched on PATH); its output goes to
// ours. Errc::io when it cannot be run or does not exit 0.
Result<void> run_program(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0)
    return fail(Errc::io, "cannot run " + args[0] + " (is it on PATH?): " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return fail(Errc::io, "cannot wait for " + args[0]);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail(Errc::io, args[0] + " failed (exit " +
                              std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  return {};
}

// The data folder's files that are neither keys nor the database.
Result<std::vector<std::string>> folder_files(const DataPaths& p) {
  std::vector<std::string> out = {"sdcd.toml"};
  std::error_code ec;
  std::vector<std::string> pki;
  for (const auto& e : fs::directory_iterator(p.pki(), ec)) {
    auto name = e.path().filename().string();
    if (e.is_regular_file() && e.path().extension() != ".key" &&
        name.find(".tmp-") == std::string::npos)
      pki.push_back("pki/" + name);
  }
  if (ec) return fail(Errc::io, "cannot list " + p.pki().string() + ": " + ec.message());
  std::sort(pki.begin(), pki.end());
  out.insert(out.end(), pki.begin(), pki.end());
  return out;
}

unsigned mode_of(const std::string& name) {
  return name.ends_with(".pem") || name == "pki/issuer.json" ? 0644 : 0600;
}

Result<void> write_archive(const fs::path& tmp, const BackupManifest& manifest,
                           const fs::path& from_dir, const std::vector<fs::path>& sources) {
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return fail(Errc::io, "cannot create " + tmp.string() + ": " + errno_text());
  ::fchmod(fd.get(), 0600);
  TarWriter tar(fd.get(), tmp, manifest.created_at);
  if (auto w = tar.add(kManifestName, manifest_text(manifest), 0600); !w) return w;
  for (std::size_t i = 0; i < manifest.files.size(); ++i) {
    const auto& e = manifest.files[i];
    auto src = sources[i].empty() ? from_dir / e.path : sources[i];
    if (auto w = tar.add_file(src, e, mode_of(e.path)); !w) return w;
  }
  if (auto w = tar.finish(); !w) return w;
  if (::fsync(fd.get()) != 0) return fail(Errc::io, "cannot flush " + tmp.string());
  if (::close(fd.release()) != 0) return fail(Errc::io, "cannot close " + tmp.string());
  return {};
}

Result<Config> folder_config(const fs::path& dir, const ConfigOverrides& overrides) {
  auto file = load_config_file(default_config_path(dir));
  if (!file) return std::unexpected(file.error());
  return resolve_config(*file, overrides);
}

Result<std::vector<BackupEntry>> key_entries(const DataPaths& p) {
  std::vector<BackupEntry> keys;
  for (const char* k : kKeyFiles) {
    auto e = describe_file(p.dir / k, k);
    if (!e) return std::unexpected(e.error());
    keys.push_back(*e);
  }
  return keys;
}

}  // namespace

Result<BackupManifest> backup_data_dir(const BackupOptions& o) {
  if (!o.clock) return fail(Errc::invalid_argument, "backup: a clock is required");
  DataPaths p{o.data_dir};
  if (!data_dir_initialised(p.dir))
    return fail(Errc::not_found, p.dir.string() + " is not an sdcd data folder (no sdcd.toml)");
  auto config = folder_config(p.dir, o.overrides);
  if (!config) return std::unexpected(config.error());
  std::error_code ec;
  if (o.overwrite == Overwrite::no && fs::exists(o.out, ec))
    return fail(Errc::conflict, o.out.string() + " exists (give --force to replace it)");

  BackupManifest m;
  m.kind = o.kind;
  m.created_at = o.clock->now();
  m.store = to_string(config->store);
  auto keys = key_entries(p);
  if (!keys) return std::unexpected(keys.error());
  TempPath tmp(sibling(o.out, ".tmp-"));
  TempPath db_copy(sibling(o.out, ".db-"));
  TempPath checkpoints_copy(sibling(o.out, ".ck-"));

  std::vector<fs::path> sources;
  if (o.kind == BackupKind::keys) {
    m.files = *keys;
    for (auto& k : m.keys = *keys) k.size = 0;
    sources.resize(m.files.size());
  } else {
    for (auto& k : m.keys = *keys) k.size = 0;
    auto names = folder_files(p);
    if (!names) return std::unexpected(names.error());
    for (const auto& n : *names) {
      auto e = describe_file(p.dir / n, n);
      if (!e) return std::unexpected(e.error());
      m.files.push_back(*e);
      sources.emplace_back();
    }
    // Under the checkpoint lock, so no checkpoint is appended between
    // reading the file and copying the database: every checkpoint read is
    // of a chain the copy holds (the chain only grows).
    auto lock = FileLock::acquire(p.checkpoint_lock());
    if (!lock) return std::unexpected(lock.error());
    if (fs::exists(p.checkpoints(), ec)) {
      auto text = read_file(p.checkpoints(), std::size_t{1} << 30);
      if (!text) return std::unexpected(text.error());
      if (auto w = write_file_atomic(checkpoints_copy.path(), *text, FileMode::owner_only); !w)
        return std::unexpected(w.error());
      auto e = describe_file(checkpoints_copy.path(), "audit.checkpoints");
      if (!e) return std::unexpected(e.error());
      m.files.push_back(*e);
      sources.push_back(checkpoints_copy.path());
    }
    const fs::path& db = db_copy.path();
    std::string name = "registry.db";
    if (config->store == StoreKind::sqlite) {
      if (auto b = registry::backup_sqlite_database(p.db(), db); !b)
        return std::unexpected(b.error());
    } else {
      name = "registry.pgdump";
      // One snapshot of the database (pg_dump's repeatable-read transaction).
      if (auto r = run_program({"pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                                "--file=" + db.string(), "--dbname=" + config->postgres});
          !r)
        return std::unexpected(r.error());
      ::chmod(db.c_str(), 0600);
    }
    auto e = describe_file(db, name);
    if (!e) return std::unexpected(e.error());
    m.files.push_back(*e);
    sources.push_back(db);
  }
  if (auto w = write_archive(tmp.path(), m, p.dir, sources); !w) return std::unexpected(w.error());
  if (auto w = put_in_place(tmp.path(), o.out, o.overwrite); !w) return std::unexpected(w.error());
  return m;
}

Result<BackupManifest> check_backup(const fs::path& file) {
  return read_backup(file, nullptr);
}

Result<RestoreResult> restore_data_dir(const RestoreOptions& o) {
  std::error_code ec;
  const bool existed = fs::exists(o.data_dir, ec);
  if (existed && (!fs::is_directory(o.data_dir, ec) || !fs::is_empty(o.data_dir, ec)))
    return fail(Errc::conflict, "data folder " + o.data_dir.string() +
                                    " exists and is not empty: restore into a new folder");
  // Both files checked whole before anything is made.
  auto data = check_backup(o.from);
  if (!data) return std::unexpected(data.error());
  if (data->kind != BackupKind::data)
    return fail(Errc::invalid_argument,
                o.from.string() + " is a keys backup; --from takes a data backup");
  if (o.keys.empty())
    return fail(Errc::invalid_argument,
                "give the keys backup (sdcd backup --keys) too: the data backup holds no keys");
  auto keys = check_backup(o.keys);
  if (!keys) return std::unexpected(keys.error());
  if (keys->kind != BackupKind::keys)
    return fail(Errc::invalid_argument,
                o.keys.string() + " is not a keys backup (sdcd backup --keys)");
  for (const auto& need : data->keys) {
    auto it = std::find_if(keys->files.begin(), keys->files.end(),
                           [&](const BackupEntry& e) { return e.path == need.path; });
    if (it == keys->files.end() || it->sha256 != need.sha256)
      return fail(Errc::invalid_argument,
                  o.keys.string() + " holds other keys than the registry of " + o.from.string() +
                      " (" + need.path + " differs): give the keys backup of the same registry");
  }

  TempPath staging(sibling(o.data_dir, ".restore-"));
  fs::create_directories(staging.path(), ec);
  if (ec) return fail(Errc::io, "cannot create " + staging.path().string() + ": " + ec.message());
  fs::permissions(staging.path(), fs::perms::owner_all, ec);
  // Extract both; their digests were checked above and are checked again
  // as they are read (the files could have changed in between).
  std::string open_name;
  Fd out;
  auto sink = [&](const BackupEntry& e, unsigned mode, const char* p,
                  std::size_t n) -> Result<void> {
    if (open_name != e.path) {
      out = Fd();
      auto path = staging.path() / e.path;
      fs::create_directories(path.parent_path(), ec);
      fs::permissions(path.parent_path(), fs::perms::owner_all, ec);
      out = Fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
      if (out.get() < 0)
        return fail(Errc::io, "cannot create " + path.string() + ": " + errno_text());
      ::fchmod(out.get(), (mode & 0644) == 0644 ? 0644 : 0600);
      open_name = e.path;
    }
    return write_all(out.get(), p, n, staging.path() / e.path);
  };
  for (const auto& file : {o.from, o.keys}) {
    open_name.clear();
    auto r = read_backup(file, sink);
    out = Fd();
    if (!r) return std::unexpected(r.error());
  }
  // Members with no bytes were never opened by the sink.
  for (const auto& list : {data->files, keys->files})
    for (const auto& e : list)
      if (e.size == 0) {
        Fd f(::open((staging.path() / e.path).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
      }

  DataPaths p{staging.path()};
  auto file_config = load_config_file(default_config_path(p.dir));
  if (!file_config) return std::unexpected(file_config.error());
  auto config = resolve_config(*file_config, o.overrides);
  if (!config) return std::unexpected(config.error());
  if (to_string(config->store) != data->store)
    return fail(Errc::invalid_argument,
                "the backup is of a " + data->store + " registry; its settings name another store");
  if (config->store == StoreKind::postgres && o.postgres_to_file) {
    Config c = *file_config;
    c.postgres = config->postgres;
    if (auto w =
            write_file_atomic(default_config_path(p.dir), render_config(c), FileMode::owner_only);
        !w)
      return std::unexpected(w.error());
  }

  RestoreResult result;
  result.manifest = *data;
  auto ck = registry::CheckpointKey::load(p.checkpoint_key());
  if (!ck) return std::unexpected(ck.error());
  if (config->store == StoreKind::postgres) {
    auto store = open_store(*config, p);
    if (!store) return std::unexpected(store.error());
    auto version = (*store)->schema_version();
    if (!version) return std::unexpected(version.error());
    if (*version > 0)
      return fail(Errc::conflict,
                  "the PostgreSQL database already holds a registry: restore into "
                  "an empty database (--postgres)");
    auto dump = staging.path() / "registry.pgdump";
    if (auto r = run_program({"pg_restore", "--exit-on-error", "--single-transaction", "--no-owner",
                              "--no-privileges", "--dbname=" + config->postgres, dump.string()});
        !r)
      return std::unexpected(r.error());
    fs::remove(dump, ec);
  }
  {
    auto store = open_store(*config, p);
    if (!store) return std::unexpected(store.error());
    auto version = (*store)->schema_version();
    if (!version) return std::unexpected(version.error());
    if (*version == 0) return fail(Errc::parse, "the restored database holds no registry");
    // A folder that never served has no checkpoint yet: nothing to hold
    // the chain against, as in the original.
    if (!fs::exists(p.checkpoints(), ec)) {
      if (existed) fs::remove(o.data_dir, ec);
      if (::rename(staging.path().c_str(), o.data_dir.c_str()) != 0)
        return fail(Errc::io, "cannot rename into " + o.data_dir.string() + ": " + errno_text());
      staging.keep();
      return result;
    }
    auto report = registry::verify_audit(**store, p.checkpoints(), ck->public_key());
    if (!report) return std::unexpected(report.error());
    if (!report->intact)
      return fail(Errc::crypto, "the restored audit trail does not verify: " + report->problem);
    result.audit_records = report->records;
    result.audit_checkpoints = report->checkpoints;
  }
  if (existed) fs::remove(o.data_dir, ec);
  if (::rename(staging.path().c_str(), o.data_dir.c_str()) != 0)
    return fail(Errc::io, "cannot rename into " + o.data_dir.string() + ": " + errno_text());
  staging.keep();
  return result;
}

}  // namespace sdc::http
