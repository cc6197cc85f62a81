#include "sdc/http/server.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <semaphore>
#include <thread>
#include <vector>

#include "sdc/barcode.h"
#include "sdc/bytes.h"
#include "sdc/crypto.h"
#include "sdc/file.h"
#include "sdc/pki.h"
#include "sdc/registry/audit.h"
#include "sdc/registry/pii.h"
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
constexpr UnixTime kSessionLifetime = 8 * 3600;
constexpr int kMaxLoginFailures = 5;
constexpr UnixTime kLockout = 15 * 60;
constexpr std::size_t kMinPassword = 12;

struct Paths {
  fs::path dir;
  fs::path db() const { return dir / "registry.db"; }
  fs::path pki() const { return dir / "pki"; }
  fs::path pii() const { return dir / "pii.keys"; }
  fs::path checkpoint_key() const { return dir / "checkpoint.key"; }
  fs::path checkpoints() const { return dir / "audit.checkpoints"; }
  fs::path users() const { return dir / "users.json"; }
  fs::path config() const { return dir / "config.json"; }
};

std::string random_hex(std::size_t n) {
  Bytes b(n);
  crypto::system_random().fill(b);
  return hex_encode(b);
}

std::string random_password() {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 20; ++i)
    out.push_back(kAlphabet[crypto::system_random().uniform(sizeof(kAlphabet) - 1)]);
  return out;
}

Result<std::string> hash_password(const std::string& password) {
  if (sodium_init() < 0) return fail(Errc::crypto, "libsodium did not initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return fail(Errc::limit, "password hashing ran out of memory");
  return std::string(out);
}

bool check_password(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

struct UserEntry {
  User user;
  std::string username;
  std::string password_hash;
};

Result<std::vector<UserEntry>> load_users(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  auto j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("users") || !j["users"].is_array())
    return fail(Errc::parse, "users.json: not a users file");
  std::vector<UserEntry> out;
  for (const auto& u : j["users"]) {
    if (!u.is_object()) return fail(Errc::parse, "users.json: bad entry");
    auto role = registry::parse_role(u.value("role", ""));
    if (!role) return std::unexpected(role.error());
    UserEntry e;
    e.user.id = u.value("id", "");
    e.username = u.value("username", "");
    e.user.display_name = e.username;
    e.user.role = *role;
    e.password_hash = u.value("password_hash", "");
    out.push_back(std::move(e));
  }
  return out;
}

Result<void> save_users(const fs::path& path, const std::vector<UserEntry>& users) {
  json arr = json::array();
  for (const auto& u : users)
    arr.push_back({{"id", u.user.id},
                   {"username", u.username},
                   {"role", registry::to_string(u.user.role)},
                   {"password_hash", u.password_hash}});
  json j = {{"users", arr}};
  return write_file_atomic(path, j.dump(2) + "\n", FileMode::owner_only);
}

bool valid_username(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
      return false;
  return true;
}

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
  static const char* const kFields[] = {
      "a_number", "family_name", "given_names", "date_of_birth",  "sex",         "nationality",
      "portrait", "contact",     "language",    "effective_date", "reason",      "status",
      "username", "password",    "role",        "barcode",        "image_base64"};
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
      auto fe = field_error(e.message);
      if (fe.field.empty()) return problem(res, 400, e.message);
      return problem(res, 400, e.message, {fe});
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

struct Session {
  Bytes token_hash;
  User user;
  UnixTime expires_at = 0;
};

struct Throttle {
  int failures = 0;
  UnixTime locked_until = 0;
};

Result<json> load_config(const Paths& p) {
  auto text = read_file(p.config());
  if (!text) return std::unexpected(text.error());
  auto j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(Errc::parse, "config.json: not a JSON object");
  return j;
}

}  // namespace

bool data_dir_initialised(const fs::path& dir) {
  return fs::exists(Paths{dir}.config());
}

