#include "sdc/http/server.h"

#include <fcntl.h>
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <semaphore>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/accounts.h"
#include "http/admin_audit.h"
#include "http/audit_filter.h"
#include "http/event_server.h"
#include "http/offices.h"
#include "sdc/barcode.h"
#include "sdc/bytes.h"
#include "sdc/crypto.h"
#include "sdc/file.h"
#include "sdc/pki.h"
#include "sdc/registry/audit.h"
#include "sdc/registry/pii.h"
#include "sdc/registry/postgres_store.h"
#include "sdc/registry/sqlite_store.h"
#include "sdc/trust.h"
#include "sdc/verify.h"

namespace sdc::http {

namespace fs = std::filesystem;
using json = nlohmann::json;
using registry::Action;
using registry::Role;
using registry::User;

namespace {

constexpr std::size_t kMaxBody = 1u << 20;

struct Paths {
  fs::path dir;
  fs::path db() const { return dir / "registry.db"; }
  fs::path pki() const { return dir / "pki"; }
  fs::path pii() const { return dir / "pii.keys"; }
  fs::path checkpoint_key() const { return dir / "checkpoint.key"; }
  fs::path checkpoints() const { return dir / "audit.checkpoints"; }
  fs::path checkpoint_lock() const { return dir / "audit.checkpoints.lock"; }
};

// ---- problems (RFC 9457) ----

struct FieldError {
  std::string field;
  std::string message;
};

const char* title_for(int status) {
  switch (status) {
    case 400:
      return "Invalid request";
    case 401:
      return "Not authenticated";
    case 403:
      return "Forbidden";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Request body too large";
    case 429:
      return "Too many requests";
    case 500:
      return "Internal error";
    default:
      return "Error";
  }
}

void problem(httplib::Response& res, int status, const std::string& detail,
             std::vector<FieldError> errors = {}) {
  json j = {{"type", "about:blank"},
            {"title", title_for(status)},
            {"status", status},
            {"detail", detail}};
  if (!errors.empty()) {
    json arr = json::array();
    for (auto& e : errors) arr.push_back({{"field", e.field}, {"message", e.message}});
    j["errors"] = arr;
  }
  res.status = status;
  res.set_content(j.dump(), "application/problem+json");
}

// Messages begin with the field's name ("sex: F, M or X",
// "date_of_birth '...': no such month"); map it to the request's name.
FieldError field_error(const std::string& message) {
  static const char* const kFields[] = {"a_number", "family_name", "given_names", "date_of_birth",
                                        "sex", "nationality", "portrait", "contact", "language",
                                        "effective_date", "reason", "status", "username",
                                        "password", "role", "barcode", "image_base64",
                                        // accounts and offices
                                        "disabled", "name", "address", "time_zone", "phone"};
  std::size_t n = 0;
  while (n < message.size() &&
         (std::islower(static_cast<unsigned char>(message[n])) || message[n] == '_'))
    ++n;
  std::string word = message.substr(0, n);
  if (n < message.size() && (message[n] == ':' || message[n] == ' ')) {
    for (const char* f : kFields) {
      if (word == f) {
        std::string why = message.substr(n);
        while (!why.empty() && (why.front() == ' ' || why.front() == ':')) why.erase(0, 1);
        if (word == "portrait") word = "portrait_base64";
        return {word, why};
      }
    }
  }
  return {"", message};
}

void error_response(httplib::Response& res, const Error& e) {
  switch (e.code) {
    case Errc::invalid_argument:
    case Errc::parse: {
      // A line per bad field (validate_holder, check_office): an entry each
      // in "errors", and all of them in the detail.
      std::vector<FieldError> fields;
      std::string detail;
      std::string_view rest = e.message;
      while (!rest.empty()) {
        auto nl = rest.find('\n');
        std::string line(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (line.empty()) continue;
        detail += (detail.empty() ? "" : "; ") + line;
        if (auto fe = field_error(line); !fe.field.empty()) fields.push_back(std::move(fe));
      }
      return problem(res, 400, detail, std::move(fields));
    }
    case Errc::not_found:
      return problem(res, 404, "not found");
    case Errc::forbidden:
      return problem(res, 403, "your role may not do this");
    case Errc::unauthorized:
      return problem(res, 401, e.message);
    case Errc::conflict:
      return problem(res, 409, e.message);
    case Errc::limit:
      return problem(res, 429, e.message);
    default:
      return problem(res, 500, "internal error");
  }
}

void send_json(httplib::Response& res, int status, const json& j) {
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

json holder_json(const registry::HolderView& v) {
  const auto& r = v.record;
  json j = {{"id", r.id}, {"family_name", r.family_name}, {"given_names", r.given_names}};
  if (v.a_number_shown) j["a_number"] = r.a_number;
  if (v.identity_shown) {
    j["date_of_birth"] = r.date_of_birth;
    j["sex"] = r.sex;
    j["nationality"] = r.nationality;
    j["portrait_base64"] = base64_encode(r.portrait);
    j["contact"] = r.contact;
  }
  if (v.identity_shown) j["language"] = r.language;
  j["created_at"] = format_time(r.created_at);
  j["updated_at"] = format_time(r.updated_at);
  return j;
}

json card_json(const registry::CardRecord& c) {
  json j = {{"document_number", c.document_number},  {"holder_id", c.holder_id},
            {"card_version", c.card_version},        {"state", registry::to_string(c.state)},
            {"issued_at", format_time(c.issued_at)}, {"expires_at", format_time(c.expires_at)},
            {"state_reason", c.state_reason},        {"updated_at", format_time(c.updated_at)}};
  if (!c.barcode.empty()) j["barcode"] = c.barcode;
  return j;
}

json case_json(const registry::CaseStatusEntry& e) {
  return {{"holder_id", e.holder_id},
          {"seq", e.seq},
          {"status", registry::to_string(e.status)},
          {"effective_date", e.effective_date},
          {"reason", e.reason},
          {"recorded_by", e.recorded_by},
          {"recorded_at", e.recorded_at ? format_time(e.recorded_at) : std::string()}};
}

// Reads a JSON object body; on failure answers 400 and returns nullopt.
std::optional<json> body_object(const httplib::Request& req, httplib::Response& res) {
  auto j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    problem(res, 400, "the body must be a JSON object", {{"", "expected a JSON object"}});
    return std::nullopt;
  }
  return j;
}

// A string member; answers 400 naming the field when absent (required) or not a string.
std::optional<std::string> str_field(const json& j, const char* name, httplib::Response& res,
                                     bool required = true) {
  auto it = j.find(name);
  if (it == j.end()) {
    if (!required) return std::string();
    problem(res, 400, std::string(name) + ": missing", {{name, "missing"}});
    return std::nullopt;
  }
  if (!it->is_string()) {
    problem(res, 400, std::string(name) + ": expected a string", {{name, "expected a string"}});
    return std::nullopt;
  }
  return it->get<std::string>();
}

// ---- data folder, store, TLS, checkpoints ----

Result<std::unique_ptr<registry::Store>> open_store(const Config& c, const Paths& p) {
  if (c.store == StoreKind::postgres) {
    registry::PostgresOptions po;
    po.conninfo = c.postgres;
    po.max_connections = static_cast<std::size_t>(c.threads);
    return registry::open_postgres_store(po);
  }
  return registry::open_sqlite_store({p.db()});
}

// An exclusive flock(2) on a file, released when destroyed.
class FileLock {
 public:
  static Result<FileLock> acquire(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail(Errc::io, "cannot open " + path.string());
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        ::close(fd);
        return fail(Errc::io, "cannot lock " + path.string());
      }
    }
    return FileLock(fd);
  }
  FileLock(FileLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// Several sdcd may write checkpoints into one data folder: under the lock,
// each reads the chain's head and appends, so lines stay in chain order.
Result<void> checkpoint_audit(registry::Store& store, const Paths& p,
                              const registry::CheckpointKey& key, UnixTime now) {
  auto lock = FileLock::acquire(p.checkpoint_lock());
  if (!lock) return std::unexpected(lock.error());
  auto r = registry::write_audit_checkpoint(store, p.checkpoints(), key, now);
  if (!r) return std::unexpected(r.error());
  return {};
}

// The key must be the owner's alone: refuse one that group or others may read.
Result<void> check_tls_key_mode(const fs::path& key) {
  struct stat st {};
  if (::stat(key.c_str(), &st) != 0)
    return fail(Errc::io, "tls_key " + key.string() + ": cannot read it");
  if (!S_ISREG(st.st_mode)) return fail(Errc::io, "tls_key " + key.string() + ": not a file");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fail(Errc::invalid_argument, "tls_key " + key.string() +
                                            ": group or others may access it (mode " + mode +
                                            "); chmod 600 it");
  }
  return {};
}

// HTTPS (TLS 1.2 or newer) with the configured certificate chain and key.
Result<std::unique_ptr<httplib::SSLServer>> make_tls_listener(const Config& c) {
  if (auto m = check_tls_key_mode(c.tls_key); !m) return std::unexpected(m.error());
  std::string why;
  auto setup = [&](SSL_CTX& ctx) -> bool {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, c.tls_cert.c_str()) != 1) {
      why = "tls_cert " + c.tls_cert.string() + ": not a readable PEM certificate chain";
      return false;
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(c.tls_key.c_str(), "r"), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
        EVP_PKEY_free);
    if (!key) {
      why = "tls_key " + c.tls_key.string() + ": not a readable PEM private key";
      return false;
    }
    if (SSL_CTX_use_PrivateKey(&ctx, key.get()) != 1 || SSL_CTX_check_private_key(&ctx) != 1) {
      why = "tls_key " + c.tls_key.string() + " does not belong to tls_cert " + c.tls_cert.string();
      return false;
    }
    return true;
  };
  auto server = std::make_unique<httplib::SSLServer>(setup);
  ERR_clear_error();
  if (!server->is_valid()) return fail(Errc::crypto, why.empty() ? "TLS setup failed" : why);
  return server;
}

}  // namespace

