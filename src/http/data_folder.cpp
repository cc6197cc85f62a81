#include "http/data_folder.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <utility>
#include <vector>

#include "sdc/credential/pki.h"
#include "sdc/http/server.h"
#include "sdc/registry/accounts.h"
#include "sdc/registry/pii.h"
#include "sdc/store_postgres/postgres_store.h"
#include "sdc/store_sqlite/sqlite_store.h"
#include "sdc/util/file.h"
#include "sdc/util/secret_file.h"

namespace sdc::http {

namespace fs = std::filesystem;

Result<std::unique_ptr<registry::Store>> open_store(const Config& c, const DataPaths& p) {
  if (c.store == StoreKind::postgres) {
    registry::PostgresOptions po;
    po.conninfo = c.postgres;
    po.max_connections = static_cast<std::size_t>(c.threads);
    return registry::open_postgres_store(po);
  }
  return registry::open_sqlite_store({p.db()});
}

Result<FileLock> FileLock::acquire(const fs::path& path) {
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

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// Copies an existing issuer key folder (made by `sdc pki init`) into the
// data folder: the signer must load, and its key file must be private.
// root.key is left where it is. The status uri is the service's own.
Result<void> take_pki(const PkiFolder& from, const PkiFolder& to, const IssuerSettings& ours) {
  const std::string where = "--pki " + from.dir().string() + ": ";
  // A signer key in a PKCS#11 token stays there: the folder names it.
  const bool in_token = !fs::exists(from.signer_key()) && fs::exists(from.signer_token());
  std::optional<std::string> key;
  if (!in_token) {
    auto k = read_secret_file(from.signer_key());
    if (!k && k.error().code == Errc::not_found)
      return fail(Errc::not_found, where + "no signer.key (make the folder with `sdc pki init`)");
    if (!k) return fail(Errc::invalid_argument, where + k.error().message);
    key = std::move(*k);
  }
  std::string empty;
  WipeOnExit wipe(key ? *key : empty);
  if (auto signer = load_signer(from); !signer)
    return fail(Errc::invalid_argument, where + signer.error().message);
  auto settings = load_settings(from);
  if (!settings) return fail(Errc::invalid_argument, where + settings.error().message);
  settings->status_uri = ours.status_uri;
  std::vector<std::pair<fs::path, fs::path>> certs = {{from.signer_cert(), to.signer_cert()},
                                                      {from.root_cert(), to.root_cert()},
                                                      {from.bundle(), to.bundle()}};
  if (in_token) certs.emplace_back(from.signer_token(), to.signer_token());
  for (const auto& [src, dst] : certs) {
    auto text = read_file(src);
    if (!text) return fail(Errc::not_found, where + text.error().message);
    if (auto w = write_file_atomic(dst, *text, FileMode::public_read); !w) return w;
  }
  if (key)
    if (auto w = write_file_atomic(to.signer_key(), *key, FileMode::owner_only); !w) return w;
  return save_settings(to, *settings);
}

// init_data_dir's work once the settings are checked; the caller removes
// what was made if this fails. The settings file is written last: a folder
// without it is not an initialised one.
Result<InitResult> init_folder(const InitOptions& o, const Config& config, const DataPaths& p) {
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
  PkiOptions po;
  po.settings.status_uri = config.status_uri();
  fs::create_directories(p.pki(), ec);
  if (o.existing_pki.empty()) {
    if (auto r = pki_init(PkiFolder(p.pki()), po, o.clock->now()); !r)
      return std::unexpected(r.error());
  } else if (auto r = take_pki(PkiFolder(o.existing_pki), PkiFolder(p.pki()), po.settings); !r) {
    return std::unexpected(r.error());
  }

  auto keys = registry::PiiKeys::generate(*o.random);
  if (auto r = keys.save(p.pii()); !r) return std::unexpected(r.error());
  auto ck = registry::CheckpointKey::generate();
  if (!ck) return std::unexpected(ck.error());
  if (auto r = ck->save(p.checkpoint_key()); !r) return std::unexpected(r.error());

  if (auto r = (*store)->migrate(); !r) return std::unexpected(r.error());
  // The first administrator: an account in the database (schema v2).
  InitResult out;
  out.admin_password = registry::random_password(*o.random);
  registry::Accounts accounts(**store, *o.clock, *o.random);
  if (auto r = accounts.create(o.admin, out.admin_password, registry::Role::administrator); !r)
    return std::unexpected(r.error());

  if (auto r = write_file_atomic(default_config_path(p.dir), render_config(config),
                                 FileMode::owner_only);
      !r)
    return std::unexpected(r.error());
  return out;
}

}  // namespace

Result<void> checkpoint_audit(registry::Store& store, const DataPaths& p,
                              const registry::CheckpointKey& key, UnixTime now) {
  auto lock = FileLock::acquire(p.checkpoint_lock());
  if (!lock) return std::unexpected(lock.error());
  auto r = registry::write_audit_checkpoint(store, p.checkpoints(), key, now);
  if (!r) return std::unexpected(r.error());
  return {};
}

bool data_dir_initialised(const fs::path& dir) {
  return fs::exists(default_config_path(dir));
}

Result<InitResult> init_data_dir(const InitOptions& o) {
  DataPaths p{o.data_dir};
  Config config = o.config;
  while (!config.base_url.empty() && config.base_url.back() == '/') config.base_url.pop_back();
  if (auto v = validate_config(config); !v) return std::unexpected(v.error());
  if (!o.clock || !o.random)
    return fail(Errc::invalid_argument, "init: clock and random are required");
  if (!registry::valid_username(o.admin))
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

}  // namespace sdc::http