Result<InitResult> init_data_dir(const InitOptions& o) {
  Paths p{o.data_dir};
  std::error_code ec;
  if (fs::exists(p.dir, ec) && !fs::is_empty(p.dir, ec))
    return fail(Errc::conflict, "data folder " + p.dir.string() + " exists and is not empty");
  fs::create_directories(p.dir, ec);
  if (ec) return fail(Errc::io, "cannot create " + p.dir.string() + ": " + ec.message());
  fs::permissions(p.dir, fs::perms::owner_all, ec);
  if (!valid_username(o.admin))
    return fail(Errc::invalid_argument, "admin: letters, digits, . - _");
  std::string base = o.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0)
    return fail(Errc::invalid_argument, "base-url: must start with http:// or https://");

  SystemClock clock;
  PkiOptions po;
  po.settings.status_uri = base + "/status/validity";
  fs::create_directories(p.pki(), ec);
  if (auto r = pki_init(PkiFolder(p.pki()), po, clock.now()); !r) return std::unexpected(r.error());

  auto keys = registry::PiiKeys::generate(crypto::system_random());
  if (auto r = keys.save(p.pii()); !r) return std::unexpected(r.error());
  auto ck = registry::CheckpointKey::generate();
  if (!ck) return std::unexpected(ck.error());
  if (auto r = ck->save(p.checkpoint_key()); !r) return std::unexpected(r.error());

  auto store = registry::open_sqlite_store({p.db()});
  if (!store) return std::unexpected(store.error());
  if (auto r = (*store)->migrate(); !r) return std::unexpected(r.error());

  InitResult out;
  out.admin_password = random_password();
  auto hash = hash_password(out.admin_password);
  if (!hash) return std::unexpected(hash.error());
  UserEntry admin{{"u-" + random_hex(8), o.admin, Role::administrator}, o.admin, *hash};
  if (auto r = (*store)->in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
        if (auto u = tx.upsert_user(admin.user); !u) return std::unexpected(u.error());
        return true;
      });
      !r)
    return std::unexpected(r.error());
  if (auto r = save_users(p.users(), {admin}); !r) return std::unexpected(r.error());

  json cfg = {{"base_url", base},        {"status_uri", po.settings.status_uri},
              {"listen", o.listen},      {"status_list_size", o.status_list_size},
              {"status_list_ttl", 3600}, {"openapi_path", ""}};
  if (auto r = write_file_atomic(p.config(), cfg.dump(2) + "\n"); !r)
    return std::unexpected(r.error());
  return out;
}

struct Server::Impl {
  Paths paths;
  ServeOptions options;
  json config;
  SystemClock clock;
  std::unique_ptr<registry::Store> store;
  std::unique_ptr<registry::PiiCipher> cipher;
  std::unique_ptr<Signer> signer;
  std::optional<registry::CheckpointKey> checkpoint_key;
  std::optional<registry::Registry> reg;
  std::optional<TrustStore> trust;
  std::string root_pem, signers_pem, openapi;
  std::uint64_t ttl = 3600;
  httplib::Server http;

  std::mutex users_mu;
  std::vector<UserEntry> users;
  std::string dummy_hash;