bool data_dir_initialised(const fs::path& dir) {
  return fs::exists(default_config_path(dir));
}

namespace {

// Copies an existing issuer key folder (made by `sdc pki init`) into the
// data folder: the signer must load, and its key file must be private.
// root.key is left where it is. The status uri is the service's own.
Result<void> take_pki(const PkiFolder& from, const PkiFolder& to, const IssuerSettings& ours) {
  const std::string where = "--pki " + from.dir().string() + ": ";
  struct stat st {};
  if (::stat(from.signer_key().c_str(), &st) != 0)
    return fail(Errc::not_found, where + "no signer.key (make the folder with `sdc pki init`)");
  if ((st.st_mode & 077) != 0)
    return fail(Errc::invalid_argument,
                where + "signer.key is readable by group or others: chmod 600 it first");
  if (auto signer = load_signer(from.signer_key(), from.signer_cert()); !signer)
    return fail(Errc::invalid_argument, where + signer.error().message);
  auto settings = load_settings(from);
  if (!settings) return fail(Errc::invalid_argument, where + settings.error().message);
  settings->status_uri = ours.status_uri;
  const std::pair<fs::path, fs::path> certs[] = {{from.signer_cert(), to.signer_cert()},
                                                 {from.root_cert(), to.root_cert()},
                                                 {from.bundle(), to.bundle()}};
  for (const auto& [src, dst] : certs) {
    auto text = read_file(src);
    if (!text) return fail(Errc::not_found, where + text.error().message);
    if (auto w = write_file_atomic(dst, *text, FileMode::public_read); !w) return w;
  }
  auto key = read_file(from.signer_key());
  if (!key) return fail(Errc::io, where + key.error().message);
  auto w = write_file_atomic(to.signer_key(), *key, FileMode::owner_only);
  sodium_memzero(key->data(), key->size());
  if (!w) return w;
  return save_settings(to, *settings);
}

// init_data_dir's work once the settings are checked; the caller removes
// what was made if this fails. The settings file is written last: a folder
// without it is not an initialised one.
Result<InitResult> init_folder(const InitOptions& o, const Config& config, const Paths& p) {
  std::error_code ec;
  fs::create_directories(p.dir, ec);
  if (ec) return fail(Errc::io, "cannot create " + p.dir.string() + ": " + ec.message());
  fs::permissions(p.dir, fs::perms::owner_all, ec);

  auto store = open_store(config, p);
  if (!store) return std::unexpected(store.error());
  if (config.store == StoreKind::postgres) {
    auto version = (*store)->schema_version();
    if (!version) return std::unexpected(version.error());
    if (*version > 0)
      return fail(Errc::conflict,
                  "the PostgreSQL database already holds a registry: to serve it from "
                  "another sdcd, copy the data folder of the sdcd that created it (its keys "
                  "seal the data); to start afresh, give an empty database");
  }
  // Keys and files first: what fails most often here (a --pki folder that
  // is not one) fails before the database is touched. The folder is removed
  // on failure; a migrated database is not.
  SystemClock clock;
  PkiOptions po;
  po.settings.status_uri = config.status_uri();
  fs::create_directories(p.pki(), ec);
  if (o.existing_pki.empty()) {
    if (auto r = pki_init(PkiFolder(p.pki()), po, clock.now()); !r)
      return std::unexpected(r.error());
  } else if (auto r = take_pki(PkiFolder(o.existing_pki), PkiFolder(p.pki()), po.settings); !r) {
    return std::unexpected(r.error());
  }

  auto keys = registry::PiiKeys::generate(crypto::system_random());
  if (auto r = keys.save(p.pii()); !r) return std::unexpected(r.error());
  auto ck = registry::CheckpointKey::generate();
  if (!ck) return std::unexpected(ck.error());
  if (auto r = ck->save(p.checkpoint_key()); !r) return std::unexpected(r.error());

  if (auto r = (*store)->migrate(); !r) return std::unexpected(r.error());
  // The first administrator: an account in the database (schema v2).
  InitResult out;
  out.admin_password = random_password();
  Accounts accounts(**store, clock);
  if (auto r = accounts.create(o.admin, out.admin_password, Role::administrator); !r)
    return std::unexpected(r.error());

  if (auto r = write_file_atomic(default_config_path(p.dir), render_config(config),
                                 FileMode::owner_only);
      !r)
    return std::unexpected(r.error());
  return out;
}

}  // namespace

