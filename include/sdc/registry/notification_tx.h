// The notification outbox of a store transaction (schema version 5): what
// the registry has to tell a holder, written in the same transaction as
// the change that calls for it, and sent afterwards. Part of Tx (store.h).
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <string>
#include <vector>

#include "sdc/registry/types.h"
#include "sdc/util/error.h"

namespace sdc::registry {

struct NotificationRow {
  std::string id;
  std::string holder_id;
  std::string kind;        // e.g. "appointment_office_closed"
  std::string subject_id;  // what it is about, e.g. an appointment id
  // Unique: a second notification with the same key is not stored, so
  // that a retried or repeated change never tells a holder twice.
  std::string dedupe_key;
  std::string payload;            // JSON: ids, dates and reasons; never the holder's personal data
  UnixTime due_at = 0;            // not to be sent before
  std::string state = "pending";  // pending, sent, failed
  int attempts = 0;
  UnixTime next_attempt_at = 0;
  UnixTime sent_at = 0;
  UnixTime created_at = 0;

  bool operator==(const NotificationRow&) const = default;
};

class NotificationTx {
 public:
  virtual ~NotificationTx() = default;

  // True if stored, false if one with its dedupe_key already was.
  virtual Result<bool> insert_notification(const NotificationRow& row) = 0;
  // The holder's notifications, oldest first.
  virtual Result<std::vector<NotificationRow>> notifications_of_holder(
      const std::string& holder_id) = 0;

  // The sender's side. A sender claims due rows (state pending, due_at and
  // next_attempt_at <= now), at most `limit`, oldest due first: each is
  // taken by exactly one caller, even with several stores on one database
  // (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the single writer). A
  // claim counts an attempt and moves next_attempt_at to lease_until, so
  // that no other sender takes the row before the lease ends; the returned
  // rows show the new attempts and next_attempt_at.
  virtual Result<std::vector<NotificationRow>> claim_due_notifications(UnixTime now,
                                                                       std::size_t limit,
                                                                       UnixTime lease_until) = 0;
  // After a successful hand-off: state sent, sent_at = at. False if the row
  // is not pending (already sent or given up).
  virtual Result<bool> mark_notification_sent(const std::string& id, UnixTime at) = 0;
  // After a failed hand-off: records the attempts and the next try; `final`
  // gives up (state failed). False if the row is not pending.
  virtual Result<bool> mark_notification_failed(const std::string& id, int attempts,
                                                UnixTime next_attempt_at, bool final) = 0;
};

}  // namespace sdc::registry
