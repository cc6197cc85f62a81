#include "sdc/http/config.h"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <sstream>

#include "sdc/util/file.h"

namespace sdc::http {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxThreads = 1024;
constexpr std::uint64_t kMaxStatusListSize = std::uint64_t{1} << 30;
constexpr std::uint64_t kMaxStatusListTtl = 86400;   // below the list's two-day lifetime
constexpr std::uint64_t kMaxPublishInterval = 3600;  // a change waits at most an hour
constexpr int kMaxCardValidityDays = 10 * 366;

Result<int> parse_threads(std::string_view text, const std::string& what) {
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > kMaxThreads)
    return fail(Errc::invalid_argument, what + ": expected a whole number from 1 to " +
                                            std::to_string(kMaxThreads) + ", got '" +
                                            std::string(text) + "'");
  return n;
}

std::string where(const std::string& source, const toml::node& node) {
  return source + " line " + std::to_string(node.source().begin.line);
}

// Reads `key` of `node` into `out`, or says what type it should have been.
Result<void> read_string(const std::string& source, std::string_view key, const toml::node& node,
                         std::string& out) {
  const auto* s = node.as_string();
  if (!s)
    return fail(Errc::parse, where(source, node) + ": " + std::string(key) + ": expected a string");
  out = s->get();
  return {};
}

Result<std::int64_t> read_integer(const std::string& source, std::string_view key,
                                  const toml::node& node) {
  const auto* i = node.as_integer();
  if (!i)
    return fail(Errc::parse,
                where(source, node) + ": " + std::string(key) + ": expected a whole number");
  return i->get();
}

fs::path from_file(const fs::path& base_dir, const std::string& text) {
  if (text.empty()) return {};
  fs::path p(text);
  return p.is_relative() && !base_dir.empty() ? base_dir / p : p;
}

// A TOML basic string. Not named `quoted`: for a std::string argument,
// argument-dependent lookup would pick std::quoted, which leaves control
// characters raw (found by fuzz/config_fuzz.cpp).
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Result<void> check_base_url(const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return fail(Errc::invalid_argument, "base_url: must start with http:// or https://");
  if (url.find_first_of(" \t\r\n") != std::string::npos || url.back() == '/' ||
      url.find("://") + 3 == url.size())
    return fail(Errc::invalid_argument,
                "base_url: a URL with a host, without spaces or a trailing '/'");
  return {};
}

Result<void> check_status_list_size(std::uint64_t n) {
  if (n == 0 || n % 4 != 0 || n > kMaxStatusListSize)
    return fail(Errc::invalid_argument, "status_list_size: a positive multiple of 4, at most 2^30");
  return {};
}

Result<void> check_status_list_ttl(std::uint64_t n) {
  if (n == 0 || n > kMaxStatusListTtl)
    return fail(Errc::invalid_argument,
                "status_list_ttl: from 1 to " + std::to_string(kMaxStatusListTtl) + " seconds");
  return {};
}

Result<void> check_publish_interval(std::uint64_t n) {
  if (n > kMaxPublishInterval)
    return fail(Errc::invalid_argument,
                "publish_interval: from 0 to " + std::to_string(kMaxPublishInterval) + " seconds");
  return {};
}

Result<void> check_card_validity_days(std::int64_t n) {
  if (n < 1 || n > kMaxCardValidityDays)
    return fail(Errc::invalid_argument,
                "card_validity_days: from 1 to " + std::to_string(kMaxCardValidityDays));
  return {};
}

Result<void> check_threads(std::int64_t n) {
  if (n < 1 || n > kMaxThreads)
    return fail(Errc::invalid_argument, "threads: from 1 to " + std::to_string(kMaxThreads));
  return {};
}

}  // namespace

const char* to_string(StoreKind kind) {
  return kind == StoreKind::postgres ? "postgres" : "sqlite";
}

Result<StoreKind> parse_store_kind(std::string_view text) {
  if (text == "sqlite") return StoreKind::sqlite;
  if (text == "postgres") return StoreKind::postgres;
  return fail(Errc::invalid_argument,
              "store: 'sqlite' or 'postgres', not '" + std::string(text) + "'");
}