Result<InitResult> init_data_dir(const InitOptions& o) {
  Paths p{o.data_dir};
  Config config = o.config;
  while (!config.base_url.empty() && config.base_url.back() == '/') config.base_url.pop_back();
  if (auto v = validate_config(config); !v) return std::unexpected(v.error());
  if (!valid_username(o.admin))
    return fail(Errc::invalid_argument, "admin: letters, digits, . - _");
  std::error_code ec;
  const bool existed = fs::exists(p.dir, ec);
  if (existed && !fs::is_empty(p.dir, ec))
    return fail(Errc::conflict, "data folder " + p.dir.string() + " exists and is not empty");
  auto r = init_folder(o, config, p);
  if (!r) {  // leave nothing half-made behind
    if (existed) {
      for (const auto& entry : fs::directory_iterator(p.dir, ec)) fs::remove_all(entry.path(), ec);
    } else {
      fs::remove_all(p.dir, ec);
    }
  }
  return r;
}

struct Server::Impl {
  Paths paths;
  ServeOptions options;
  Config config;
  SystemClock clock;
  std::unique_ptr<registry::Store> store;
  std::unique_ptr<registry::PiiCipher> cipher;
  std::unique_ptr<Signer> signer;
  std::optional<registry::CheckpointKey> checkpoint_key;
  std::optional<registry::Registry> reg;
  std::optional<TrustStore> trust;
  std::string root_pem, signers_pem, openapi;
  std::uint64_t ttl = 3600;
  std::unique_ptr<httplib::SSLServer> tls_http;  // HTTPS
  std::unique_ptr<EventServer> plain_http;       // HTTP

  // Accounts, sessions and login throttling live in the database.
  std::unique_ptr<Accounts> accounts;

  // The validity list as verify uses it, loaded (signature checked, bits
  // inflated) once per published iat rather than once per request. A change
  // made through this process marks it stale at once; a change made by
  // another process on the same database is seen within kListRecheck.
  // Requests between rechecks take no lock. A change through this process
  // bumps list_changes; the cache is good while it has loaded every change
  // counted so far and was checked less than kListRecheck ago.
  static constexpr std::chrono::milliseconds kListRecheck{500};
  std::mutex list_mu;  // one reload at a time
  std::atomic<std::shared_ptr<const StatusListCache>> list_cache;
  UnixTime list_iat = -1;  // under list_mu
  std::atomic<std::uint64_t> list_changes{0};
  std::atomic<std::uint64_t> list_loaded_changes{~std::uint64_t{0}};
  std::atomic<std::chrono::steady_clock::rep> list_checked{0};  // steady ticks

  void status_list_changed() { ++list_changes; }

  std::shared_ptr<const StatusListCache> current_status_list() {
    using steady = std::chrono::steady_clock;
    auto fresh_enough = [&](steady::time_point now) {
      return list_loaded_changes.load() == list_changes.load() &&
             now - steady::time_point(steady::duration(list_checked.load())) < kListRecheck;
    };
    auto now = steady::now();
    if (fresh_enough(now))
      if (auto cached = list_cache.load()) return cached;
    std::lock_guard lock(list_mu);
    auto cached = list_cache.load();
    if (cached && fresh_enough(now)) return cached;  // reloaded meanwhile
    std::uint64_t changes = list_changes.load();     // before reading: later ones reload again
    auto list = reg->status_list();
    if (!list) return cached;  // the last good list, if any; retried next request
    if (!cached || list->iat != list_iat) {
      auto fresh = std::make_shared<StatusListCache>();
      if (auto tok = load_status_list_token(list->token, *trust)) fresh->offer(std::move(*tok));
      cached = std::move(fresh);
      list_cache.store(cached);
      list_iat = list->iat;
    }
    list_checked = now.time_since_epoch().count();
    list_loaded_changes = changes;
    return cached;
  }

  std::mutex metrics_mu;
  std::map<std::pair<std::string, int>, std::uint64_t> requests;  // (method route, status)
  std::map<std::string, std::uint64_t> verifications;

  std::mutex audit_mu;

  void count(const std::string& route, int status) {
    std::lock_guard lock(metrics_mu);
    ++requests[{route, status}];
  }

  std::optional<User> authenticate(const httplib::Request& req, httplib::Response& res) {
    auto h = req.get_header_value("Authorization");
    if (h.rfind("Bearer ", 0) != 0) {
      problem(res, 401, "a bearer token is required");
      return std::nullopt;
    }
    auto user = accounts->authenticate(std::string_view(h).substr(7));
    if (!user) {
      error_response(res, user.error());
      return std::nullopt;
    }
    if (!*user) {
      problem(res, 401, "the token is unknown, expired or revoked");
      return std::nullopt;
    }
    return std::move(**user);
  }

  using Authed = std::function<void(const httplib::Request&, httplib::Response&, const User&)>;
  using Plain = std::function<void(const httplib::Request&, httplib::Response&)>;

  // One access-log line (method, route template, status, latency: no
  // personal data), written with a single write(2) so that lines from
  // concurrent requests never interleave.
  static void log_request(const std::string& label, int status, long long us) {
    char line[256];
    int n = std::snprintf(line, sizeof line, "sdcd: %s %d %lldus\n", label.c_str(), status, us);
    if (n <= 0) return;
    auto len = std::min(static_cast<std::size_t>(n), sizeof line - 1);
    [[maybe_unused]] auto w = ::write(STDERR_FILENO, line, len);
  }

  Plain wrap(const std::string& method, const std::string& route, Plain h) {
    return [this, label = method + " " + route, h = std::move(h)](const httplib::Request& req,
                                                                  httplib::Response& res) {
      auto start = std::chrono::steady_clock::now();
      try {
        h(req, res);
      } catch (...) {
        problem(res, 500, "internal error");
      }
      if (res.status == -1) res.status = 200;
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
      count(label, res.status);
      if (options.log_requests) log_request(label, res.status, us);
    };
  }

  Plain authed(Authed h) {
    return [this, h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
      auto user = authenticate(req, res);
      if (!user) return;
      h(req, res, *user);
    };
  }

  // Routes. Over HTTPS, cpp-httplib matches them; over HTTP the event
  // listener hands every request to dispatch(): routes without parameters
  // are found by one hash lookup, the others by their pattern.
  struct PatternRoute {
    std::string method;
    std::regex pattern;
    Plain handler;
  };
  std::unordered_map<std::string, Plain> exact_routes;  // "GET /healthz"
  std::vector<PatternRoute> pattern_routes;

