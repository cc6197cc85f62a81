// Service accounts, bearer sessions and login throttling, all kept in the
// registry's database (schema version 2), so that several sdcd on one
// database agree on who is signed in and who is locked out. Administration
// of accounts is role-checked here, and every call of it, refused or failed
// too, leaves an audit record (admin_audit.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <semaphore>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/registry/admin_audit.h"
#include "sdc/registry/store.h"
#include "sdc/registry/types.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// 1 to 64 letters, digits, '.', '-' or '_'.
bool valid_username(std::string_view name);

// 20 characters from an alphabet without look-alikes, from `random`.
std::string random_password(Random& random);

// Thread-safe. `store`, `clock` and `random` must outlive the Accounts.
class Accounts {
 public:
  static constexpr UnixTime kSessionLifetime = 8 * 3600;
  static constexpr std::uint64_t kMaxLoginFailures = 5;  // then locked out
  static constexpr UnixTime kLockout = 15 * 60;          // also how long failures are remembered
  static constexpr std::size_t kMinPassword = 12;
  static constexpr std::size_t kMaxPassword = 1024;
  static constexpr UnixTime kSessionRecheck = 1;  // seconds, by the injected clock
  static constexpr std::size_t kMaxCachedSessions = 10000;

  Accounts(Store& store, const Clock& clock, Random& random)
      : store_(store), clock_(clock), random_(random) {}

  // Computes the dummy hash unknown users are checked against, so that the
  // first such login costs what every other does. Call once before serving.
  Result<void> prepare();

  // Hashes the password (Argon2id) and writes the account with its user row
  // in one transaction. Errc::invalid_argument names the field;
  // Errc::conflict when the username is taken. Role::holder is refused
  // (Errc::invalid_argument): holders sign in with a card and a PIN. With `by` (a call through
  // the API): Errc::forbidden unless `by` may manage users, and the call is
  // audited whatever its outcome (a change in its own transaction).
  // `office_id`, when not empty, must name an office (Errc::not_found
  // "office_id: ...", nothing written); it is optional for every role.
  Result<User> create(const std::string& username, const std::string& password, Role role,
                      const User* by = nullptr, const std::string& office_id = {});

  enum class LoginOutcome { ok, refused, locked };
  struct Login {
    LoginOutcome outcome = LoginOutcome::refused;
    std::string token;  // ok: the bearer token, shown once; only its SHA-256 is kept
    UnixTime expires_at = 0;
    Role role = Role::kiosk;
    UnixTime retry_after = 0;  // locked: seconds until the lockout ends
  };
  // Checks the password against the stored hash (against a dummy hash for
  // an unknown user, so timing does not tell them apart). Failures count
  // per username; kMaxLoginFailures within kLockout lock it for kLockout.
  // A disabled account is refused like a wrong password.
  Result<Login> login(const std::string& username, const std::string& password);

  // The signed-in user, or nullopt for an unknown, expired or revoked token
  // or a disabled account. A holder's session (holder_logins.h) gives the
  // holder's user, Role::holder, while the holder's PIN is not locked. A positive answer is
  // remembered for kSessionRecheck, so that a busy client does not cost a database read per
  // request; logout and disabling through this process take effect at once,
  // through another process on the same database within kSessionRecheck.
  Result<std::optional<User>> authenticate(std::string_view token);
  // Revokes the token's session.
  Result<void> logout(std::string_view token);

  // Whether `by` may do `action` (an administration of accounts). A refusal
  // is audited, naming the account `username` refers to by its user id if
  // one is given, and returned as Errc::forbidden: callers that must refuse
  // before reading a request ask here first. The calls below check too.
  Result<void> authorize(const User& by, AdminAction action, const std::string& username = {});

  // Every account, by username, for a role that may read users
  // (Errc::forbidden, audited, for any other).
  Result<std::vector<AccountRow>> list(const User& by);
  // Disabling also revokes every session of the account, in the same
  // transaction, which also appends the audit record of `by`'s change.
  // Errc::forbidden unless `by` may manage users; Errc::not_found for an
  // unknown username; Errc::conflict when `by` would disable their own
  // account. Refusals and failures are audited too.
  Result<AccountRow> set_disabled(const std::string& username, bool disabled, const User& by);

  // ---- shared with HolderLogins (holder_logins.h) ----
  // Argon2id hashing and checking under the one bound of this process on
  // hashes at once; the dummy hash unknown names are checked against.
  Result<std::string> hash_password(const std::string& password);
  bool check_password(const std::string& hash, const std::string& password);
  Result<std::string> dummy_hash();
  // A new bearer session for `user_id` from `now` for `lifetime` seconds:
  // the token (shown once) and the row to insert, which keeps only its
  // SHA-256. authenticate() finds it when the user is an enabled account or
  // a holder whose PIN is not locked (find_active_holder_session).
  struct NewSession {
    std::string token;
    SessionRow row;
  };
  NewSession new_session(const std::string& user_id, UnixTime now, UnixTime lifetime);
  // Forgets this process's remembered sessions of `user_id` (after its
  // sessions were revoked in the database).
  void forget_sessions_of(const std::string& user_id);
  // ---- end of shared with HolderLogins ----

 private:
  Result<User> create_account(const std::string& username, const std::string& password, Role role,
                              const User* by, const std::string& office_id);
  Result<AccountRow> change_disabled(const std::string& username, bool disabled, const User& by);
  std::string random_hex(std::size_t bytes);
  // "user <id>" for the account's audit records (usernames stay out of them).
  std::string user_detail(const std::string& username);

  Store& store_;
  const Clock& clock_;
  Random& random_;
  // Argon2id takes ~64 MiB per hash: bound how many run at once.
  std::counting_semaphore<2> hash_slots_{2};
  std::mutex dummy_mu_;
  std::string dummy_;
  std::atomic<std::uint64_t> logins_{0};

  struct CachedSession {
    User user;
    UnixTime expires_at = 0;
    UnixTime checked = 0;
  };
  std::shared_mutex cache_mu_;
  std::map<Bytes, CachedSession> cache_;  // by SHA-256 of the token
};

}  // namespace sdc::registry
