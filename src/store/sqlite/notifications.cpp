// SqliteTx's NotificationTx: the outbox, on SQLite.
#include <algorithm>
#include <tuple>

#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

NotificationRow notification_from(const Stmt& s) {
  NotificationRow r;
  r.id = s.text(0);
  r.holder_id = s.text(1);
  r.kind = s.text(2);
  r.subject_id = s.text(3);
  r.dedupe_key = s.text(4);
  r.payload = s.text(5);
  r.due_at = s.i64(6);
  r.state = s.text(7);
  r.attempts = static_cast<int>(s.i64(8));
  r.next_attempt_at = s.i64(9);
  r.sent_at = s.i64(10);
  r.created_at = s.i64(11);
  return r;
}

}  // namespace

Result<bool> SqliteTx::insert_notification(const NotificationRow& r) {
  auto s = prepare(std::string("INSERT INTO notifications (") + kNotificationColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                   " ON CONFLICT (dedupe_key) DO NOTHING");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.holder_id).bind(3, r.kind).bind(4, r.subject_id);
  s->bind(5, r.dedupe_key).bind(6, r.payload).bind(7, r.due_at).bind(8, r.state);
  s->bind(9, std::int64_t{r.attempts}).bind(10, r.next_attempt_at).bind(11, r.sent_at);
  s->bind(12, r.created_at);
  if (auto d = done(*s, "insert notification"); !d) return std::unexpected(d.error());
  return sqlite3_changes(db_) == 1;
}

Result<std::vector<NotificationRow>> SqliteTx::notifications_of_holder(
    const std::string& holder_id) {
  return many<NotificationRow>(
      std::string("SELECT ") + kNotificationColumns +
          " FROM notifications WHERE holder_id = ?1 ORDER BY created_at, id",
      [&](Stmt& s) { s.bind(1, holder_id); }, notification_from);
}

}  // namespace sdc::registry::sqlite

namespace sdc::registry::sqlite {

// A write transaction holds the database's only write lock (BEGIN
// IMMEDIATE), so the UPDATE below cannot race another sender.
Result<std::vector<NotificationRow>> SqliteTx::claim_due_notifications(UnixTime now,
                                                                       std::size_t limit,
                                                                       UnixTime lease_until) {
  auto rows = many<NotificationRow>(
      std::string("UPDATE notifications SET attempts = attempts + 1, next_attempt_at = ?2"
                  " WHERE id IN (SELECT id FROM notifications WHERE state = 'pending'"
                  " AND next_attempt_at <= ?1 AND due_at <= ?1"
                  " ORDER BY due_at, id LIMIT ?3) RETURNING ") +
          kNotificationColumns,
      [&](Stmt& s) {
        s.bind(1, now).bind(2, lease_until).bind(3, static_cast<std::int64_t>(limit));
      },
      notification_from);
  if (!rows) return rows;
  std::ranges::sort(*rows, [](const NotificationRow& a, const NotificationRow& b) {
    return std::tie(a.due_at, a.id) < std::tie(b.due_at, b.id);
  });
  return rows;
}

Result<bool> SqliteTx::mark_notification_sent(const std::string& id, UnixTime at) {
  auto s = prepare(
      "UPDATE notifications SET state = 'sent', sent_at = ?2 WHERE id = ?1 AND state = "
      "'pending'");
  if (!s) return std::unexpected(s.error());
  s->bind(1, id).bind(2, at);
  if (auto d = done(*s, "mark notification sent"); !d) return std::unexpected(d.error());
  return sqlite3_changes(db_) == 1;
}

Result<bool> SqliteTx::mark_notification_failed(const std::string& id, int attempts,
                                                UnixTime next_attempt_at, bool final) {
  auto s = prepare(
      "UPDATE notifications SET attempts = ?2, next_attempt_at = ?3,"
      " state = CASE WHEN ?4 = 1 THEN 'failed' ELSE 'pending' END"
      " WHERE id = ?1 AND state = 'pending'");
  if (!s) return std::unexpected(s.error());
  s->bind(1, id).bind(2, std::int64_t{attempts}).bind(3, next_attempt_at);
  s->bind(4, std::int64_t{final ? 1 : 0});
  if (auto d = done(*s, "mark notification failed"); !d) return std::unexpected(d.error());
  return sqlite3_changes(db_) == 1;
}

}  // namespace sdc::registry::sqlite
