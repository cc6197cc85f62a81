// SqliteTx's HolderLoginTx: holders' PINs, failures and lockouts, on SQLite.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

HolderPinRow pin_from(const Stmt& s) {
  return HolderPinRow{s.text(0), s.text(1), s.text(2), s.u64(3), s.i64(4),
                      s.i64(5),  s.text(6), s.i64(7),  s.i64(8)};
}

}  // namespace

Result<std::optional<HolderPinRow>> SqliteTx::get_holder_pin(const std::string& holder_id) {
  return one<HolderPinRow>(
      std::string("SELECT ") + kHolderPinColumns + " FROM holder_pins WHERE holder_id = ?1",
      [&](Stmt& s) { s.bind(1, holder_id); }, pin_from);
}

Result<void> SqliteTx::put_holder_pin(const HolderPinRow& r) {
  auto s = prepare(std::string("INSERT INTO holder_pins (") + kHolderPinColumns +
                   ") VALUES (?1, ?2, ?3, 0, 0, 0, ?4, ?5, ?6) ON CONFLICT (holder_id) DO UPDATE"
                   " SET pin_hash = excluded.pin_hash, failures = 0, last_failure_at = 0,"
                   " locked_at = 0, set_by = excluded.set_by, set_at = excluded.set_at");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.holder_id).bind(2, r.user_id).bind(3, r.pin_hash).bind(4, r.set_by);
  s->bind(5, r.set_at).bind(6, r.created_at);
  return done(*s, "save holder PIN");
}

Result<HolderPinRow> SqliteTx::count_holder_pin_failure(const std::string& holder_id, UnixTime now,
                                                        std::uint64_t lock_after) {
  auto r = one<HolderPinRow>(
      std::string("UPDATE holder_pins SET failures = failures + 1, last_failure_at = ?2,"
                  " locked_at = CASE WHEN locked_at = 0 AND failures + 1 >= ?3 THEN ?2"
                  " ELSE locked_at END WHERE holder_id = ?1 RETURNING ") +
          kHolderPinColumns,
      [&](Stmt& s) {
        s.bind(1, holder_id).bind(2, now).bind(3, static_cast<std::int64_t>(lock_after));
      },
      pin_from);
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::not_found, "no PIN for holder " + holder_id);
  return **r;
}

Result<void> SqliteTx::clear_holder_pin_failures(const std::string& holder_id) {
  auto s = prepare(
      "UPDATE holder_pins SET failures = 0, last_failure_at = 0 WHERE holder_id = ?1"
      " AND locked_at = 0");
  if (!s) return std::unexpected(s.error());
  s->bind(1, holder_id);
  return done(*s, "clear holder PIN failures");
}

Result<std::optional<ActiveHolderSession>> SqliteTx::find_active_holder_session(ByteView token_hash,
                                                                                UnixTime now) {
  return one<ActiveHolderSession>(
      "SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, s.revoked_at, p.holder_id"
      " FROM sessions s JOIN holder_pins p ON p.user_id = s.user_id"
      " WHERE s.token_hash = ?1 AND s.revoked_at = 0 AND s.expires_at > ?2 AND p.locked_at = 0",
      [&](Stmt& s) { s.bind(1, token_hash).bind(2, now); },
      [](const Stmt& s) {
        return ActiveHolderSession{SessionRow{s.blob(0), s.text(1), s.i64(2), s.i64(3), s.i64(4)},
                                   s.text(5)};
      });
}

}  // namespace sdc::registry::sqlite