  std::mutex sessions_mu;
  std::map<std::string, Session> sessions;  // hex(SHA-256(token))
  std::map<std::string, Throttle> throttles;
  std::counting_semaphore<2> login_slots{2};

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
    auto token = h.substr(7);
    auto digest = crypto::sha256(as_bytes(token));
    Bytes hash(digest.begin(), digest.end());
    std::lock_guard lock(sessions_mu);
    auto it = sessions.find(hex_encode(hash));
    if (it == sessions.end() || !constant_time_equal(it->second.token_hash, hash)) {
      problem(res, 401, "the token is unknown, expired or revoked");
      return std::nullopt;
    }
    if (it->second.expires_at <= clock.now()) {
      sessions.erase(it);
      problem(res, 401, "the token is unknown, expired or revoked");
      return std::nullopt;
    }
    return it->second.user;
  }

  using Authed = std::function<void(const httplib::Request&, httplib::Response&, const User&)>;
  using Plain = std::function<void(const httplib::Request&, httplib::Response&)>;

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
      if (options.log_requests)
        std::fprintf(stderr, "sdcd: %s %d %lldus\n", label.c_str(), res.status,
                     static_cast<long long>(us));
    };
  }

  Plain authed(Authed h) {
    return [this, h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
      auto user = authenticate(req, res);
      if (!user) return;
      h(req, res, *user);
    };
  }

  void get(const std::string& route, const std::string& pattern, Plain h) {
    http.Get(pattern, wrap("GET", route, std::move(h)));
  }
  void post(const std::string& route, const std::string& pattern, Plain h) {
    http.Post(pattern, wrap("POST", route, std::move(h)));
  }
  void put(const std::string& route, const std::string& pattern, Plain h) {
    http.Put(pattern, wrap("PUT", route, std::move(h)));
  }
  void patch(const std::string& route, const std::string& pattern, Plain h) {
    http.Patch(pattern, wrap("PATCH", route, std::move(h)));
  }

  void routes();
  Result<User> add_user_impl(const std::string& username, const std::string& password, Role role);
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
  UnixTime now = clock.now();
  {
    std::lock_guard lock(sessions_mu);
    auto& t = throttles[*username];
    if (t.locked_until > now) {
      res.set_header("Retry-After", std::to_string(t.locked_until - now));
      return problem(res, 429, "too many failed logins; try again later");
    }
  }
  std::optional<UserEntry> entry;
  {
    std::lock_guard lock(users_mu);
    for (const auto& u : users)
      if (u.username == *username) entry = u;
  }
  bool ok;
  {
    login_slots.acquire();
    ok = check_password(entry ? entry->password_hash : dummy_hash, *password) && entry;
    login_slots.release();
  }
  std::lock_guard lock(sessions_mu);
  // Keep the maps bounded: drop expired sessions and lapsed throttles.
  if (sessions.size() + throttles.size() > 4096) {
    std::erase_if(sessions, [now](const auto& kv) { return kv.second.expires_at <= now; });
    std::erase_if(throttles, [now](const auto& kv) { return kv.second.locked_until <= now; });
  }
  if (!ok) {
    auto& t = throttles[*username];
    if (++t.failures >= kMaxLoginFailures) {
      t.failures = 0;
      t.locked_until = now + kLockout;
    }
    return problem(res, 401, "wrong username or password");
  }
  throttles.erase(*username);
  Bytes token(32);
  crypto::system_random().fill(token);
  std::string token_text = hex_encode(token);
  auto digest = crypto::sha256(as_bytes(token_text));
  Session s{Bytes(digest.begin(), digest.end()), entry->user, now + kSessionLifetime};
  sessions[hex_encode(s.token_hash)] = s;
  send_json(res, 200,
            {{"token", token_text},
             {"expires_at", format_time(s.expires_at)},
             {"role", registry::to_string(entry->user.role)}});
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
  StatusListCache cache;
  if (auto list = reg->status_list()) {
    if (auto tok = load_status_list_token(list->token, *trust)) cache.offer(std::move(*tok));
  }
  auto v = verify_barcode(barcode, *trust, &cache, now);
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
    // Online extras, audited by the registry.
    (void)reg->record_verification(user, h.document_number, result);
    if (registry::allowed(user.role, Action::read_case_status)) {
      if (auto card = reg->get_card(user, h.document_number)) {
        if (auto cs = reg->get_case_status(user, card->holder_id)) {
          out["case_status"] = case_json(*cs);
        }
      }
    }
  }
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
         auto token = req.get_header_value("Authorization").substr(7);
         auto d = crypto::sha256(as_bytes(token));
         std::lock_guard lock(sessions_mu);
         sessions.erase(hex_encode(ByteView(d.data(), d.size())));
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
  post("/v1/users", "/v1/users",
       authed([this](const httplib::Request& req, httplib::Response& res, const User& u) {
         if (!registry::allowed(u.role, Action::manage_users))
           return problem(res, 403, "your role may not do this");
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
         auto made = add_user_impl(*name, *pw, *role);
         if (!made) return error_response(res, made.error());
         send_json(
             res, 201,
             {{"id", made->id}, {"username", *name}, {"role", registry::to_string(made->role)}});
       }));
}

Result<User> Server::Impl::add_user_impl(const std::string& username, const std::string& password,
                                         Role role) {
  if (!valid_username(username))
    return fail(Errc::invalid_argument, "username: 1 to 64 letters, digits, '.', '-' or '_'");
  if (password.size() < kMinPassword || password.size() > 1024)
    return fail(Errc::invalid_argument, "password: 12 to 1024 characters");
  {
    std::lock_guard lock(users_mu);
    for (const auto& u : users)
      if (u.username == username) return fail(Errc::conflict, "username: already taken");
  }
  login_slots.acquire();
  auto hash = hash_password(password);
  login_slots.release();
  if (!hash) return std::unexpected(hash.error());
  UserEntry e{{"u-" + random_hex(8), username, role}, username, *hash};
  if (auto r = store->in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
        if (auto x = tx.upsert_user(e.user); !x) return std::unexpected(x.error());
        return true;
      });
      !r)
    return std::unexpected(r.error());
  std::lock_guard lock(users_mu);
  for (const auto& u : users)
    if (u.username == username) return fail(Errc::conflict, "username: already taken");
  auto next = users;
  next.push_back(e);
  if (auto r = save_users(paths.users(), next); !r) return std::unexpected(r.error());
  users = std::move(next);
  return e.user;
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_ && impl_->checkpoint_key && impl_->store)
    (void)registry::write_audit_checkpoint(*impl_->store, impl_->paths.checkpoints(),
                                           *impl_->checkpoint_key, impl_->clock.now());
}

