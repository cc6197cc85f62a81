#include "sdc/registry/accounts.h"

#include <sodium.h>

#include <cctype>

#include "sdc/crypto/crypto.h"
#include "sdc/registry/admin_audit.h"
#include "sdc/util/bytes.h"

namespace sdc::registry {

namespace {

// A bearer token is 64 hex digits; anything much longer is not one of ours.
constexpr std::size_t kMaxTokenLength = 256;
// Expired sessions and lapsed throttles are purged every this many logins.
constexpr std::uint64_t kPurgeEvery = 256;

Bytes token_hash(std::string_view token) {
  auto d = crypto::sha256(as_bytes(token));
  return Bytes(d.begin(), d.end());
}

}  // namespace

std::string Accounts::random_hex(std::size_t n) {
  Bytes b(n);
  random_.fill(b);
  return hex_encode(b);
}

bool valid_username(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
      return false;
  return true;
}

std::string random_password(Random& random) {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 20; ++i) out.push_back(kAlphabet[random.uniform(sizeof(kAlphabet) - 1)]);
  return out;
}

Result<std::string> Accounts::hash_password(const std::string& password) {
  if (sodium_init() < 0) return fail(Errc::crypto, "libsodium did not initialise");
  char out[crypto_pwhash_STRBYTES];
  hash_slots_.acquire();
  int rc =
      crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE);
  hash_slots_.release();
  if (rc != 0) return fail(Errc::limit, "password hashing ran out of memory");
  return std::string(out);
}

bool Accounts::check_password(const std::string& hash, const std::string& password) {
  hash_slots_.acquire();
  bool ok = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  hash_slots_.release();
  return ok;
}

Result<std::string> Accounts::dummy_hash() {
  std::lock_guard lock(dummy_mu_);
  if (dummy_.empty()) {
    auto h = hash_password(random_hex(16));
    if (!h) return std::unexpected(h.error());
    dummy_ = std::move(*h);
  }
  return dummy_;
}

Result<void> Accounts::prepare() {
  auto d = dummy_hash();
  if (!d) return std::unexpected(d.error());
  return {};
}

Result<User> Accounts::create(const std::string& username, const std::string& password, Role role,
                              const User* by, const std::string& office_id) {
  if (!by) return create_account(username, password, role, nullptr, office_id);
  const std::string detail = std::string("role ") + to_string(role);
  if (auto ok = authorize(*by, AdminAction::create_user); !ok) return std::unexpected(ok.error());
  auto made = create_account(username, password, role, by, office_id);
  if (!made)
    return std::unexpected(audit_admin_failure(store_, *by, AdminAction::create_user, made.error(),
                                               detail, clock_.now()));
  return made;
}

Result<User> Accounts::create_account(const std::string& username, const std::string& password,
                                      Role role, const User* by, const std::string& office_id) {
  if (!valid_username(username))
    return fail(Errc::invalid_argument, "username: 1 to 64 letters, digits, '.', '-' or '_'");
  if (role == Role::holder)
    return fail(Errc::invalid_argument,
                "role: holders have no account; they sign in with their card and PIN");
  if (password.size() < kMinPassword || password.size() > kMaxPassword)
    return fail(Errc::invalid_argument, "password: 12 to 1024 characters");
  // Answer a taken name before spending a hash on it; the insert below
  // settles any race.
  auto existing = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    auto a = tx.get_account(username);
    if (!a) return std::unexpected(a.error());
    return a->has_value();
  });
  if (!existing) return std::unexpected(existing.error());
  if (*existing) return fail(Errc::conflict, "username: already taken");
  auto hash = hash_password(password);
  if (!hash) return std::unexpected(hash.error());
  UnixTime now = clock_.now();
  User user{"u-" + random_hex(8), username, role, office_id};
  AccountRow row{username, user.id, role, *hash, false, now, now, office_id};
  auto w = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (!office_id.empty()) {
      auto office = tx.get_office(office_id);
      if (!office) return std::unexpected(office.error());
      if (!*office) return fail(Errc::not_found, "office_id: no such office");
    }
    if (auto r = tx.upsert_user(user); !r) return std::unexpected(r.error());
    if (auto r = tx.insert_account(row); !r) return std::unexpected(r.error());
    if (by)
      if (auto a = audit_admin_change(tx, *by, AdminAction::create_user,
                                      "user " + user.id + " role " + to_string(role), now);
          !a)
        return std::unexpected(a.error());
    return true;
  });
  if (!w) return std::unexpected(w.error());
  return user;
}

