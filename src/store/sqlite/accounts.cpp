// SqliteTx's AccountTx: users, accounts, sessions and login throttling, on SQLite.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

// Reads an account from columns `at`..`at + 7` (kAccountColumns order).
AccountRow account_from(const Stmt& s, int at, std::optional<Error>& bad) {
  auto role = parse_role(s.text(at + 2));
  if (!role) bad = role.error();
  return AccountRow{s.text(at),     s.text(at + 1),     role.value_or(Role::kiosk),
                    s.text(at + 3), s.i64(at + 4) != 0, s.i64(at + 5),
                    s.i64(at + 6),  s.text(at + 7)};
}

SessionRow session_from(const Stmt& s) {
  return SessionRow{s.blob(0), s.text(1), s.i64(2), s.i64(3), s.i64(4)};
}

LoginThrottleRow throttle_from(const Stmt& s) {
  return LoginThrottleRow{s.text(0), s.u64(1), s.i64(2), s.i64(3)};
}

}  // namespace

Result<void> SqliteTx::upsert_user(const User& u) {
  auto s = prepare(
      "INSERT INTO users (id, display_name, role) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO "
      "UPDATE SET display_name = excluded.display_name, role = excluded.role");
  if (!s) return std::unexpected(s.error());
  s->bind(1, u.id).bind(2, u.display_name).bind(3, to_string(u.role));
  return done(*s, "save user");
}

Result<std::optional<User>> SqliteTx::get_user(const std::string& id) {
  std::optional<Error> bad;
  auto r = one<User>(
      "SELECT id, display_name, role FROM users WHERE id = ?1", [&](Stmt& s) { s.bind(1, id); },
      [&](const Stmt& s) {
        auto role = parse_role(s.text(2));
        if (!role) bad = role.error();
        return User{s.text(0), s.text(1), role.value_or(Role::kiosk)};
      });
  if (bad) return std::unexpected(*bad);
  return r;
}

Result<void> SqliteTx::insert_account(const AccountRow& r) {
  auto s = prepare(std::string("INSERT INTO accounts (") + kAccountColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.username).bind(2, r.user_id).bind(3, to_string(r.role)).bind(4, r.password_hash);
  s->bind(5, std::int64_t{r.disabled ? 1 : 0}).bind(6, r.created_at).bind(7, r.updated_at);
  s->bind(8, r.office_id);
  if (auto d = done(*s, "insert account"); !d) return d;
  if (sqlite3_changes(db_) != 1) return fail(Errc::conflict, "username: already taken");
  return {};
}

Result<std::optional<AccountRow>> SqliteTx::get_account(const std::string& username) {
  std::optional<Error> bad;
  auto r = one<AccountRow>(
      std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE username = ?1",
      [&](Stmt& s) { s.bind(1, username); },
      [&](const Stmt& s) { return account_from(s, 0, bad); });
  if (bad) return std::unexpected(*bad);
  return r;
}

Result<std::vector<AccountRow>> SqliteTx::list_accounts() {
  std::optional<Error> bad;
  auto r = many<AccountRow>(
      std::string("SELECT ") + kAccountColumns + " FROM accounts ORDER BY username", [](Stmt&) {},
      [&](const Stmt& s) { return account_from(s, 0, bad); });
  if (bad) return std::unexpected(*bad);
  return r;
}

