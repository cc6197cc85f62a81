// PostgresTx's AccountTx: users, accounts, sessions and login throttling, on PostgreSQL.
#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

// Reads an account from columns `at`..`at + 7` (kAccountColumns order).
AccountRow account_from(const Rows& r, int i, int at, std::optional<Error>& bad) {
  auto role = parse_role(r.text(i, at + 2));
  if (!role) bad = role.error();
  return AccountRow{r.text(i, at),     r.text(i, at + 1),     role.value_or(Role::kiosk),
                    r.text(i, at + 3), r.i64(i, at + 4) != 0, r.i64(i, at + 5),
                    r.i64(i, at + 6),  r.text(i, at + 7)};
}

SessionRow session_from(const Rows& r, int i) {
  return SessionRow{r.bytes(i, 0), r.text(i, 1), r.i64(i, 2), r.i64(i, 3), r.i64(i, 4)};
}

LoginThrottleRow throttle_from(const Rows& r, int i) {
  return LoginThrottleRow{r.text(i, 0), r.u64(i, 1), r.i64(i, 2), r.i64(i, 3)};
}

}  // namespace

Result<void> PostgresTx::upsert_user(const User& u) {
  return command(
      "INSERT INTO users (id, display_name, role) VALUES ($1, $2, $3) ON CONFLICT (id) DO "
      "UPDATE SET display_name = excluded.display_name, role = excluded.role",
      Params().text(u.id).text(u.display_name).text(to_string(u.role)));
}

Result<std::optional<User>> PostgresTx::get_user(const std::string& id) {
  std::optional<Error> bad;
  auto r = one<User>("SELECT id, display_name, role FROM users WHERE id = $1", Params().text(id),
                     [&](const Rows& rows, int i) {
                       auto role = parse_role(rows.text(i, 2));
                       if (!role) bad = role.error();
                       return User{rows.text(i, 0), rows.text(i, 1), role.value_or(Role::kiosk)};
                     });
  if (bad) return std::unexpected(*bad);
  return r;
}

Result<void> PostgresTx::insert_account(const AccountRow& r) {
  auto rows = exec(std::string("INSERT INTO accounts (") + kAccountColumns +
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                   Params()
                       .text(r.username)
                       .text(r.user_id)
                       .text(to_string(r.role))
                       .text(r.password_hash)
                       .i64(r.disabled ? 1 : 0)
                       .i64(r.created_at)
                       .i64(r.updated_at)
                       .text(r.office_id));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::conflict, "username: already taken");
  return {};
}

Result<std::optional<AccountRow>> PostgresTx::get_account(const std::string& username) {
  std::optional<Error> bad;
  auto r = one<AccountRow>(
      std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE username = $1",
      Params().text(username),
      [&](const Rows& rows, int i) { return account_from(rows, i, 0, bad); });
  if (bad) return std::unexpected(*bad);
  return r;
}

Result<std::vector<AccountRow>> PostgresTx::list_accounts() {
  std::optional<Error> bad;
  auto r = many<AccountRow>(
      std::string("SELECT ") + kAccountColumns + " FROM accounts ORDER BY username", Params(),
      [&](const Rows& rows, int i) { return account_from(rows, i, 0, bad); });
  if (bad) return std::unexpected(*bad);
  return r;
}

Result<void> PostgresTx::set_account_disabled(const std::string& username, bool disabled,
                                              UnixTime at) {
  auto rows = exec("UPDATE accounts SET disabled = $2, updated_at = $3 WHERE username = $1",
                   Params().text(username).i64(disabled ? 1 : 0).i64(at));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::not_found, "no such user");
  return {};
}

Result<void> PostgresTx::insert_session(const SessionRow& r) {
  return command(
      std::string("INSERT INTO sessions (") + kSessionColumns + ") VALUES ($1, $2, $3, $4, $5)",
      Params()
          .bytes(r.token_hash)
          .text(r.user_id)
          .i64(r.created_at)
          .i64(r.expires_at)
          .i64(r.revoked_at));
}

Result<std::optional<ActiveSession>> PostgresTx::find_active_session(ByteView token_hash,
                                                                     UnixTime now) {
  std::optional<Error> bad;
  auto r = one<ActiveSession>(
      "SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, s.revoked_at,"
      " a.username, a.user_id, a.role, a.password_hash, a.disabled, a.created_at, a.updated_at,"
      " a.office_id"
      " FROM sessions s JOIN accounts a ON a.user_id = s.user_id"
      " WHERE s.token_hash = $1 AND s.revoked_at = 0 AND s.expires_at > $2 AND a.disabled = 0",
      Params().bytes(token_hash).i64(now), [&](const Rows& rows, int i) {
        return ActiveSession{session_from(rows, i), account_from(rows, i, 5, bad)};
      });
  if (bad) return std::unexpected(*bad);
  return r;
}

Result<bool> PostgresTx::revoke_session(ByteView token_hash, UnixTime at) {
  auto rows = exec(
      "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at = 0"
      " AND expires_at > $2",
      Params().bytes(token_hash).i64(at));
  if (!rows) return std::unexpected(rows.error());
  return rows->affected() == 1;
}

Result<std::uint64_t> PostgresTx::revoke_sessions_of_user(const std::string& user_id, UnixTime at) {
  auto rows = exec(
      "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at = 0"
      " AND expires_at > $2",
      Params().text(user_id).i64(at));
  if (!rows) return std::unexpected(rows.error());
  return static_cast<std::uint64_t>(rows->affected());
}

Result<std::optional<LoginThrottleRow>> PostgresTx::get_login_throttle(
    const std::string& username) {
  return one<LoginThrottleRow>(
      std::string("SELECT ") + kThrottleColumns + " FROM login_throttle WHERE username = $1",
      Params().text(username), throttle_from);
}

Result<LoginThrottleRow> PostgresTx::count_login_failure(const std::string& username, UnixTime now,
                                                         UnixTime window_start) {
  auto r = one<LoginThrottleRow>(
      std::string("INSERT INTO login_throttle (") + kThrottleColumns +
          ") VALUES ($1, 1, $2, 0) ON CONFLICT (username) DO UPDATE SET"
          " failures = CASE WHEN login_throttle.last_failure_at < $3 THEN 1"
          " ELSE login_throttle.failures + 1 END, last_failure_at = $2 RETURNING " +
          kThrottleColumns,
      Params().text(username).i64(now).i64(window_start), throttle_from);
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::internal, "postgres: login throttle row missing");
  return **r;
}

Result<void> PostgresTx::lock_login(const std::string& username, UnixTime until) {
  return command(std::string("INSERT INTO login_throttle (") + kThrottleColumns +
                     ") VALUES ($1, 0, 0, $2) ON CONFLICT (username) DO UPDATE SET"
                     " failures = 0, locked_until = $2",
                 Params().text(username).i64(until));
}

Result<void> PostgresTx::clear_login_throttle(const std::string& username) {
  return command("DELETE FROM login_throttle WHERE username = $1", Params().text(username));
}

Result<std::uint64_t> PostgresTx::purge_login_state(UnixTime now, UnixTime window_start) {
  auto s = exec("DELETE FROM sessions WHERE expires_at <= $1", Params().i64(now));
  if (!s) return std::unexpected(s.error());
  auto t = exec("DELETE FROM login_throttle WHERE locked_until <= $1 AND last_failure_at < $2",
                Params().i64(now).i64(window_start));
  if (!t) return std::unexpected(t.error());
  return static_cast<std::uint64_t>(s->affected()) + static_cast<std::uint64_t>(t->affected());
}

}  // namespace sdc::registry::pg
