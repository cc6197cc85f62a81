// The account aggregate of a store transaction: users (the actors the audit
// trail names), service accounts, bearer sessions and login throttling.
// Part of Tx (store.h); a function that touches only accounts may take an
// AccountTx&.
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdc/registry/types.h"
#include "sdc/util/bytes.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// A service account. Its user row (users table, used by the audit trail)
// has id == user_id and the same role.
struct AccountRow {
  std::string username;  // unique
  std::string user_id;   // unique
  Role role = Role::kiosk;
  std::string password_hash;  // Argon2id encoded string, never a password
  bool disabled = false;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;
  // The office (offices.id) the account works at, schema version 9; empty
  // when it has none (administrators, auditors may have none).
  std::string office_id = {};

  bool operator==(const AccountRow&) const = default;
};

// A bearer session: only the SHA-256 of the token is stored.
struct SessionRow {
  Bytes token_hash;  // 32 bytes
  std::string user_id;
  UnixTime created_at = 0;
  UnixTime expires_at = 0;
  UnixTime revoked_at = 0;  // 0 while not revoked

  bool operator==(const SessionRow&) const = default;
};

// A live session (not expired, not revoked, account enabled) with its account.
struct ActiveSession {
  SessionRow session;
  AccountRow account;
};

// Failed logins per username, shared by every process on the database.
struct LoginThrottleRow {
  std::string username;
  std::uint64_t failures = 0;  // since the last success or lockout
  UnixTime last_failure_at = 0;
  UnixTime locked_until = 0;  // 0 when not locked

  bool operator==(const LoginThrottleRow&) const = default;
};

// A taken username or user id is Errc::conflict without a retry: trying
// again cannot help.
class AccountTx {
 public:
  virtual ~AccountTx() = default;

  virtual Result<void> upsert_user(const User& user) = 0;
  virtual Result<std::optional<User>> get_user(const std::string& id) = 0;

  // The account's user row must exist (upsert_user) in the same transaction.
  virtual Result<void> insert_account(const AccountRow& row) = 0;
  virtual Result<std::optional<AccountRow>> get_account(const std::string& username) = 0;
  // By username.
  virtual Result<std::vector<AccountRow>> list_accounts() = 0;
  // Errc::not_found if there is no such account.
  virtual Result<void> set_account_disabled(const std::string& username, bool disabled,
                                            UnixTime at) = 0;

  virtual Result<void> insert_session(const SessionRow& row) = 0;
  // The session with this token hash if it is live at `now` and its account
  // is enabled; nullopt otherwise.
  virtual Result<std::optional<ActiveSession>> find_active_session(ByteView token_hash,
                                                                   UnixTime now) = 0;
  // Marks a live session revoked; false if there was none to revoke.
  virtual Result<bool> revoke_session(ByteView token_hash, UnixTime at) = 0;
  // Revokes every live session of the user; returns how many.
  virtual Result<std::uint64_t> revoke_sessions_of_user(const std::string& user_id,
                                                        UnixTime at) = 0;

  virtual Result<std::optional<LoginThrottleRow>> get_login_throttle(
      const std::string& username) = 0;
  // Counts one failed login at `now` and returns the new row; failures older
  // than `window_start` are forgotten first. Locks the row until the
  // transaction ends, so concurrent failures all count.
  virtual Result<LoginThrottleRow> count_login_failure(const std::string& username, UnixTime now,
                                                       UnixTime window_start) = 0;
  // Locks the username out until `until` and starts counting afresh.
  virtual Result<void> lock_login(const std::string& username, UnixTime until) = 0;
  virtual Result<void> clear_login_throttle(const std::string& username) = 0;
  // Deletes sessions that expired before `now` and throttle rows neither
  // locked at `now` nor failed since `window_start`; returns rows deleted.
  virtual Result<std::uint64_t> purge_login_state(UnixTime now, UnixTime window_start) = 0;
};

}  // namespace sdc::registry
