// Reminders of appointments and hearings, 7 days and 1 day before, through
// the notification outbox (notification_tx.h). enqueue_due() writes the
// rows a scan finds due; message_for() is what a sender needs to say one:
// the holder's language and contact and the appointment's or hearing's
// date, place and address, read when it is sent. The texts themselves come
// from the message catalogues (i18n) in the notify module. See
// docs/REMINDERS.md.
#pragma once

#include <cstddef>
#include <string>

#include "sdc/registry/audit_batcher.h"
#include "sdc/registry/pii.h"
#include "sdc/registry/store.h"
#include "sdc/util/clock.h"

namespace sdc::registry {

inline constexpr UnixTime kReminderWeek = 7 * 86400;
inline constexpr UnixTime kReminderDay = 86400;

// What one notification says, in the holder's language.
struct ReminderMessage {
  std::string notification_id;
  std::string holder_id;
  std::string language;     // the holder's, e.g. "es"
  std::string contact;      // the holder's contact, free text, decrypted
  std::string holder_name;  // given names and family name, for e-mail
  // The catalogue key without its channel: "reminder.appointment.week",
  // "reminder.appointment.tomorrow", "reminder.hearing.week",
  // "reminder.hearing.tomorrow" or "reminder.appointment.cancelled".
  std::string key;
  UnixTime when = 0;      // UTC
  std::string time_zone;  // of the office or court
  std::string place;      // office or court name
  std::string address;
  std::string reason;  // for a cancellation

  bool operator==(const ReminderMessage&) const = default;
};

// Thread-safe; several processes may run it on one database.
class Reminders {
 public:
  // Everything given must outlive the Reminders.
  Reminders(Store& store, AuditBatcher& batcher, const Clock& clock, Random& random,
            const PiiCipher& cipher)
      : store_(store), batcher_(batcher), clock_(clock), random_(random), cipher_(cipher) {}

  // The actor of the sender's audit records.
  static constexpr const char* kActor = "sdcd-reminders";

  // Writes a reminder for every booked appointment and scheduled hearing
  // (of a known holder) starting within the next 7 days: "week" while it
  // is more than a day away, "tomorrow" once it is a day away or less.
  // The dedupe key is "<appointment|hearing>:<id>:<starts_at>:<7d|1d>", so
  // a repeated scan adds nothing and a moved one gets new reminders. The
  // payload holds ids and times only. Returns how many rows were new.
  Result<std::size_t> enqueue_due();

  // The message of a claimed notification, its holder's record read (and
  // audited as kActor: action "send_reminder"). Errc::not_found when it no
  // longer applies: the appointment was cancelled or moved, the hearing
  // changed, or the holder is gone; the sender then drops it.
  Result<ReminderMessage> message_for(const NotificationRow& row);

 private:
  Store& store_;
  AuditBatcher& batcher_;
  const Clock& clock_;
  Random& random_;
  const PiiCipher& cipher_;
};

}  // namespace sdc::registry
