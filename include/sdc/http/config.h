// sdcd's settings: a TOML file (sdcd.toml in the data folder, written by
// `sdcd init`), the environment (SDCD_*) and flags. A setting given as a flag
// wins over the environment, which wins over the file, which wins over the
// defaults below.
//
//   key                 environment     flag          default
//   base_url            -               (init only)   http://127.0.0.1:8080
//   listen              SDCD_LISTEN     --listen      127.0.0.1:8080
//   threads             SDCD_THREADS    --threads     16
//   store               SDCD_STORE      --store       sqlite
//   postgres            SDCD_POSTGRES   --postgres    (none)
//   tls_cert, tls_key   SDCD_TLS_CERT   --tls-cert    (none: plain HTTP)
//                       SDCD_TLS_KEY    --tls-key
//   insecure_http       SDCD_INSECURE_HTTP --insecure-http  false
//   status_list_size, status_list_ttl, publish_interval (1), card_validity_days,
//   openapi_path, signer_pkcs11: file only
//
// Without TLS, sdcd serves only on a loopback address (127.0.0.0/8, ::1,
// localhost) unless insecure_http is true (for a TLS-terminating proxy in
// front of it); `sdcd demo` allows it always.
//
// base_url is fixed at init: every card carries base_url + "/status/validity"
// as its status uri for life. Relative paths in the file are taken from the
// file's folder; those from the environment or flags from the working folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sdc/credential/issuer.h"
#include "sdc/util/error.h"

namespace sdc::http {

enum class StoreKind { sqlite, postgres };

const char* to_string(StoreKind kind);
// "sqlite" or "postgres"; anything else is Errc::invalid_argument.
Result<StoreKind> parse_store_kind(std::string_view text);

struct ListenAddress {
  std::string host;
  int port = 0;  // 0: any free port
};
// "HOST:PORT" with PORT in 0..65535 ("[::1]:8080" for IPv6).
Result<ListenAddress> parse_listen(std::string_view text);

struct Config {
  std::string base_url = "http://127.0.0.1:8080";
  std::string listen = "127.0.0.1:8080";
  int threads = 16;
  StoreKind store = StoreKind::sqlite;
  std::string postgres;  // libpq conninfo; required when store is postgres
  std::uint64_t status_list_size = kDefaultStatusListSize;
  std::uint64_t status_list_ttl = 3600;
  // Seconds between publications of the validity list: a card change is
  // durable at once and in the published list within about this long
  // (RegistryOptions::publish_interval). 0: every change publishes in its
  // own transaction, at most about one change a second.
  std::uint64_t publish_interval = 1;
  int card_validity_days = kDefaultValidDays;
  std::filesystem::path tls_cert;  // both or neither
  std::filesystem::path tls_key;
  // Plain HTTP on a non-loopback address (behind a proxy that terminates TLS).
  bool insecure_http = false;
  std::filesystem::path openapi_path;  // empty: the built-in description
  // PKCS#11 URI of the signer key in a token (docs/KEYS.md); empty: the data
  // folder's signer (pki/signer.key, or the token pki/signer.pkcs11 names).
  // Never with pin-value: the PIN comes from pin-source or SDC_PKCS11_PIN.
  std::string signer_pkcs11;
  // The reminder sender (docs/REMINDERS.md), the [reminders] table.
  struct Reminders {
    bool enabled = true;
    std::string email = "file";  // "file", "smtp" or "off"
    std::string sms = "file";    // "file", "gateway" or "off"
    std::filesystem::path file;  // empty: <data>/outbox.jsonl
    std::string smtp_host = "127.0.0.1";
    int smtp_port = 25;
    std::string smtp_from = "sdc@localhost";
    std::string sms_url;  // required when sms is "gateway"
    std::string portal_url;
    int interval_seconds = 30;
  } reminders;

  bool tls() const { return !tls_cert.empty(); }
  // base_url + "/status/validity": the status uri cards carry.
  std::string status_uri() const;
};

// Settings given by the environment or by flags; unset ones leave the value
// underneath alone.
struct ConfigOverrides {
  std::optional<std::string> listen;
  std::optional<int> threads;
  std::optional<StoreKind> store;
  std::optional<std::string> postgres;
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  std::optional<bool> insecure_http;
};

// `high` where it is set, `low` elsewhere.
ConfigOverrides merge(const ConfigOverrides& low, const ConfigOverrides& high);

// Looks a variable up; nullopt when it is not set.
using Environment = std::function<std::optional<std::string>(const char* name)>;
// The process's environment (std::getenv).
Environment process_environment();

// Reads SDCD_LISTEN, SDCD_THREADS, SDCD_STORE, SDCD_POSTGRES, SDCD_TLS_CERT,
// SDCD_TLS_KEY and SDCD_INSECURE_HTTP (1/true/yes or 0/false/no). A malformed value is
// Errc::invalid_argument naming the variable. Empty variables count as unset.
Result<ConfigOverrides> overrides_from_environment(const Environment& env);

// Parses a settings file. Unknown keys, wrong types and bad values are
// Errc::parse/invalid_argument with `source`, the line and the key in the
// message. Settings that may come from elsewhere (a conninfo, the TLS key) are
// only required of the whole, by resolve_config. Relative paths are resolved
// against `base_dir`.
Result<Config> parse_config(std::string_view toml_text, const std::string& source,
                            const std::filesystem::path& base_dir);
Result<Config> load_config_file(const std::filesystem::path& path);

// Applies `overrides` over `config` and checks the result as a whole
// (store postgres needs a conninfo; TLS needs both files; ranges).
Result<Config> resolve_config(Config config, const ConfigOverrides& overrides);
Result<void> validate_config(const Config& config);

// 127.0.0.0/8, ::1 (also written [::1] or in full) or "localhost".
bool is_loopback_host(std::string_view host);

// Whether `config` may serve on `host`: TLS, a loopback host or insecure_http.
// Otherwise Errc::invalid_argument naming both ways out (a certificate, or
// --insecure-http).
Result<void> check_plain_http_host(const Config& config, std::string_view host);

// True when a conninfo carries a password (keyword "password" or a
// "user:password@" URI), which sdcd init keeps out of the file.
bool conninfo_has_password(std::string_view conninfo);

// The commented file `sdcd init` writes; parse_config reads it back to
// `config` (a conninfo with a password is left out).
std::string render_config(const Config& config);

// <data_dir>/sdcd.toml
std::filesystem::path default_config_path(const std::filesystem::path& data_dir);

}  // namespace sdc::http