Result<ListenAddress> parse_listen(std::string_view text) {
  const auto bad = [&](const char* why) {
    return fail(Errc::invalid_argument,
                "listen: expected HOST:PORT, got '" + std::string(text) + "' (" + why + ")");
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  ListenAddress out;
  out.host = std::string(text.substr(0, colon));
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty()) return bad("no host");
  auto port = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || out.port < 0 ||
      out.port > 65535)
    return bad("the port is a number from 0 to 65535");
  return out;
}

std::string Config::status_uri() const {
  return base_url + "/status/validity";
}

ConfigOverrides merge(const ConfigOverrides& low, const ConfigOverrides& high) {
  ConfigOverrides out = low;
  if (high.listen) out.listen = high.listen;
  if (high.threads) out.threads = high.threads;
  if (high.store) out.store = high.store;
  if (high.postgres) out.postgres = high.postgres;
  if (high.tls_cert) out.tls_cert = high.tls_cert;
  if (high.tls_key) out.tls_key = high.tls_key;
  if (high.insecure_http) out.insecure_http = high.insecure_http;
  return out;
}

Environment process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<ConfigOverrides> overrides_from_environment(const Environment& env) {
  ConfigOverrides out;
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto v = env(name);
    if (v && v->empty()) return std::nullopt;
    return v;
  };
  if (auto v = get("SDCD_LISTEN")) {
    if (auto l = parse_listen(*v); !l)
      return fail(Errc::invalid_argument, "SDCD_LISTEN: " + l.error().message);
    out.listen = *v;
  }
  if (auto v = get("SDCD_THREADS")) {
    auto n = parse_threads(*v, "SDCD_THREADS");
    if (!n) return std::unexpected(n.error());
    out.threads = *n;
  }
  if (auto v = get("SDCD_STORE")) {
    auto s = parse_store_kind(*v);
    if (!s) return fail(Errc::invalid_argument, "SDCD_STORE: " + s.error().message);
    out.store = *s;
  }
  if (auto v = get("SDCD_POSTGRES")) out.postgres = *v;
  if (auto v = get("SDCD_TLS_CERT")) out.tls_cert = fs::path(*v);
  if (auto v = get("SDCD_TLS_KEY")) out.tls_key = fs::path(*v);
  if (auto v = get("SDCD_INSECURE_HTTP")) {
    if (*v == "1" || *v == "true" || *v == "yes")
      out.insecure_http = true;
    else if (*v == "0" || *v == "false" || *v == "no")
      out.insecure_http = false;
    else
      return fail(Errc::invalid_argument,
                  "SDCD_INSECURE_HTTP: expected 1, true, yes, 0, false or no, got '" + *v + "'");
  }
  return out;
}

namespace {

// The [reminders] table.
Result<void> parse_reminders(const std::string& source, const toml::node& table,
                             const fs::path& base_dir, Config::Reminders& r) {
  const auto* t = table.as_table();
  if (!t) return fail(Errc::parse, where(source, table) + ": reminders: expected a table");
  for (const auto& entry : *t) {
    const toml::node& node = entry.second;
    const std::string key(entry.first.str());
    const auto bad = [&](const std::string& why) {
      return fail(Errc::invalid_argument, where(source, node) + ": reminders." + key + ": " + why);
    };
    std::string text;
    if (key == "enabled") {
      const auto* b = node.as_boolean();
      if (!b)
        return fail(Errc::parse,
                    where(source, node) + ": reminders.enabled: expected true or false");
      r.enabled = b->get();
    } else if (key == "smtp_port" || key == "interval_seconds") {
      auto n = read_integer(source, key, node);
      if (!n) return std::unexpected(n.error());
      if (key == "smtp_port") {
        if (*n < 1 || *n > 65535) return bad("expected 1 to 65535");
        r.smtp_port = static_cast<int>(*n);
      } else {
        if (*n < 1 || *n > 86400) return bad("expected 1 to 86400 seconds");
        r.interval_seconds = static_cast<int>(*n);
      }
    } else if (key == "email" || key == "sms" || key == "file" || key == "smtp_host" ||
               key == "smtp_from" || key == "sms_url" || key == "portal_url") {
      if (auto s = read_string(source, key, node, text); !s) return std::unexpected(s.error());
      if (key == "email") {
        if (text != "file" && text != "smtp" && text != "off")
          return bad("expected \"file\", \"smtp\" or \"off\"");
        r.email = text;
      } else if (key == "sms") {
        if (text != "file" && text != "gateway" && text != "off")
          return bad("expected \"file\", \"gateway\" or \"off\"");
        r.sms = text;
      } else if (key == "file") {
        r.file = from_file(base_dir, text);
      } else if (key == "smtp_host") {
        r.smtp_host = text;
      } else if (key == "smtp_from") {
        r.smtp_from = text;
      } else if (key == "sms_url") {
        if (!text.starts_with("http://") && !text.starts_with("https://"))
          return bad("expected an http:// or https:// URL");
        r.sms_url = text;
      } else {
        r.portal_url = text;
      }
    } else {
      return fail(Errc::parse, where(source, node) + ": unknown key 'reminders." + key + "'");
    }
  }
  if (r.sms == "gateway" && r.sms_url.empty())
    return fail(Errc::invalid_argument,
                where(source, table) + ": reminders: sms is \"gateway\" but no sms_url is given");
  return {};
}

}  // namespace

