// Service accounts, bearer sessions and login throttling, all kept in the
// registry's database (schema version 2), so that several sdcd on one
// database agree on who is signed in and who is locked out. Internal to
// the http module.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <semaphore>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/clock.h"
#include "sdc/error.h"
#include "sdc/registry/store.h"
#include "sdc/registry/types.h"

namespace sdc::http {

// 1 to 64 letters, digits, '.', '-' or '_'.
bool valid_username(std::string_view name);

// 20 characters from an alphabet without look-alikes, from the system CSPRNG.
std::string random_password();

// Thread-safe. `store` and `clock` must outlive the Accounts.
class Accounts {
 public:
  static constexpr UnixTime kSessionLifetime = 8 * 3600;
  static constexpr std::uint64_t kMaxLoginFailures = 5;  // then locked out
  static constexpr UnixTime kLockout = 15 * 60;          // also how long failures are remembered
  static constexpr std::size_t kMinPassword = 12;
  static constexpr std::size_t kMaxPassword = 1024;
  static constexpr std::chrono::milliseconds kSessionRecheck{1000};
  static constexpr std::size_t kMaxCachedSessions = 10000;

  Accounts(registry::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Computes the dummy hash unknown users are checked against, so that the
  // first such login costs what every other does. Call once before serving.
  Result<void> prepare();

  // Hashes the password (Argon2id) and writes the account with its user row
  // in one transaction. Errc::invalid_argument names the field;
  // Errc::conflict when the username is taken. With `by` (a call through
  // the API), the transaction also appends its audit record (admin_audit.h).
  Result<registry::User> create(const std::string& username, const std::string& password,
                                registry::Role role, const registry::User* by = nullptr);

  enum class LoginOutcome { ok, refused, locked };
  struct Login {
    LoginOutcome outcome = LoginOutcome::refused;
    std::string token;  // ok: the bearer token, shown once; only its SHA-256 is kept
    UnixTime expires_at = 0;
    registry::Role role = registry::Role::kiosk;
    UnixTime retry_after = 0;  // locked: seconds until the lockout ends
  };
  // Checks the password against the stored hash (against a dummy hash for
  // an unknown user, so timing does not tell them apart). Failures count
  // per username; kMaxLoginFailures within kLockout lock it for kLockout.
  // A disabled account is refused like a wrong password.
  Result<Login> login(const std::string& username, const std::string& password);

  // The signed-in user, or nullopt for an unknown, expired or revoked token
  // or a disabled account. A positive answer is remembered for
  // kSessionRecheck, so that a busy client does not cost a database read per
  // request; logout and disabling through this process take effect at once,
  // through another process on the same database within kSessionRecheck.
  Result<std::optional<registry::User>> authenticate(std::string_view token);
  // Revokes the token's session.
  Result<void> logout(std::string_view token);

  // Every account, by username.
  Result<std::vector<registry::AccountRow>> list();
  // Disabling also revokes every session of the account, in the same
  // transaction, which also appends the audit record of `by`'s change.
  // Errc::not_found for an unknown username; Errc::conflict when `by` would
  // disable their own account.
  Result<registry::AccountRow> set_disabled(const std::string& username, bool disabled,
                                            const registry::User& by);

 private:
  Result<std::string> hash_password(const std::string& password);
  bool check_password(const std::string& hash, const std::string& password);
  Result<std::string> dummy_hash();

  registry::Store& store_;
  const Clock& clock_;
  // Argon2id takes ~64 MiB per hash: bound how many run at once.
  std::counting_semaphore<2> hash_slots_{2};
  std::mutex dummy_mu_;
  std::string dummy_;
  std::atomic<std::uint64_t> logins_{0};

  struct CachedSession {
    registry::User user;
    UnixTime expires_at = 0;
    std::chrono::steady_clock::time_point checked;
  };
  std::shared_mutex cache_mu_;
  std::map<Bytes, CachedSession> cache_;  // by SHA-256 of the token
};

}  // namespace sdc::http
