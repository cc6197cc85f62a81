// PostgresTx's HolderLoginTx: holders' PINs, failures and lockouts, on PostgreSQL.
#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

HolderPinRow pin_from(const Rows& r, int i) {
  return HolderPinRow{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.u64(i, 3), r.i64(i, 4),
                      r.i64(i, 5),  r.text(i, 6), r.i64(i, 7),  r.i64(i, 8)};
}

}  // namespace

Result<std::optional<HolderPinRow>> PostgresTx::get_holder_pin(const std::string& holder_id) {
  return one<HolderPinRow>(
      std::string("SELECT ") + kHolderPinColumns + " FROM holder_pins WHERE holder_id = $1",
      Params().text(holder_id), pin_from);
}

Result<void> PostgresTx::put_holder_pin(const HolderPinRow& r) {
  return command(std::string("INSERT INTO holder_pins (") + kHolderPinColumns +
                     ") VALUES ($1, $2, $3, 0, 0, 0, $4, $5, $6) ON CONFLICT (holder_id) DO UPDATE"
                     " SET pin_hash = excluded.pin_hash, failures = 0, last_failure_at = 0,"
                     " locked_at = 0, set_by = excluded.set_by, set_at = excluded.set_at",
                 Params()
                     .text(r.holder_id)
                     .text(r.user_id)
                     .text(r.pin_hash)
                     .text(r.set_by)
                     .i64(r.set_at)
                     .i64(r.created_at));
}

Result<HolderPinRow> PostgresTx::count_holder_pin_failure(const std::string& holder_id,
                                                          UnixTime now, std::uint64_t lock_after) {
  auto r = one<HolderPinRow>(
      std::string("UPDATE holder_pins SET failures = failures + 1, last_failure_at = $2,"
                  " locked_at = CASE WHEN locked_at = 0 AND failures + 1 >= $3 THEN $2"
                  " ELSE locked_at END WHERE holder_id = $1 RETURNING ") +
          kHolderPinColumns,
      Params().text(holder_id).i64(now).i64(static_cast<std::int64_t>(lock_after)), pin_from);
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::not_found, "no PIN for holder " + holder_id);
  return **r;
}

Result<void> PostgresTx::clear_holder_pin_failures(const std::string& holder_id) {
  return command(
      "UPDATE holder_pins SET failures = 0, last_failure_at = 0 WHERE holder_id = $1"
      " AND locked_at = 0",
      Params().text(holder_id));
}

Result<std::optional<ActiveHolderSession>> PostgresTx::find_active_holder_session(
    ByteView token_hash, UnixTime now) {
  return one<ActiveHolderSession>(
      "SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, s.revoked_at, p.holder_id"
      " FROM sessions s JOIN holder_pins p ON p.user_id = s.user_id"
      " WHERE s.token_hash = $1 AND s.revoked_at = 0 AND s.expires_at > $2 AND p.locked_at = 0",
      Params().bytes(token_hash).i64(now), [](const Rows& r, int i) {
        return ActiveHolderSession{
            SessionRow{r.bytes(i, 0), r.text(i, 1), r.i64(i, 2), r.i64(i, 3), r.i64(i, 4)},
            r.text(i, 5)};
      });
}

}  // namespace sdc::registry::pg