Result<Accounts::Login> Accounts::login(const std::string& username, const std::string& password) {
  UnixTime now = clock_.now();
  Login out;
  const bool plausible = valid_username(username) && password.size() <= kMaxPassword;
  std::optional<AccountRow> account;
  if (plausible) {
    struct Seen {
      std::optional<LoginThrottleRow> throttle;
      std::optional<AccountRow> account;
    };
    auto seen = store_.in_transaction<Seen>([&](Tx& tx) -> Result<Seen> {
      auto t = tx.get_login_throttle(username);
      if (!t) return std::unexpected(t.error());
      auto a = tx.get_account(username);
      if (!a) return std::unexpected(a.error());
      return Seen{std::move(*t), std::move(*a)};
    });
    if (!seen) return std::unexpected(seen.error());
    if (seen->throttle && seen->throttle->locked_until > now) {
      out.outcome = LoginOutcome::locked;
      out.retry_after = seen->throttle->locked_until - now;
      return out;
    }
    account = std::move(seen->account);
  }
  // The same Argon2id work whether or not the user exists.
  std::string hash;
  if (account) {
    hash = account->password_hash;
  } else {
    auto d = dummy_hash();
    if (!d) return std::unexpected(d.error());
    hash = *d;
  }
  const bool ok =
      check_password(hash, plausible ? password : std::string()) && account && !account->disabled;
  if (!plausible) return out;
  if (!ok) {
    auto w = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      auto t = tx.count_login_failure(username, now, now - kLockout);
      if (!t) return std::unexpected(t.error());
      if (t->failures >= kMaxLoginFailures)
        if (auto l = tx.lock_login(username, now + kLockout); !l) return std::unexpected(l.error());
      return true;
    });
    if (!w) return std::unexpected(w.error());
    return out;
  }
  auto made = new_session(account->user_id, now, kSessionLifetime);
  out.token = std::move(made.token);
  out.expires_at = made.row.expires_at;
  out.role = account->role;
  out.outcome = LoginOutcome::ok;
  const SessionRow& session = made.row;
  const bool purge = ++logins_ % kPurgeEvery == 0;
  auto w = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.clear_login_throttle(username); !r) return std::unexpected(r.error());
    if (auto r = tx.insert_session(session); !r) return std::unexpected(r.error());
    if (purge)
      if (auto r = tx.purge_login_state(now, now - kLockout); !r) return std::unexpected(r.error());
    return true;
  });
  if (!w) return std::unexpected(w.error());
  return out;
}

Result<std::optional<User>> Accounts::authenticate(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength) return std::optional<User>();
  Bytes hash = token_hash(token);
  UnixTime now = clock_.now();
  {
    std::shared_lock lock(cache_mu_);  // readers do not block each other
    auto it = cache_.find(hash);
    if (it != cache_.end() && now < it->second.expires_at &&
        now - it->second.checked < kSessionRecheck)
      return std::optional<User>(it->second.user);
  }
  // An account's session, else a holder's (holder_login_tx.h).
  struct Found {
    User user;
    SessionRow session;
  };
  auto found =
      store_.in_read_transaction<std::optional<Found>>([&](Tx& tx) -> Result<std::optional<Found>> {
        auto a = tx.find_active_session(hash, now);
        if (!a) return std::unexpected(a.error());
        if (*a)
          return Found{User{(*a)->account.user_id, (*a)->account.username, (*a)->account.role,
                            (*a)->account.office_id},
                       (*a)->session};
        auto h = tx.find_active_holder_session(hash, now);
        if (!h) return std::unexpected(h.error());
        if (*h) return Found{User{(*h)->session.user_id, "holder", Role::holder}, (*h)->session};
        return std::optional<Found>();
      });
  if (!found) return std::unexpected(found.error());
  if (!*found || !constant_time_equal((*found)->session.token_hash, hash)) {
    std::lock_guard lock(cache_mu_);
    cache_.erase(hash);
    return std::optional<User>();
  }
  User user = (*found)->user;
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kMaxCachedSessions) cache_.clear();
  cache_[hash] = CachedSession{user, (*found)->session.expires_at, now};
  return std::optional<User>(std::move(user));
}

