// PostgresTx's NotificationTx: the outbox, on PostgreSQL.
#include <algorithm>
#include <tuple>

#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

NotificationRow notification_from(const Rows& r, int i) {
  NotificationRow n;
  n.id = r.text(i, 0);
  n.holder_id = r.text(i, 1);
  n.kind = r.text(i, 2);
  n.subject_id = r.text(i, 3);
  n.dedupe_key = r.text(i, 4);
  n.payload = r.text(i, 5);
  n.due_at = r.i64(i, 6);
  n.state = r.text(i, 7);
  n.attempts = static_cast<int>(r.i64(i, 8));
  n.next_attempt_at = r.i64(i, 9);
  n.sent_at = r.i64(i, 10);
  n.created_at = r.i64(i, 11);
  return n;
}

}  // namespace

Result<bool> PostgresTx::insert_notification(const NotificationRow& r) {
  auto rows = exec(std::string("INSERT INTO notifications (") + kNotificationColumns +
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                       " ON CONFLICT (dedupe_key) DO NOTHING",
                   Params()
                       .text(r.id)
                       .text(r.holder_id)
                       .text(r.kind)
                       .text(r.subject_id)
                       .text(r.dedupe_key)
                       .text(r.payload)
                       .i64(r.due_at)
                       .text(r.state)
                       .i64(r.attempts)
                       .i64(r.next_attempt_at)
                       .i64(r.sent_at)
                       .i64(r.created_at));
  if (!rows) return std::unexpected(rows.error());
  return rows->affected() == 1;
}

Result<std::vector<NotificationRow>> PostgresTx::notifications_of_holder(
    const std::string& holder_id) {
  return many<NotificationRow>(std::string("SELECT ") + kNotificationColumns +
                                   " FROM notifications WHERE holder_id = $1"
                                   " ORDER BY created_at, id",
                               Params().text(holder_id), notification_from);
}

}  // namespace sdc::registry::pg

namespace sdc::registry::pg {

// FOR UPDATE SKIP LOCKED: a row another transaction is claiming is passed
// over rather than waited for, and a row is updated by one claim only.
Result<std::vector<NotificationRow>> PostgresTx::claim_due_notifications(UnixTime now,
                                                                         std::size_t limit,
                                                                         UnixTime lease_until) {
  auto rows = many<NotificationRow>(
      std::string("UPDATE notifications SET attempts = attempts + 1, next_attempt_at = $2"
                  " WHERE id IN (SELECT id FROM notifications WHERE state = 'pending'"
                  " AND next_attempt_at <= $1 AND due_at <= $1"
                  " ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING ") +
          kNotificationColumns,
      Params().i64(now).i64(lease_until).i64(static_cast<std::int64_t>(limit)), notification_from);
  if (!rows) return rows;
  std::ranges::sort(*rows, [](const NotificationRow& a, const NotificationRow& b) {
    return std::tie(a.due_at, a.id) < std::tie(b.due_at, b.id);
  });
  return rows;
}

Result<bool> PostgresTx::mark_notification_sent(const std::string& id, UnixTime at) {
  auto rows = exec(
      "UPDATE notifications SET state = 'sent', sent_at = $2 WHERE id = $1 AND state = "
      "'pending'",
      Params().text(id).i64(at));
  if (!rows) return std::unexpected(rows.error());
  return rows->affected() == 1;
}

Result<bool> PostgresTx::mark_notification_failed(const std::string& id, int attempts,
                                                  UnixTime next_attempt_at, bool final) {
  auto rows = exec(
      "UPDATE notifications SET attempts = $2, next_attempt_at = $3,"
      " state = CASE WHEN $4 = 1 THEN 'failed' ELSE 'pending' END"
      " WHERE id = $1 AND state = 'pending'",
      Params().text(id).i64(attempts).i64(next_attempt_at).i64(final ? 1 : 0));
  if (!rows) return std::unexpected(rows.error());
  return rows->affected() == 1;
}

}  // namespace sdc::registry::pg