Result<void> SqliteTx::set_account_disabled(const std::string& username, bool disabled,
                                            UnixTime at) {
  auto s = prepare("UPDATE accounts SET disabled = ?2, updated_at = ?3 WHERE username = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, username).bind(2, std::int64_t{disabled ? 1 : 0}).bind(3, at);
  if (auto d = done(*s, "update account"); !d) return d;
  if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no such user");
  return {};
}

Result<void> SqliteTx::insert_session(const SessionRow& r) {
  auto s = prepare(std::string("INSERT INTO sessions (") + kSessionColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.token_hash).bind(2, r.user_id).bind(3, r.created_at).bind(4, r.expires_at);
  s->bind(5, r.revoked_at);
  return done(*s, "insert session");
}

Result<std::optional<ActiveSession>> SqliteTx::find_active_session(ByteView token_hash,
                                                                   UnixTime now) {
  std::optional<Error> bad;
  auto r = one<ActiveSession>(
      "SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, s.revoked_at,"
      " a.username, a.user_id, a.role, a.password_hash, a.disabled, a.created_at, a.updated_at,"
      " a.office_id"
      " FROM sessions s JOIN accounts a ON a.user_id = s.user_id"
      " WHERE s.token_hash = ?1 AND s.revoked_at = 0 AND s.expires_at > ?2 AND a.disabled = 0",
      [&](Stmt& s) { s.bind(1, token_hash).bind(2, now); },
      [&](const Stmt& s) {
        return ActiveSession{session_from(s), account_from(s, 5, bad)};
      });
  if (bad) return std::unexpected(*bad);
  return r;
}

Result<bool> SqliteTx::revoke_session(ByteView token_hash, UnixTime at) {
  auto s = prepare(
      "UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at = 0"
      " AND expires_at > ?2");
  if (!s) return std::unexpected(s.error());
  s->bind(1, token_hash).bind(2, at);
  if (auto d = done(*s, "revoke session"); !d) return std::unexpected(d.error());
  return sqlite3_changes(db_) == 1;
}

Result<std::uint64_t> SqliteTx::revoke_sessions_of_user(const std::string& user_id, UnixTime at) {
  auto s = prepare(
      "UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at = 0"
      " AND expires_at > ?2");
  if (!s) return std::unexpected(s.error());
  s->bind(1, user_id).bind(2, at);
  if (auto d = done(*s, "revoke sessions"); !d) return std::unexpected(d.error());
  return static_cast<std::uint64_t>(sqlite3_changes(db_));
}

Result<std::optional<LoginThrottleRow>> SqliteTx::get_login_throttle(const std::string& username) {
  return one<LoginThrottleRow>(
      std::string("SELECT ") + kThrottleColumns + " FROM login_throttle WHERE username = ?1",
      [&](Stmt& s) { s.bind(1, username); }, throttle_from);
}

Result<LoginThrottleRow> SqliteTx::count_login_failure(const std::string& username, UnixTime now,
                                                       UnixTime window_start) {
  auto r = one<LoginThrottleRow>(
      std::string("INSERT INTO login_throttle (") + kThrottleColumns +
          ") VALUES (?1, 1, ?2, 0) ON CONFLICT (username) DO UPDATE SET"
          " failures = CASE WHEN login_throttle.last_failure_at < ?3 THEN 1"
          " ELSE login_throttle.failures + 1 END, last_failure_at = ?2 RETURNING " +
          kThrottleColumns,
      [&](Stmt& s) { s.bind(1, username).bind(2, now).bind(3, window_start); }, throttle_from);
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::internal, "sqlite: login throttle row missing");
  return **r;
}

Result<void> SqliteTx::lock_login(const std::string& username, UnixTime until) {
  auto s = prepare(std::string("INSERT INTO login_throttle (") + kThrottleColumns +
                   ") VALUES (?1, 0, 0, ?2) ON CONFLICT (username) DO UPDATE SET"
                   " failures = 0, locked_until = ?2");
  if (!s) return std::unexpected(s.error());
  s->bind(1, username).bind(2, until);
  return done(*s, "lock login");
}

Result<void> SqliteTx::clear_login_throttle(const std::string& username) {
  auto s = prepare("DELETE FROM login_throttle WHERE username = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, username);
  return done(*s, "clear login throttle");
}

Result<std::uint64_t> SqliteTx::purge_login_state(UnixTime now, UnixTime window_start) {
  auto s = prepare("DELETE FROM sessions WHERE expires_at <= ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, now);
  if (auto d = done(*s, "purge sessions"); !d) return std::unexpected(d.error());
  auto n = static_cast<std::uint64_t>(sqlite3_changes(db_));
  auto t = prepare("DELETE FROM login_throttle WHERE locked_until <= ?1 AND last_failure_at < ?2");
  if (!t) return std::unexpected(t.error());
  t->bind(1, now).bind(2, window_start);
  if (auto d = done(*t, "purge login throttle"); !d) return std::unexpected(d.error());
  return n + static_cast<std::uint64_t>(sqlite3_changes(db_));
}

}  // namespace sdc::registry::sqlite