Result<void> Accounts::logout(std::string_view token) {
  if (token.size() > kMaxTokenLength) return {};
  Bytes hash = token_hash(token);
  UnixTime now = clock_.now();
  {
    std::lock_guard lock(cache_mu_);
    cache_.erase(hash);
  }
  auto r = store_.in_transaction<bool>([&](Tx& tx) { return tx.revoke_session(hash, now); });
  if (!r) return std::unexpected(r.error());
  return {};
}

Accounts::NewSession Accounts::new_session(const std::string& user_id, UnixTime now,
                                           UnixTime lifetime) {
  Bytes raw(32);
  random_.fill(raw);
  NewSession out;
  out.token = hex_encode(raw);
  out.row = SessionRow{token_hash(out.token), user_id, now, now + lifetime, 0};
  return out;
}

void Accounts::forget_sessions_of(const std::string& user_id) {
  std::lock_guard lock(cache_mu_);
  std::erase_if(cache_, [&](const auto& e) { return e.second.user.id == user_id; });
}

Result<std::vector<AccountRow>> Accounts::list(const User& by) {
  if (auto ok = authorize(by, AdminAction::read_users); !ok) return std::unexpected(ok.error());
  return store_.in_read_transaction<std::vector<AccountRow>>(
      [](Tx& tx) { return tx.list_accounts(); });
}

std::string Accounts::user_detail(const std::string& username) {
  auto a = store_.in_read_transaction<std::optional<AccountRow>>(
      [&](Tx& tx) { return tx.get_account(username); });
  return a && *a ? "user " + (*a)->user_id : std::string("user unknown");
}

Result<void> Accounts::authorize(const User& by, AdminAction action, const std::string& username) {
  if (admin_allowed(by.role, action)) return {};
  return std::unexpected(audit_admin_refusal(
      store_, by, action, username.empty() ? "" : user_detail(username), clock_.now()));
}

Result<AccountRow> Accounts::set_disabled(const std::string& username, bool disabled,
                                          const User& by) {
  const AdminAction action = disabled ? AdminAction::disable_user : AdminAction::enable_user;
  if (auto ok = authorize(by, action, username); !ok) return std::unexpected(ok.error());
  auto changed = change_disabled(username, disabled, by);
  if (!changed)
    return std::unexpected(audit_admin_failure(store_, by, action, changed.error(),
                                               user_detail(username), clock_.now()));
  return changed;
}

Result<AccountRow> Accounts::change_disabled(const std::string& username, bool disabled,
                                             const User& by) {
  UnixTime now = clock_.now();
  auto changed = store_.in_transaction<AccountRow>([&](Tx& tx) -> Result<AccountRow> {
    auto a = tx.get_account(username);
    if (!a) return std::unexpected(a.error());
    if (!*a) return fail(Errc::not_found, "no such user");
    if (disabled && (*a)->user_id == by.id)
      return fail(Errc::conflict, "disabled: an administrator cannot disable their own account");
    if (auto r = tx.set_account_disabled(username, disabled, now); !r)
      return std::unexpected(r.error());
    if (disabled)
      if (auto r = tx.revoke_sessions_of_user((*a)->user_id, now); !r)
        return std::unexpected(r.error());
    if (auto r = audit_admin_change(tx, by,
                                    disabled ? AdminAction::disable_user : AdminAction::enable_user,
                                    "user " + (*a)->user_id, now);
        !r)
      return std::unexpected(r.error());
    AccountRow out = **a;
    out.disabled = disabled;
    out.updated_at = now;
    return out;
  });
  if (changed && disabled) {
    std::lock_guard lock(cache_mu_);
    std::erase_if(cache_, [&](const auto& e) { return e.second.user.id == changed->user_id; });
  }
  return changed;
}

}  // namespace sdc::registry