Result<Config> parse_config(std::string_view toml_text, const std::string& source,
                            const fs::path& base_dir) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse, source + " line " + std::to_string(e.source().begin.line) + ": " +
                                 std::string(e.description()));
  }
  Config c;
  for (const auto& entry : table) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one.
    const toml::node& node = entry.second;
    const std::string key(entry.first.str());
    const auto located = [&](const Error& e) {
      return fail(Errc::invalid_argument, where(source, node) + ": " + e.message);
    };
    std::string text;
    if (key == "base_url" || key == "listen" || key == "store" || key == "postgres" ||
        key == "tls_cert" || key == "tls_key" || key == "openapi_path" || key == "signer_pkcs11") {
      if (auto r = read_string(source, key, node, text); !r) return std::unexpected(r.error());
      if (key == "base_url") {
        if (auto b = check_base_url(text); !b) return located(b.error());
        c.base_url = text;
      } else if (key == "listen") {
        if (auto l = parse_listen(text); !l) return located(l.error());
        c.listen = text;
      } else if (key == "store") {
        auto s = parse_store_kind(text);
        if (!s) return located(s.error());
        c.store = *s;
      } else if (key == "postgres") {
        c.postgres = text;
      } else if (key == "tls_cert") {
        c.tls_cert = from_file(base_dir, text);
      } else if (key == "tls_key") {
        c.tls_key = from_file(base_dir, text);
      } else if (key == "signer_pkcs11") {
        if (!text.starts_with("pkcs11:"))
          return located({Errc::invalid_argument, "signer_pkcs11: a PKCS#11 URI (pkcs11:...)"});
        if (text.find("pin-value=") != std::string::npos)
          return located(
              {Errc::invalid_argument,
               "signer_pkcs11: no pin-value here; name a PIN file with pin-source or set "
               "SDC_PKCS11_PIN"});
        c.signer_pkcs11 = text;
      } else {
        c.openapi_path = from_file(base_dir, text);
      }
    } else if (key == "threads" || key == "status_list_size" || key == "status_list_ttl" ||
               key == "publish_interval" || key == "card_validity_days") {
      auto n = read_integer(source, key, node);
      if (!n) return std::unexpected(n.error());
      const auto u = static_cast<std::uint64_t>(std::max<std::int64_t>(*n, 0));
      Result<void> ok;
      if (key == "threads") {
        ok = check_threads(*n);
        c.threads = static_cast<int>(std::clamp<std::int64_t>(*n, 0, kMaxThreads));
      } else if (key == "status_list_size") {
        ok = check_status_list_size(u);
        c.status_list_size = u;
      } else if (key == "status_list_ttl") {
        ok = check_status_list_ttl(u);
        c.status_list_ttl = u;
      } else if (key == "publish_interval") {
        ok = check_publish_interval(*n < 0 ? kMaxPublishInterval + 1 : u);
        c.publish_interval = u;
      } else {
        ok = check_card_validity_days(*n);
        c.card_validity_days = static_cast<int>(std::clamp<std::int64_t>(*n, 0, 100000));
      }
      if (!ok) return located(ok.error());
    } else if (key == "insecure_http") {
      const auto* b = node.as_boolean();
      if (!b)
        return fail(Errc::parse, where(source, node) + ": insecure_http: expected true or false");
      c.insecure_http = b->get();
    } else if (key == "reminders") {
      if (auto r = parse_reminders(source, node, base_dir, c.reminders); !r)
        return std::unexpected(r.error());
    } else {
      return fail(Errc::parse, where(source, node) + ": unknown key '" + key + "'");
    }
  }
  return c;
}