  void add_route(const std::string& method, const std::string& route, const std::string& pattern,
                 Plain h) {
    auto handler = wrap(method, route, std::move(h));
    if (tls_http) {
      auto& s = *tls_http;
      if (method == "GET")
        s.Get(pattern, std::move(handler));
      else if (method == "POST")
        s.Post(pattern, std::move(handler));
      else if (method == "PUT")
        s.Put(pattern, std::move(handler));
      else if (method == "PATCH")
        s.Patch(pattern, std::move(handler));
      else
        s.Delete(pattern, std::move(handler));
    } else if (route == pattern) {
      exact_routes.emplace(method + " " + pattern, std::move(handler));
    } else {
      pattern_routes.push_back({method, std::regex(pattern), std::move(handler)});
    }
  }
  void get(const std::string& route, const std::string& pattern, Plain h) {
    add_route("GET", route, pattern, std::move(h));
  }
  void post(const std::string& route, const std::string& pattern, Plain h) {
    add_route("POST", route, pattern, std::move(h));
  }
  void put(const std::string& route, const std::string& pattern, Plain h) {
    add_route("PUT", route, pattern, std::move(h));
  }
  void patch(const std::string& route, const std::string& pattern, Plain h) {
    add_route("PATCH", route, pattern, std::move(h));
  }
  void del(const std::string& route, const std::string& pattern, Plain h) {
    add_route("DELETE", route, pattern, std::move(h));
  }

  void dispatch(httplib::Request& req, httplib::Response& res) {
    std::string key;
    key.reserve(req.method.size() + 1 + req.path.size());
    key.append(req.method).append(" ").append(req.path);
    if (auto it = exact_routes.find(key); it != exact_routes.end()) return it->second(req, res);
    for (const auto& r : pattern_routes)
      if (r.method == req.method && std::regex_match(req.path, req.matches, r.pattern))
        return r.handler(req, res);
    // The path is known under another method: 405 and the methods it has.
    std::string allow;
    for (std::string method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      bool takes = exact_routes.contains(method + " " + req.path);
      for (const auto& r : pattern_routes)
        takes = takes || (r.method == method && std::regex_match(req.path, r.pattern));
      if (takes) allow += (allow.empty() ? "" : ", ") + method;
    }
    if (!allow.empty()) res.set_header("Allow", allow);
    unmatched(req.method, res, allow.empty() ? 404 : 405);
  }

  // Answers a request no route takes, counted and logged without its path,
  // which may carry personal data.
  void unmatched(const std::string& method, httplib::Response& res, int status) {
    problem(res, status,
            status == 404   ? "no such resource"
            : status == 405 ? "this resource does not take " + method
            : status == 413 ? "the request body is over 1 MiB"
                            : title_for(status));
    count_unrouted(method + " (unmatched)", status);
  }
  // The same for a request the listener refused before routing.
  void refused(httplib::Response& res, int status, const std::string& why) {
    problem(res, status, why);
    count_unrouted("- (refused)", status);  // method unknown
  }
  void count_unrouted(const std::string& label, int status) {
    count(label, status);
    if (options.log_requests) log_request(label, status, 0);
  }

  void routes();
  Result<User> add_user_impl(const std::string& username, const std::string& password, Role role);
  void account_and_office_routes();
  void login(const httplib::Request& req, httplib::Response& res);
  void verify(const httplib::Request& req, httplib::Response& res, const User& user);
  std::optional<registry::HolderInput> holder_input(const json& j, httplib::Response& res,
                                                    const registry::HolderInput* base);
  void card_change(const httplib::Request& req, httplib::Response& res, const User& user,
                   const std::string& what);
};

void Server::Impl::login(const httplib::Request& req, httplib::Response& res) {
  auto j = body_object(req, res);
  if (!j) return;
  auto username = str_field(*j, "username", res);
  if (!username) return;
  auto password = str_field(*j, "password", res);
  if (!password) return;
  auto r = accounts->login(*username, *password);
  if (!r) return error_response(res, r.error());
  if (r->outcome == Accounts::LoginOutcome::locked) {
    res.set_header("Retry-After", std::to_string(r->retry_after));
    return problem(res, 429, "too many failed logins; try again later");
  }
  if (r->outcome != Accounts::LoginOutcome::ok)
    return problem(res, 401, "wrong username or password");
  send_json(res, 200,
            {{"token", r->token},
             {"expires_at", format_time(r->expires_at)},
             {"role", registry::to_string(r->role)}});
}

std::optional<registry::HolderInput> Server::Impl::holder_input(const json& j,
                                                                httplib::Response& res,
                                                                const registry::HolderInput* base) {
  registry::HolderInput in = base ? *base : registry::HolderInput{};
  static const std::vector<std::string> known = {"a_number",        "family_name", "given_names",
                                                 "date_of_birth",   "sex",         "nationality",
                                                 "portrait_base64", "contact",     "language"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      problem(res, 400, it.key() + ": unknown field", {{it.key(), "unknown field"}});
      return std::nullopt;
    }
  }
  auto take = [&](const char* name, std::string& out) -> bool {
    bool required = base == nullptr && std::string(name) != "contact";
    if (!j.contains(name) && !required) return true;
    auto v = str_field(j, name, res, required);
    if (!v) return false;
    out = *v;
    return true;
  };
  std::string portrait;
  if (!take("a_number", in.a_number) || !take("family_name", in.family_name) ||
      !take("given_names", in.given_names) || !take("date_of_birth", in.date_of_birth) ||
      !take("sex", in.sex) || !take("nationality", in.nationality) ||
      !take("contact", in.contact) || !take("language", in.language))
    return std::nullopt;
  if (j.contains("portrait_base64") || !base) {
    auto v = str_field(j, "portrait_base64", res);
    if (!v) return std::nullopt;
    auto bytes = base64_decode(*v);
    if (!bytes || bytes->empty()) {
      problem(res, 400, "portrait_base64: not base64", {{"portrait_base64", "not base64"}});
      return std::nullopt;
    }
    in.portrait = std::move(*bytes);
  }
  return in;
}

void Server::Impl::verify(const httplib::Request& req, httplib::Response& res, const User& user) {
  if (!registry::allowed(user.role, Action::verify_card))
    return problem(res, 403, "your role may not do this");
  auto j = body_object(req, res);
  if (!j) return;
  std::string barcode;
  if (j->contains("barcode")) {
    auto v = str_field(*j, "barcode", res);
    if (!v) return;
    barcode = *v;
  } else if (j->contains("image_base64")) {
    auto v = str_field(*j, "image_base64", res);
    if (!v) return;
    auto img = base64_decode(*v);
    if (!img)
      return problem(res, 400, "image_base64: not base64", {{"image_base64", "not base64"}});
    auto text = read_qr_from_image_bytes(*img);
    if (!text)
      return problem(res, 400, "image_base64: no readable barcode",
                     {{"image_base64", "no readable barcode"}});
    barcode = *text;
  } else {
    return problem(res, 400, "barcode: missing (or image_base64)", {{"barcode", "missing"}});
  }
  UnixTime now = clock.now();
  auto lists = current_status_list();
  auto v = verify_barcode(barcode, *trust, lists.get(), now);
  std::string result = to_string(v.result);
  {
    std::lock_guard lock(metrics_mu);
    ++verifications[result];
  }
  json out = {{"result", result}, {"detail", v.detail}};
  out["validity"] = to_string(v.status.validity);
  if (v.status.as_of) out["status_as_of"] = format_time(*v.status.as_of);
  if (v.claims) {
    const auto& h = v.claims->holder;
    json hj = {{"document_number", h.document_number},
               {"family_name", h.family_name},
               {"given_names", h.given_names}};
    if (registry::allowed(user.role, Action::read_holder_identity)) {
      hj["date_of_birth"] = h.date_of_birth;
      hj["sex"] = h.sex;
      hj["nationality"] = h.nationality;
      hj["portrait_sha256"] = hex_encode(h.portrait_sha256);
      if (h.thumbnail) hj["thumbnail"] = base64_encode(*h.thumbnail);
      hj["card_version"] = h.card_version;
      hj["issuing_office"] = h.issuing_office;
    }
    if (registry::allowed(user.role, Action::read_a_number)) hj["a_number"] = h.a_number;
    out["holder"] = hj;
    out["issued_at"] = format_time(v.claims->iat);
    out["expires_at"] = format_time(v.claims->exp);
  }
  // Every verification is audited, a forged or unreadable card's too, with
  // the online extras for a card the registry knows. Nothing is answered
  // unless the verification's audit record is durable.
  auto online =
      reg->record_verification(user, v.claims ? v.claims->holder.document_number : "", result);
  if (!online) return error_response(res, online.error());
  if (*online) out["case_status"] = case_json(**online);
  send_json(res, 200, out);
}