Result<std::unique_ptr<Server>> Server::open(const ServeOptions& options) {
  if (sodium_init() < 0) return fail(Errc::crypto, "libsodium did not initialise");
  auto impl = std::make_unique<Impl>();
  impl->paths = Paths{options.data_dir};
  impl->options = options;
  auto cfg = load_config(impl->paths);
  if (!cfg) return std::unexpected(cfg.error());
  impl->config = *cfg;
  auto store = registry::open_sqlite_store({impl->paths.db()});
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
  if (auto path = impl->config.value("openapi_path", std::string()); !path.empty()) {
    auto text = read_file(path);
    if (!text) return std::unexpected(text.error());
    impl->openapi = *text;
  }
  impl->ttl = impl->config.value("status_list_ttl", std::uint64_t{3600});

  registry::RegistryOptions ro;
  ro.store = impl->store.get();
  ro.cipher = impl->cipher.get();
  ro.signer = impl->signer.get();
  ro.settings = *settings;
  ro.clock = &impl->clock;
  ro.random = &crypto::system_random();
  ro.status_list_size = impl->config.value("status_list_size", kDefaultStatusListSize);
  ro.status_list_ttl = impl->ttl;
  auto reg = registry::Registry::create(ro);
  if (!reg) return std::unexpected(reg.error());
  impl->reg.emplace(std::move(*reg));

  auto users = load_users(impl->paths.users());
  if (!users) return std::unexpected(users.error());
  impl->users = std::move(*users);
  auto dummy = hash_password(random_hex(16));
  if (!dummy) return std::unexpected(dummy.error());
  impl->dummy_hash = *dummy;

  auto& s = impl->http;
  s.set_tcp_nodelay(true);
  s.set_keep_alive_max_count(1000);
  s.set_payload_max_length(kMaxBody);
  const int threads = options.threads > 0 ? options.threads : 16;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  Impl* self = impl.get();
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    problem(res, 500, "internal error");
  });
  s.set_error_handler([self](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const char* detail = res.status == 404   ? "no such resource"
                         : res.status == 413 ? "the request body is over 1 MiB"
                                             : title_for(res.status);
    int status = res.status;
    problem(res, status, detail);
    if (status == 404 || status == 413 || status == 405) {
      self->count(req.method + " (unmatched)", status);
      if (self->options.log_requests)
        std::fprintf(stderr, "sdcd: %s (unmatched) %d\n", req.method.c_str(), status);
    }
  });
  impl->routes();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::bind(const std::string& host, int port) {
  if (port == 0) {
    int p = impl_->http.bind_to_any_port(host);
    if (p <= 0) return fail(Errc::io, "cannot bind " + host);
    return p;
  }
  if (!impl_->http.bind_to_port(host, port))
    return fail(Errc::io, "cannot bind " + host + ":" + std::to_string(port));
  return port;
}

// Serves; meanwhile a checkpoint of the audit chain is signed every five
// minutes (and once more when the server is destroyed).
bool Server::run() {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread checkpointer([&] {
    std::unique_lock lock(mu);
    while (!cv.wait_for(lock, std::chrono::minutes(5), [&] { return done; })) {
      auto r = registry::write_audit_checkpoint(*impl_->store, impl_->paths.checkpoints(),
                                                *impl_->checkpoint_key, impl_->clock.now());
      if (!r)
        std::fprintf(stderr, "sdcd: audit checkpoint failed: %s\n", r.error().message.c_str());
    }
  });
  bool ok = impl_->http.listen_after_bind();
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
  checkpointer.join();
  return ok;
}
void Server::stop() {
  impl_->http.stop();
}
bool Server::running() const {
  return impl_->http.is_running();
}

Result<User> Server::add_user(const std::string& username, const std::string& password, Role role) {
  return impl_->add_user_impl(username, password, role);
}

registry::Registry& Server::registry() {
  return *impl_->reg;
}
const std::string& Server::configured_listen() const {
  static const std::string fallback = "127.0.0.1:8080";
  auto it = impl_->config.find("listen");
  if (it == impl_->config.end() || !it->is_string()) return fallback;
  return it->get_ref<const std::string&>();
}

}  // namespace sdc::http