Result<Config> load_config_file(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  return parse_config(*text, path.string(), path.parent_path());
}

Result<void> validate_config(const Config& c) {
  const auto bad = [](const std::string& message) { return fail(Errc::invalid_argument, message); };
  for (const auto& check :
       {check_base_url(c.base_url), check_threads(c.threads),
        check_status_list_size(c.status_list_size), check_status_list_ttl(c.status_list_ttl),
        check_publish_interval(c.publish_interval), check_card_validity_days(c.card_validity_days)})
    if (!check) return check;
  if (auto l = parse_listen(c.listen); !l) return std::unexpected(l.error());
  if (c.store == StoreKind::postgres && c.postgres.empty())
    return bad(
        "store is postgres but no conninfo is given: set SDCD_POSTGRES or --postgres "
        "(or postgres in the file)");
  if (c.tls_cert.empty() != c.tls_key.empty())
    return bad(c.tls_cert.empty() ? "tls_key is set but tls_cert is not: give both or neither"
                                  : "tls_cert is set but tls_key is not: give both or neither");
  return {};
}

Result<Config> resolve_config(Config c, const ConfigOverrides& o) {
  if (o.listen) c.listen = *o.listen;
  if (o.threads) c.threads = *o.threads;
  if (o.store) c.store = *o.store;
  if (o.postgres) c.postgres = *o.postgres;
  if (o.tls_cert) c.tls_cert = *o.tls_cert;
  if (o.tls_key) c.tls_key = *o.tls_key;
  if (o.insecure_http) c.insecure_http = *o.insecure_http;
  if (auto v = validate_config(c); !v) return std::unexpected(v.error());
  return c;
}

bool is_loopback_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string h(host);
  std::transform(h.begin(), h.end(), h.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (h == "localhost" || h == "localhost.") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    static const in6_addr loopback = IN6ADDR_LOOPBACK_INIT;
    if (std::equal(std::begin(v6.s6_addr), std::end(v6.s6_addr), std::begin(loopback.s6_addr)))
      return true;
    // ::ffff:127.x.x.x
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::equal(std::begin(mapped), std::end(mapped), std::begin(v6.s6_addr)) &&
           v6.s6_addr[12] == 127;
  }
  return false;
}

Result<void> check_plain_http_host(const Config& config, std::string_view host) {
  if (config.tls() || config.insecure_http || is_loopback_host(host)) return {};
  return fail(Errc::invalid_argument,
              "refusing plain HTTP on " + std::string(host) +
                  ", which is not a loopback address: configure a TLS certificate "
                  "(--tls-cert and --tls-key, SDCD_TLS_CERT and SDCD_TLS_KEY, or tls_cert and "
                  "tls_key in sdcd.toml), or, behind a proxy that terminates TLS, pass "
                  "--insecure-http (SDCD_INSECURE_HTTP=1, insecure_http = true)");
}

bool conninfo_has_password(std::string_view conninfo) {
  for (auto at = conninfo.find("password"); at != std::string_view::npos;
       at = conninfo.find("password", at + 1)) {
    auto rest = conninfo.substr(at + 8);
    auto eq = rest.find_first_not_of(" \t");
    if (eq != std::string_view::npos && rest[eq] == '=') return true;
  }
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (conninfo.rfind(scheme, 0) != 0) continue;
    auto authority = conninfo.substr(scheme.size());
    authority = authority.substr(0, authority.find_first_of("/?"));
    auto at = authority.rfind('@');
    if (at != std::string_view::npos && authority.substr(0, at).find(':') != std::string_view::npos)
      return true;
  }
  return false;
}