void Server::Impl::card_change(const httplib::Request& req, httplib::Response& res,
                               const User& user, const std::string& what) {
  auto j = body_object(req, res);
  if (!j) return;
  std::string doc = req.matches[1];
  auto reason = str_field(*j, "reason", res, what == "reissue");
  if (!reason) return;
  if (what == "reissue") {
    registry::ReissueReason rr;
    if (*reason == "lost")
      rr = registry::ReissueReason::lost;
    else if (*reason == "stolen")
      rr = registry::ReissueReason::stolen;
    else if (*reason == "damaged")
      rr = registry::ReissueReason::damaged;
    else if (*reason == "data_changed")
      rr = registry::ReissueReason::data_changed;
    else
      return problem(res, 400, "reason: one of lost, stolen, damaged, data_changed",
                     {{"reason", "one of lost, stolen, damaged, data_changed"}});
    auto card = reg->get_card(user, doc);
    if (!card) return error_response(res, card.error());
    auto r = reg->reissue_card(user, card->holder_id, rr);
    status_list_changed();
    if (!r) return error_response(res, r.error());
    json out = card_json(r->card);
    out["issued"] = r->issued.to_json();
    return send_json(res, 201, out);
  }
  Result<registry::CardRecord> r = fail(Errc::internal, "");
  if (what == "revoke")
    r = reg->revoke_card(user, doc, *reason);
  else if (what == "suspend")
    r = reg->suspend_card(user, doc, *reason);
  else
    r = reg->lift_suspension(user, doc, *reason);
  status_list_changed();
  if (!r) return error_response(res, r.error());
  send_json(res, 200, card_json(*r));
}

