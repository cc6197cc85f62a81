// Opening an sdcd data folder (http/server.h lists its files) outside the
// server, for the registry dataset generator and benchmarks: the store, the
// PII keys, the issuer's signer and settings, and config.json. Also the
// deterministic holders the generator writes, so that a benchmark can look
// them up by A-number.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sdc/credential/credential.h"
#include "sdc/util/file.h"
#include "sdc/http/config.h"
#include "sdc/credential/pki.h"
#include "sdc/registry/registry.h"
#include "sdc/store_postgres/postgres_store.h"
#include "sdc/store_sqlite/sqlite_store.h"

namespace sdc::bench {

// Generated A-numbers are kFirstANumber + i (9 digits), i in [0, holders).
inline constexpr std::uint64_t kFirstANumber = 300000000;

inline std::string generated_a_number(std::uint64_t i) {
  return std::to_string(kFirstANumber + i);
}

struct RegistryFolder {
  std::filesystem::path dir;
  http::Config config;
  std::unique_ptr<registry::Store> store;
  std::unique_ptr<registry::PiiCipher> cipher;
  std::unique_ptr<Signer> signer;
  IssuerSettings settings;

  std::filesystem::path config_path() const { return http::default_config_path(dir); }
  std::filesystem::path manifest_path() const { return dir / "generated.json"; }

  // The folder's store (registry.db, or the PostgreSQL database its
  // sdcd.toml names); `postgres`, if not empty, is a libpq conninfo to use
  // instead.
  static Result<RegistryFolder> open(const std::filesystem::path& dir,
                                     const std::string& postgres = {}) {
    RegistryFolder f;
    f.dir = dir;
    auto config = http::load_config_file(f.config_path());
    if (!config) return std::unexpected(config.error());
    f.config = *config;
    if (!postgres.empty()) {
      f.config.store = http::StoreKind::postgres;
      f.config.postgres = postgres;
    }
    Result<std::unique_ptr<registry::Store>> store =
        f.config.store == http::StoreKind::postgres
            ? registry::open_postgres_store({f.config.postgres})
            : registry::open_sqlite_store({dir / "registry.db"});
    if (!store) return std::unexpected(store.error());
    f.store = std::move(*store);
    if (auto m = f.store->migrate(); !m) return std::unexpected(m.error());
    auto keys = registry::PiiKeys::load(dir / "pii.keys");
    if (!keys) return std::unexpected(keys.error());
    f.cipher = std::make_unique<registry::PiiCipher>(std::move(*keys));
    PkiFolder pki(dir / "pki");
    auto signer = load_signer(pki.signer_key(), pki.signer_cert());
    if (!signer) return std::unexpected(signer.error());
    f.signer = std::make_unique<Signer>(std::move(*signer));
    auto settings = load_settings(pki);
    if (!settings) return std::unexpected(settings.error());
    f.settings = *settings;
    return f;
  }

  // Rewrites sdcd.toml with `config` (sdcd reads the list size from it).
  Result<void> save_config() const {
    return write_file_atomic(config_path(), http::render_config(config));
  }

  // The registry's options as sdcd sets them from this folder.
  registry::RegistryOptions registry_options(const Clock& clock, Random& random) const {
    registry::RegistryOptions ro;
    ro.store = store.get();
    ro.cipher = cipher.get();
    ro.signer = signer.get();
    ro.settings = settings;
    ro.clock = &clock;
    ro.random = &random;
    ro.card_valid_days = config.card_validity_days;
    ro.status_list_size = config.status_list_size;
    ro.status_list_ttl = config.status_list_ttl;
    return ro;
  }

  // Signs a checkpoint of the audit chain's head into the folder's
  // audit.checkpoints, as sdcd does at intervals and at shutdown, so that
  // `sdc audit verify` holds the chain against it.
  Result<void> checkpoint_audit(UnixTime now) const {
    auto key = registry::CheckpointKey::load(dir / "checkpoint.key");
    if (!key) return std::unexpected(key.error());
    auto c = registry::write_audit_checkpoint(*store, dir / "audit.checkpoints", *key, now);
    if (!c) return std::unexpected(c.error());
    return {};
  }

  // How many holders the generator wrote (0 when it has not run).
  std::uint64_t generated_holders() const {
    auto text = read_file(manifest_path());
    if (!text) return 0;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    return j.is_object() ? j.value("holders", std::uint64_t{0}) : 0;
  }
};

}  // namespace sdc::bench
