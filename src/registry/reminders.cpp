#include "sdc/registry/reminders.h"

#include <nlohmann/json.hpp>

#include "sdc/util/bytes.h"

namespace sdc::registry {
namespace {

NotificationRow reminder(Random& random, UnixTime now, const std::string& holder_id,
                         const std::string& what, const std::string& id, UnixTime starts_at,
                         bool week) {
  NotificationRow n;
  Bytes nid(12);
  random.fill(nid);
  n.id = "n-" + hex_encode(nid);
  n.holder_id = holder_id;
  n.kind = what + (week ? "_reminder_7d" : "_reminder_1d");
  n.subject_id = id;
  n.dedupe_key = what + ":" + id + ":" + std::to_string(starts_at) + (week ? ":7d" : ":1d");
  n.payload = nlohmann::json{{what + "_id", id}, {"starts_at", starts_at}}.dump();
  n.due_at = now;
  n.next_attempt_at = now;
  n.created_at = now;
  return n;
}

std::unexpected<Error> gone(const std::string& what) {
  return fail(Errc::not_found, "notification no longer applies: " + what);
}

}  // namespace

Result<std::size_t> Reminders::enqueue_due() {
  const UnixTime now = clock_.now();
  return store_.in_transaction<std::size_t>([&](Tx& tx) -> Result<std::size_t> {
    std::size_t added = 0;
    auto add = [&](const NotificationRow& n) -> Result<void> {
      auto i = tx.insert_notification(n);
      if (!i) return std::unexpected(i.error());
      added += *i ? 1 : 0;
      return {};
    };
    auto offices = tx.list_offices();
    if (!offices) return std::unexpected(offices.error());
    for (const OfficeRow& o : *offices) {
      auto booked = tx.booked_appointments(o.id, now + 1, now + kReminderWeek + 1);
      if (!booked) return std::unexpected(booked.error());
      for (const AppointmentRow& a : *booked) {
        if (a.state != AppointmentState::booked || a.starts_at <= now) continue;
        const bool week = a.starts_at - now > kReminderDay;
        if (auto r =
                add(reminder(random_, now, a.holder_id, "appointment", a.id, a.starts_at, week));
            !r)
          return std::unexpected(r.error());
      }
    }
    auto hearings = tx.scheduled_hearings_between(now + 1, now + kReminderWeek + 1);
    if (!hearings) return std::unexpected(hearings.error());
    for (const HearingRow& h : *hearings) {
      auto holder = tx.find_holder_by_a_number_hash(h.a_number_hash);
      if (!holder) return std::unexpected(holder.error());
      if (!*holder) continue;  // a hearing of someone the registry has not enrolled
      const bool week = h.starts_at - now > kReminderDay;
      if (auto r = add(reminder(random_, now, (*holder)->id, "hearing", h.id, h.starts_at, week));
          !r)
        return std::unexpected(r.error());
    }
    return added;
  });
}

Result<ReminderMessage> Reminders::message_for(const NotificationRow& row) {
  auto payload = nlohmann::json::parse(row.payload, nullptr, false);
  if (payload.is_discarded() || !payload.is_object())
    return fail(Errc::parse, "notification " + row.id + ": payload is not a JSON object");
  auto num = [&](const char* k) -> UnixTime {
    auto it = payload.find(k);
    return it != payload.end() && it->is_number_integer() ? it->get<UnixTime>() : 0;
  };
  auto str = [&](const char* k) -> std::string {
    auto it = payload.find(k);
    return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto m = store_.in_read_transaction<ReminderMessage>([&](Tx& tx) -> Result<ReminderMessage> {
    ReminderMessage out;
    out.notification_id = row.id;
    out.holder_id = row.holder_id;
    out.when = num("starts_at");
    const bool week = row.kind.ends_with("_7d");
    if (row.kind.starts_with("appointment_reminder_") || row.kind == "appointment_office_closed") {
      auto a = tx.get_appointment(row.subject_id);
      if (!a) return std::unexpected(a.error());
      if (!*a) return gone("appointment");
      if (row.kind == "appointment_office_closed") {
        out.key = "reminder.appointment.cancelled";
        out.reason = str("reason");
      } else {
        if ((*a)->state != AppointmentState::booked || (*a)->starts_at != out.when)
          return gone("appointment changed");
        out.key = week ? "reminder.appointment.week" : "reminder.appointment.tomorrow";
      }
      auto o = tx.get_office((*a)->office_id);
      if (!o) return std::unexpected(o.error());
      if (!*o) return gone("office");
      out.place = (*o)->name;
      out.address = (*o)->address;
      out.time_zone = (*o)->time_zone;
    } else if (row.kind.starts_with("hearing_reminder_")) {
      auto hs = tx.scheduled_hearings_between(out.when, out.when + 1);
      if (!hs) return std::unexpected(hs.error());
      const HearingRow* h = nullptr;
      for (const HearingRow& x : *hs)
        if (x.id == row.subject_id) h = &x;
      if (!h) return gone("hearing changed");
      out.key = week ? "reminder.hearing.week" : "reminder.hearing.tomorrow";
      out.place = h->court_name;
      out.address = h->court_address;
      out.time_zone = h->time_zone;
    } else {
      return fail(Errc::invalid_argument, "notification " + row.id + ": unknown kind");
    }
    auto holder = tx.get_holder(row.holder_id);
    if (!holder) return std::unexpected(holder.error());
    if (!*holder) return gone("holder");
    out.language = (*holder)->language;
    auto identity = cipher_.open((*holder)->sealed_identity, (*holder)->id, "identity");
    if (!identity) return std::unexpected(identity.error());
    auto j = nlohmann::json::parse(as_chars(*identity), nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return fail(Errc::parse, "holder " + row.holder_id + ": sealed identity is not readable");
    auto field = [&j](const char* k) {
      auto it = j.find(k);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    out.contact = field("contact");
    out.holder_name = field("given_names");
    const std::string family = field("family_name");
    if (!family.empty()) out.holder_name += (out.holder_name.empty() ? "" : " ") + family;
    return out;
  });
  if (!m) return m;
  AuditEvent e;
  e.at = clock_.now();
  e.actor = kActor;
  e.role = "system";
  e.action = "send_reminder";
  e.holder_id = row.holder_id;
  e.outcome = "ok";
  e.detail = "notification " + row.id + " (" + row.kind + ")";
  if (auto a = batcher_.record(std::move(e)); !a) return std::unexpected(a.error());
  return m;
}

}  // namespace sdc::registry