void Server::Impl::routes() {
  const std::string kId = "([0-9a-fA-F]{1,64})";
  const std::string kDoc = "([0-9A-Za-z]{1,16})";

  get("/healthz", "/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  get("/metrics", "/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string out;
    out += "# HELP sdcd_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE sdcd_http_requests_total counter\n";
    std::lock_guard lock(metrics_mu);
    for (const auto& [k, n] : requests) {
      auto sp = k.first.find(' ');
      out += "sdcd_http_requests_total{method=\"" + k.first.substr(0, sp) + "\",route=\"" +
             k.first.substr(sp + 1) + "\",status=\"" + std::to_string(k.second) + "\"} " +
             std::to_string(n) + "\n";
    }
    out += "# HELP sdcd_verifications_total Card verifications by result.\n";
    out += "# TYPE sdcd_verifications_total counter\n";
    for (const auto& [k, n] : verifications)
      out += "sdcd_verifications_total{result=\"" + k + "\"} " + std::to_string(n) + "\n";
    // The group commit of audit records of reads, verifications and
    // refusals (registry/audit_batcher.h): events per batch is how much it saves.
    const auto& batcher = reg->audit_batcher();
    out +=
        "# HELP sdcd_audit_batches_total Audit group-commit transactions run (committed or "
        "failed).\n";
    out += "# TYPE sdcd_audit_batches_total counter\n";
    out += "sdcd_audit_batches_total " + std::to_string(batcher.transactions()) + "\n";
    out += "# HELP sdcd_audit_batched_events_total Audit events committed by the group commit.\n";
    out += "# TYPE sdcd_audit_batched_events_total counter\n";
    out += "sdcd_audit_batched_events_total " + std::to_string(batcher.events()) + "\n";
    out += "# HELP sdcd_audit_queue_depth Audit requests waiting for the next group commit.\n";
    out += "# TYPE sdcd_audit_queue_depth gauge\n";
    out += "sdcd_audit_queue_depth " + std::to_string(batcher.queued()) + "\n";
    res.set_content(out, "text/plain; version=0.0.4");
  });
  get("/openapi.yaml", "/openapi.yaml", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(openapi, "application/yaml");
  });
  get("/status/validity", "/status/validity",
      [this](const httplib::Request& req, httplib::Response& res) {
        auto list = reg->status_list();
        if (!list) return error_response(res, list.error());
        auto d = crypto::sha256(list->token);
        std::string etag = "\"" + hex_encode(ByteView(d.data(), d.size())) + "\"";
        res.set_header("ETag", etag);
        res.set_header("Cache-Control", "public, max-age=" + std::to_string(ttl));
        if (req.get_header_value("If-None-Match") == etag) {
          res.status = 304;
          return;
        }
        res.set_content(std::string(as_chars(list->token)), std::string(kStatusListContentType));
      });
  get("/trust/root.pem", "/trust/root.pem",
      [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(root_pem, "application/x-pem-file");
      });
  get("/trust/signers.pem", "/trust/signers.pem",
      [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(signers_pem, "application/x-pem-file");
      });

  post("/v1/login", "/v1/login",
       [this](const httplib::Request& req, httplib::Response& res) { login(req, res); });
  post("/v1/logout", "/v1/logout",
       authed([this](const httplib::Request& req, httplib::Response& res, const User&) {
         auto r = accounts->logout(req.get_header_value("Authorization").substr(7));
         if (!r) return error_response(res, r.error());
         res.status = 204;
       }));
  post("/v1/verify", "/v1/verify",
       authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
         verify(req, res, u);
       }));

  post("/v1/holders", "/v1/holders",
       authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
         if (!registry::allowed(u.role, Action::enroll_holder))
           return problem(res, 403, "your role may not do this");
         auto j = body_object(req, res);
         if (!j) return;
         auto in = holder_input(*j, res, nullptr);
         if (!in) return;
         auto h = reg->enroll(u, *in);
         if (!h) return error_response(res, h.error());
         registry::HolderView v{*h, true, true};
         send_json(res, 201, holder_json(v));
       }));
  get("/v1/holders", "/v1/holders",
      authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
        if (req.has_param("a_number")) {
          auto v = reg->find_by_a_number(u, req.get_param_value("a_number"));
          if (!v) {
            if (v.error().code == Errc::not_found)
              return send_json(res, 200, {{"holders", json::array()}});
            return error_response(res, v.error());
          }
          return send_json(res, 200, {{"holders", json::array({holder_json(*v)})}});
        }
        if (req.has_param("family_name") && req.has_param("date_of_birth")) {
          auto v = reg->find_by_name(u, req.get_param_value("family_name"),
                                     req.get_param_value("date_of_birth"),
                                     req.get_param_value("given_names"));
          if (!v) return error_response(res, v.error());
          json arr = json::array();
          for (const auto& h : *v) arr.push_back(holder_json(h));
          return send_json(res, 200, {{"holders", arr}});
        }
        problem(res, 400, "query: give a_number, or family_name and date_of_birth",
                {{"a_number", "or family_name and date_of_birth"}});
      }));
  get("/v1/holders/{id}", "/v1/holders/" + kId,
      authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
        auto v = reg->get_holder(u, req.matches[1]);
        if (!v) return error_response(res, v.error());
        send_json(res, 200, holder_json(*v));
      }));
  patch("/v1/holders/{id}", "/v1/holders/" + kId,
        authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
          if (!registry::allowed(u.role, Action::correct_holder))
            return problem(res, 403, "your role may not do this");
          auto j = body_object(req, res);
          if (!j) return;
          std::string id = req.matches[1];
          auto cur = reg->get_holder(u, id);
          if (!cur) return error_response(res, cur.error());
          const auto& r = cur->record;
          registry::HolderInput base{r.a_number,      r.family_name, r.given_names,
                                     r.date_of_birth, r.sex,         r.nationality,
                                     r.portrait,      r.contact,     r.language};
          auto in = holder_input(*j, res, &base);
          if (!in) return;
          auto h = reg->correct(u, id, *in);
          if (!h) return error_response(res, h.error());
          send_json(res, 200, holder_json(registry::HolderView{*h, true, true}));
        }));
  post("/v1/holders/{id}/cards", "/v1/holders/" + kId + "/cards",
       authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
         auto r = reg->issue_card(u, req.matches[1]);
         status_list_changed();
         if (!r) return error_response(res, r.error());
         json out = card_json(r->card);
         out["issued"] = r->issued.to_json();
         send_json(res, 201, out);
       }));
  for (const char* what : {"reissue", "revoke", "suspend", "lift-suspension"}) {
    std::string w = what;
    post("/v1/cards/{document_number}/" + w, "/v1/cards/" + kDoc + "/" + w,
         authed([this, w](const httplib::Request& req, httplib::Response& res, const User& u) {
           card_change(req, res, u, w);
         }));
  }
  get("/v1/holders/{id}/case-status", "/v1/holders/" + kId + "/case-status",
      authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
        auto r = reg->get_case_status(u, req.matches[1]);
        if (!r) return error_response(res, r.error());
        send_json(res, 200, case_json(*r));
      }));
  put("/v1/holders/{id}/case-status", "/v1/holders/" + kId + "/case-status",
      authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
        if (!registry::allowed(u.role, Action::set_case_status))
          return problem(res, 403, "your role may not do this");
        auto j = body_object(req, res);
        if (!j) return;
        auto status = str_field(*j, "status", res);
        if (!status) return;
        auto date = str_field(*j, "effective_date", res);
        if (!date) return;
        auto reason = str_field(*j, "reason", res, false);
        if (!reason) return;
        auto cs = registry::parse_case_status(*status);
        if (!cs)
          return problem(res, 400, "status: " + cs.error().message,
                         {{"status", cs.error().message}});
        auto r = reg->set_case_status(u, req.matches[1], *cs, *date, *reason);
        if (!r) return error_response(res, r.error());
        send_json(res, 200, case_json(*r));
      }));
  get("/v1/holders/{id}/case-status/history", "/v1/holders/" + kId + "/case-status/history",
      authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
        auto r = reg->case_status_history(u, req.matches[1]);
        if (!r) return error_response(res, r.error());
        json arr = json::array();
        for (const auto& e : *r) arr.push_back(case_json(e));
        send_json(res, 200, {{"entries", arr}});
      }));
  // ---- audit trail (auditors) ----
  get("/v1/audit", "/v1/audit",
      authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
        auto filter = parse_audit_filter(req.params);
        // A refusal is itself audited by the registry, whatever was asked.
        if (!registry::allowed(u.role, Action::read_audit)) {
          auto refused = reg->audit_query(u, filter ? *filter : registry::AuditFilter{});
          return error_response(res, refused ? Error{Errc::forbidden, ""} : refused.error());
        }
        if (!filter) {
          std::string detail = filter.error().field + ": " + filter.error().message;
          return problem(res, 400, detail, {{filter.error().field, filter.error().message}});
        }
        auto events = reg->audit_query(u, *filter);
        if (!events) return error_response(res, events.error());
        json arr = json::array();
        for (const auto& e : *events)
          arr.push_back({{"seq", e.seq},
                         {"at", format_time(e.at)},
                         {"user", e.actor},
                         {"role", e.role},
                         {"action", e.action},
                         {"holder_id", e.holder_id},
                         {"outcome", e.outcome},
                         {"detail", e.detail}});
        json out = {{"events", arr}};
        // A full page may have more after it: pass next_after as `after`.
        out["next_after"] = events->size() == filter->limit ? json(events->back().seq) : json();
        send_json(res, 200, out);
      }));
  // ---- end of audit trail ----
  account_and_office_routes();
}

// ---- accounts and offices ----

namespace {

json account_json(const registry::AccountRow& a) {
  return {{"id", a.user_id},
          {"username", a.username},
          {"role", registry::to_string(a.role)},
          {"disabled", a.disabled},
          {"created_at", format_time(a.created_at)},
          {"updated_at", format_time(a.updated_at)}};
}

json office_json(const registry::OfficeRow& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"address", o.address},
          {"time_zone", o.time_zone},
          {"phone", o.phone},
          {"created_at", format_time(o.created_at)},
          {"updated_at", format_time(o.updated_at)}};
}

}  // namespace