std::string render_config(const Config& c) {
  std::ostringstream out;
  out << "# sdcd settings, written by `sdcd init`. A flag wins over the environment\n"
         "# (SDCD_*), which wins over this file, which wins over the defaults.\n"
         "\n"
         "# The public base URL. Every card carries base_url + \"/status/validity\" as its\n"
         "# status uri for life, so it was fixed when this folder was made: sdcd refuses\n"
         "# to serve if it no longer matches the issuer's settings (pki/issuer.json).\n"
      << "base_url = " << toml_string(c.base_url) << "\n"
      << "\n"
         "# HOST:PORT to serve on (SDCD_LISTEN, --listen).\n"
      << "listen = " << toml_string(c.listen) << "\n"
      << "\n"
         "# Worker threads (SDCD_THREADS, --threads).\n"
      << "threads = " << c.threads << "\n"
      << "\n"
         "# Where the registry is kept (SDCD_STORE, --store): \"sqlite\" (registry.db in\n"
         "# this folder) or \"postgres\". Several sdcd may share one PostgreSQL database,\n"
         "# each with a copy of this folder (keys included).\n"
      << "store = " << toml_string(to_string(c.store)) << "\n"
      << "\n"
         "# libpq conninfo of the PostgreSQL database (SDCD_POSTGRES, --postgres). Better\n"
         "# given in the environment, or with the password in ~/.pgpass, so that no\n"
         "# password sits in this file.\n";
  if (!c.postgres.empty() && !conninfo_has_password(c.postgres))
    out << "postgres = " << toml_string(c.postgres) << "\n";
  else
    out << "# postgres = \"host=127.0.0.1 port=5432 dbname=sdc user=sdcd\"\n";
  out << "\n"
         "# The validity Status List: number of slots (a multiple of 4; cards take random\n"
         "# slots, so keep it well above the number of cards) and how long verifiers may\n"
         "# cache it, in seconds. Every sdcd on one database needs the same size.\n"
      << "status_list_size = " << c.status_list_size << "\n"
      << "status_list_ttl = " << c.status_list_ttl << "\n"
      << "\n"
         "# A card change is durable at once; the signed list is published at most once\n"
         "# per this many seconds, covering every change since the last (0: every change\n"
         "# publishes its own list, at most about one change a second).\n"
      << "publish_interval = " << c.publish_interval << "\n"
      << "\n"
         "# How long a newly issued card is valid, in days.\n"
      << "card_validity_days = " << c.card_validity_days << "\n"
      << "\n"
         "# TLS: serve HTTPS with this certificate (chain) and key, both PEM (SDCD_TLS_CERT,\n"
         "# --tls-cert, SDCD_TLS_KEY, --tls-key). The key must not be readable by group or\n"
         "# others. Relative paths are taken from this file's folder.\n";
  if (c.tls()) {
    out << "tls_cert = " << toml_string(c.tls_cert.string()) << "\n"
        << "tls_key = " << toml_string(c.tls_key.string()) << "\n";
  } else {
    out << "# tls_cert = \"/etc/sdcd/tls/fullchain.pem\"\n"
           "# tls_key = \"/etc/sdcd/tls/key.pem\"\n";
  }
  out << "\n"
         "# Without TLS, sdcd serves only on a loopback address (127.0.0.0/8, ::1,\n"
         "# localhost). Behind a proxy that terminates TLS, allow plain HTTP on any\n"
         "# address (SDCD_INSECURE_HTTP=1, --insecure-http).\n";
  if (c.insecure_http)
    out << "insecure_http = true\n";
  else
    out << "# insecure_http = true\n";
  out << "\n"
         "# Serve this file at /openapi.yaml instead of the built-in API description.\n";
  if (!c.openapi_path.empty())
    out << "openapi_path = " << toml_string(c.openapi_path.string()) << "\n";
  else
    out << "# openapi_path = \"openapi.yaml\"\n";
  out << "\n"
         "# Reminders 7 days and 1 day before appointments and hearings (docs/REMINDERS.md):\n"
         "# e-mail by \"file\" (JSON lines in outbox.jsonl here), \"smtp\" or \"off\"; SMS by\n"
         "# \"file\", \"gateway\" (HTTP POST to sms_url) or \"off\".\n"
         "# [reminders]\n"
         "# email = \"smtp\"\n"
         "# smtp_host = \"127.0.0.1\"\n"
         "# smtp_port = 25\n"
         "# smtp_from = \"sdc@example.org\"\n"
         "# sms = \"gateway\"\n"
         "# sms_url = \"http://127.0.0.1:9000/send\"\n";
  return out.str();
}

fs::path default_config_path(const fs::path& data_dir) {
  return data_dir / "sdcd.toml";
}

}  // namespace sdc::http