// Users and offices are the administrator's (DESIGN.md: "users, roles,
// offices, keys"); auditors may read the users. Every signed-in role may
// read the offices: they are where holders report.
void Server::Impl::account_and_office_routes() {
  const std::string kUsername = "([A-Za-z0-9._-]{1,64})";
  const std::string kOfficeId = "([A-Za-z0-9_-]{1,64})";

  // Every administration call leaves an audit record: a change in its own
  // transaction (accounts.cpp, offices.cpp), a refusal or failure here.
  auto failed = [this](httplib::Response& res, const User& u, AdminAction action,
                       const Error& error, std::string detail) {
    error_response(res,
                   audit_admin_failure(*store, u, action, error, std::move(detail), clock.now()));
  };
  auto refused = [failed](httplib::Response& res, const User& u, AdminAction action,
                          std::string detail) {
    failed(res, u, action, Error{Errc::forbidden, "your role may not do this"}, std::move(detail));
  };
  // The user id behind a username, for an audit record: usernames stay out.
  auto user_detail = [this](const std::string& username) {
    auto a = store->in_read_transaction<std::optional<registry::AccountRow>>(
        [&](registry::Tx& tx) { return tx.get_account(username); });
    return a && *a ? "user " + (*a)->user_id : std::string("user unknown");
  };

  post("/v1/users", "/v1/users",
       authed([this, failed, refused](const httplib::Request& req, httplib::Response& res,
                                      const User& u) {
         if (!registry::allowed(u.role, Action::manage_users))
           return refused(res, u, AdminAction::create_user, "");
         auto j = body_object(req, res);
         if (!j) return;
         auto name = str_field(*j, "username", res);
         if (!name) return;
         auto pw = str_field(*j, "password", res);
         if (!pw) return;
         auto role_text = str_field(*j, "role", res);
         if (!role_text) return;
         auto role = registry::parse_role(*role_text);
         if (!role) return problem(res, 400, "role: unknown role", {{"role", "unknown role"}});
         auto made = accounts->create(*name, *pw, *role, &u);
         if (!made)
           return failed(res, u, AdminAction::create_user, made.error(),
                         std::string("role ") + registry::to_string(*role));
         send_json(
             res, 201,
             {{"id", made->id}, {"username", *name}, {"role", registry::to_string(made->role)}});
       }));
  get("/v1/users", "/v1/users",
      authed([this](const httplib::Request&, httplib::Response& res, const User& u) {
        if (!registry::allowed(u.role, Action::read_users))
          return problem(res, 403, "your role may not do this");
        auto all = accounts->list();
        if (!all) return error_response(res, all.error());
        json arr = json::array();
        for (const auto& a : *all) arr.push_back(account_json(a));
        send_json(res, 200, {{"users", arr}});
      }));
  patch("/v1/users/{username}", "/v1/users/" + kUsername,
        authed([this, failed, user_detail](const httplib::Request& req, httplib::Response& res,
                                           const User& u) {
          const std::string username = req.matches[1];
          if (!registry::allowed(u.role, Action::manage_users)) {
            // Which of the two the caller tried, if the body says.
            auto j = json::parse(req.body, nullptr, false);
            bool enable = j.is_object() && j.contains("disabled") && j["disabled"] == false;
            return failed(res, u, enable ? AdminAction::enable_user : AdminAction::disable_user,
                          Error{Errc::forbidden, "your role may not do this"},
                          user_detail(username));
          }
          auto j = body_object(req, res);
          if (!j) return;
          for (auto it = j->begin(); it != j->end(); ++it)
            if (it.key() != "disabled")
              return problem(res, 400, it.key() + ": unknown field", {{it.key(), "unknown field"}});
          auto d = j->find("disabled");
          if (d == j->end() || !d->is_boolean())
            return problem(res, 400, "disabled: expected true or false",
                           {{"disabled", "expected true or false"}});
          const bool disable = d->get<bool>();
          auto r = accounts->set_disabled(username, disable, u);
          if (!r)
            return failed(res, u, disable ? AdminAction::disable_user : AdminAction::enable_user,
                          r.error(), user_detail(username));
          send_json(res, 200, account_json(*r));
        }));
  get("/v1/offices", "/v1/offices",
      authed([this](const httplib::Request&, httplib::Response& res, const User&) {
        auto all = list_offices(*store);
        if (!all) return error_response(res, all.error());
        json arr = json::array();
        for (const auto& o : *all) arr.push_back(office_json(o));
        send_json(res, 200, {{"offices", arr}});
      }));
  post("/v1/offices", "/v1/offices",
       authed([this, failed, refused](const httplib::Request& req, httplib::Response& res,
                                      const User& u) {
         if (!registry::allowed(u.role, Action::manage_users))
           return refused(res, u, AdminAction::create_office, "");
         auto j = body_object(req, res);
         if (!j) return;
         for (auto it = j->begin(); it != j->end(); ++it) {
           const std::string& k = it.key();
           if (k != "name" && k != "address" && k != "time_zone" && k != "phone")
             return problem(res, 400, k + ": unknown field", {{k, "unknown field"}});
         }
         OfficeInput in;
         auto name = str_field(*j, "name", res);
         if (!name) return;
         auto address = str_field(*j, "address", res, false);
         if (!address) return;
         auto tz = str_field(*j, "time_zone", res);
         if (!tz) return;
         auto phone = str_field(*j, "phone", res, false);
         if (!phone) return;
         in = {*name, *address, *tz, *phone};
         auto r = create_office(*store, in, clock.now(), &u);
         if (!r) return failed(res, u, AdminAction::create_office, r.error(), "");
         send_json(res, 201, office_json(*r));
       }));
  get("/v1/offices/{id}", "/v1/offices/" + kOfficeId,
      authed([this](const httplib::Request& req, httplib::Response& res, const User&) {
        auto r = get_office(*store, req.matches[1]);
        if (!r) return error_response(res, r.error());
        send_json(res, 200, office_json(*r));
      }));
  patch("/v1/offices/{id}", "/v1/offices/" + kOfficeId,
        authed([this, failed, refused](const httplib::Request& req, httplib::Response& res,
                                       const User& u) {
          const std::string id = req.matches[1];
          if (!registry::allowed(u.role, Action::manage_users))
            return refused(res, u, AdminAction::update_office, "office " + id);
          auto j = body_object(req, res);
          if (!j) return;
          OfficeChange change;
          for (auto it = j->begin(); it != j->end(); ++it) {
            const std::string& k = it.key();
            std::optional<std::string>* slot = k == "name"        ? &change.name
                                               : k == "address"   ? &change.address
                                               : k == "time_zone" ? &change.time_zone
                                               : k == "phone"     ? &change.phone
                                                                  : nullptr;
            if (!slot) return problem(res, 400, k + ": unknown field", {{k, "unknown field"}});
            if (!it->is_string())
              return problem(res, 400, k + ": expected a string", {{k, "expected a string"}});
            *slot = it->get<std::string>();
          }
          auto r = update_office(*store, id, change, clock.now(), u);
          if (!r) return failed(res, u, AdminAction::update_office, r.error(), "office " + id);
          send_json(res, 200, office_json(*r));
        }));
  del("/v1/offices/{id}", "/v1/offices/" + kOfficeId,
      authed([this, failed, refused](const httplib::Request& req, httplib::Response& res,
                                     const User& u) {
        const std::string id = req.matches[1];
        if (!registry::allowed(u.role, Action::manage_users))
          return refused(res, u, AdminAction::delete_office, "office " + id);
        auto r = delete_office(*store, id, clock.now(), u);
        if (!r) return failed(res, u, AdminAction::delete_office, r.error(), "office " + id);
        res.status = 204;
      }));
}

// ---- end of accounts and offices ----

Result<User> Server::Impl::add_user_impl(const std::string& username, const std::string& password,
                                         Role role) {
  return accounts->create(username, password, role);
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_ && impl_->checkpoint_key && impl_->store)
    (void)checkpoint_audit(*impl_->store, impl_->paths, *impl_->checkpoint_key, impl_->clock.now());
}

Result<std::unique_ptr<Server>> Server::open(const ServeOptions& options) {
  if (sodium_init() < 0) return fail(Errc::crypto, "libsodium did not initialise");
  auto impl = std::make_unique<Impl>();
  impl->paths = Paths{options.data_dir};
  impl->options = options;
  auto file = load_config_file(options.config_file.empty() ? default_config_path(options.data_dir)
                                                           : options.config_file);
  if (!file) return std::unexpected(file.error());
  auto cfg = resolve_config(*file, options.overrides);
  if (!cfg) return std::unexpected(cfg.error());
  impl->config = *cfg;
  if (impl->config.tls()) {
    auto listener = make_tls_listener(impl->config);
    if (!listener) return std::unexpected(listener.error());
    impl->tls_http = std::move(*listener);
  }
  auto store = open_store(impl->config, impl->paths);
  if (!store) return std::unexpected(store.error());
  impl->store = std::move(*store);
  if (auto r = impl->store->migrate(); !r) return std::unexpected(r.error());
  auto keys = registry::PiiKeys::load(impl->paths.pii());
  if (!keys) return std::unexpected(keys.error());
  impl->cipher = std::make_unique<registry::PiiCipher>(std::move(*keys));
  auto ck = registry::CheckpointKey::load(impl->paths.checkpoint_key());
  if (!ck) return std::unexpected(ck.error());
  impl->checkpoint_key = std::move(*ck);
  PkiFolder pki(impl->paths.pki());
  auto signer = load_signer(pki.signer_key(), pki.signer_cert());
  if (!signer) return std::unexpected(signer.error());
  impl->signer = std::make_unique<Signer>(std::move(*signer));
  auto settings = load_settings(pki);
  if (!settings) return std::unexpected(settings.error());
  if (settings->status_uri != impl->config.status_uri())
    return fail(Errc::invalid_argument,
                "base_url " + impl->config.base_url + " does not match the status uri the cards " +
                    "carry (" + settings->status_uri + ", pki/issuer.json): base_url is fixed " +
                    "when the data folder is made");
  auto root = read_file(pki.root_cert());
  if (!root) return std::unexpected(root.error());
  auto bundle = read_file(pki.bundle());
  if (!bundle) return std::unexpected(bundle.error());
  impl->root_pem = *root;
  impl->signers_pem = *bundle;
  auto trust = TrustStore::from_pem(*root, *bundle);
  if (!trust) return std::unexpected(trust.error());
  impl->trust = std::move(*trust);
  impl->openapi = options.openapi_yaml;
  if (const auto& path = impl->config.openapi_path; !path.empty()) {
    auto text = read_file(path);
    if (!text) return std::unexpected(text.error());
    impl->openapi = *text;
  }
  impl->ttl = impl->config.status_list_ttl;

  registry::RegistryOptions ro;
  ro.store = impl->store.get();
  ro.cipher = impl->cipher.get();
  ro.signer = impl->signer.get();
  ro.settings = *settings;
  ro.clock = &impl->clock;
  ro.random = &crypto::system_random();
  ro.status_list_size = impl->config.status_list_size;
  ro.card_valid_days = impl->config.card_validity_days;
  ro.status_list_ttl = impl->ttl;
  auto reg = registry::Registry::create(ro);
  if (!reg) return std::unexpected(reg.error());
  impl->reg.emplace(std::move(*reg));

  impl->accounts = std::make_unique<Accounts>(*impl->store, impl->clock);
  if (auto r = impl->accounts->prepare(); !r) return std::unexpected(r.error());

  Impl* self = impl.get();
  if (!impl->tls_http) {
    EventServer::Options eo;
    eo.threads = impl->config.threads;
    eo.max_body = kMaxBody;
    impl->plain_http = std::make_unique<EventServer>(
        eo, [self](httplib::Request& req, httplib::Response& res) { self->dispatch(req, res); },
        [self](int status, const std::string& message, httplib::Response& res) {
          self->refused(res, status, message);
        });
  } else {
    auto& s = *impl->tls_http;
    s.set_tcp_nodelay(true);
    s.set_keep_alive_max_count(1000);
    s.set_payload_max_length(kMaxBody);
    const int threads = impl->config.threads;
    s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    s.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                               std::exception_ptr) { problem(res, 500, "internal error"); });
    s.set_error_handler([self](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      int status = res.status;
      if (status == 404 || status == 413 || status == 405)
        self->unmatched(req.method, res, status);
      else
        problem(res, status, title_for(status));
    });
    // RFC 9112 section 6.3: a request with neither Content-Length nor
    // Transfer-Encoding has an empty body. cpp-httplib would instead read a
    // POST, PUT, PATCH or DELETE until the connection closes (and answer 400
    // after its read timeout), so `curl -X POST .../v1/logout` or
    // `curl -X DELETE` would hang: say the body is empty before it reads one.
    // The request is the server's own non-const object, handed here as const.
    s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      const bool may_have_body = req.method == "POST" || req.method == "PUT" ||
                                 req.method == "PATCH" || req.method == "DELETE";
      if (may_have_body && !req.has_header("Content-Length") &&
          !req.has_header("Transfer-Encoding"))
        const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }
  impl->routes();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::bind(const std::string& host, int port) {
  if (impl_->plain_http) return impl_->plain_http->bind(host, port);
  if (port == 0) {
    int p = impl_->tls_http->bind_to_any_port(host);
    if (p <= 0) return fail(Errc::io, "cannot bind " + host);
    return p;
  }
  if (!impl_->tls_http->bind_to_port(host, port))
    return fail(Errc::io, "cannot bind " + host + ":" + std::to_string(port));
  return port;
}

Result<int> Server::bind() {
  auto listen = parse_listen(impl_->config.listen);
  if (!listen) return std::unexpected(listen.error());
  return bind(listen->host, listen->port);
}

// Serves; meanwhile a checkpoint of the audit chain is signed when serving
// starts, every five minutes, and once more when the server is destroyed.
bool Server::run() {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  auto checkpoint = [this] {
    auto r =
        checkpoint_audit(*impl_->store, impl_->paths, *impl_->checkpoint_key, impl_->clock.now());
    if (!r) std::fprintf(stderr, "sdcd: audit checkpoint failed: %s\n", r.error().message.c_str());
  };
  std::thread checkpointer([&] {
    checkpoint();  // at start too, so the chain is anchored before the first interval
    std::unique_lock lock(mu);
    while (!cv.wait_for(lock, std::chrono::minutes(5), [&] { return done; })) checkpoint();
  });
  bool ok = impl_->plain_http ? impl_->plain_http->run() : impl_->tls_http->listen_after_bind();
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
  checkpointer.join();
  return ok;
}
void Server::stop() {
  if (impl_->plain_http)
    impl_->plain_http->stop();
  else
    impl_->tls_http->stop();
}
bool Server::running() const {
  return impl_->plain_http ? impl_->plain_http->running() : impl_->tls_http->is_running();
}

Result<User> Server::add_user(const std::string& username, const std::string& password, Role role) {
  return impl_->add_user_impl(username, password, role);
}

Result<registry::OfficeRow> Server::add_office(const std::string& name, const std::string& address,
                                               const std::string& time_zone,
                                               const std::string& phone) {
  return create_office(*impl_->store, OfficeInput{name, address, time_zone, phone},
                       impl_->clock.now());
}

registry::Registry& Server::registry() {
  return *impl_->reg;
}
const Config& Server::config() const {
  return impl_->config;
}

}  // namespace sdc::http
