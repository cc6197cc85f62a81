#include "sdc/registry/offices.h"

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "sdc/registry/admin_audit.h"
#include "sdc/registry/audit.h"
#include "sdc/util/bytes.h"

namespace sdc::registry {

namespace {

bool valid_phone(const std::string& s) {
  if (s.size() > 40) return false;
  for (char c : s)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '+' || c == '-' ||
          c == '(' || c == ')' || c == '.'))
      return false;
  return true;
}

bool printable(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

Result<void> check_office(const OfficeInput& in, const TimeZones& zones) {
  std::string problems;  // a line per bad field
  auto add = [&](const std::string& p) { problems += (problems.empty() ? "" : "\n") + p; };
  if (in.name.empty() || in.name.size() > 200 || !printable(in.name))
    add("name: 1 to 200 printable characters");
  if (in.address.size() > 500 || !printable(in.address))
    add("address: up to 500 printable characters");
  if (!zones.known(in.time_zone))
    add("time_zone: not a known IANA time zone name (e.g. America/Chicago)");
  if (!valid_phone(in.phone)) add("phone: up to 40 digits, spaces and + - ( ) .");
  const bool slot_ok = in.slot_minutes >= 5 && in.slot_minutes <= 240;
  if (!slot_ok) add("slot_minutes: 5 to 240");
  if (in.slot_capacity < 1 || in.slot_capacity > 1000) add("slot_capacity: 1 to 1000");
  for (std::size_t d = 0; d < in.hours.size(); ++d) {
    const DayHours& h = in.hours[d];
    if (!h.open()) continue;
    if (h.opens >= h.closes || h.closes > 24 * 60)
      add(std::string("hours.") + kWeekdayNames[d] + ": must open before it closes");
    else if (slot_ok && h.closes - h.opens < in.slot_minutes)
      add(std::string("hours.") + kWeekdayNames[d] + ": shorter than one slot");
  }
  if (!problems.empty()) return fail(Errc::invalid_argument, problems);
  return {};
}

Result<void> Offices::authorize(const User& by, AdminAction action, const std::string& office_id) {
  return authorize_admin(store_, by, action, office_id.empty() ? "" : "office " + office_id,
                         clock_.now());
}

Result<OfficeRow> Offices::create(const OfficeInput& in, const User* by) {
  if (!by) return insert(in, nullptr);
  if (auto ok = authorize_admin(store_, *by, AdminAction::create_office, "", clock_.now()); !ok)
    return std::unexpected(ok.error());
  auto made = insert(in, by);
  if (!made)
    return std::unexpected(audit_admin_failure(store_, *by, AdminAction::create_office,
                                               made.error(), "", clock_.now()));
  return made;
}

Result<OfficeRow> Offices::insert(const OfficeInput& in, const User* by) {
  if (auto c = check_office(in, zones_); !c) return std::unexpected(c.error());
  const UnixTime now = clock_.now();
  Bytes id(8);
  random_.fill(id);
  OfficeRow row{"o-" + hex_encode(id), in.name, in.address, in.time_zone, in.phone, now, now};
  row.hours = in.hours;
  row.slot_minutes = in.slot_minutes;
  row.slot_capacity = in.slot_capacity;
  auto w = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_office(row); !r) return std::unexpected(r.error());
    if (by)
      if (auto a = audit_admin_change(tx, *by, AdminAction::create_office, "office " + row.id, now);
          !a)
        return std::unexpected(a.error());
    return true;
  });
  if (!w) return std::unexpected(w.error());
  return row;
}

Result<std::vector<OfficeRow>> Offices::list() {
  return store_.in_read_transaction<std::vector<OfficeRow>>(
      [](Tx& tx) { return tx.list_offices(); });
}

Result<OfficeRow> Offices::get(const std::string& id) {
  auto row = store_.in_read_transaction<std::optional<OfficeRow>>(
      [&](Tx& tx) { return tx.get_office(id); });
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, "no office with id " + id);
  return std::move(**row);
}

Result<OfficeRow> Offices::update(const std::string& id, const OfficeChange& change,
                                  const User& by) {
  const std::string detail = "office " + id;
  if (auto ok = authorize_admin(store_, by, AdminAction::update_office, detail, clock_.now()); !ok)
    return std::unexpected(ok.error());
  auto r = apply(id, change, by);
  if (!r)
    return std::unexpected(audit_admin_failure(store_, by, AdminAction::update_office, r.error(),
                                               detail, clock_.now()));
  return r;
}

Result<OfficeRow> Offices::apply(const std::string& id, const OfficeChange& change,
                                 const User& by) {
  const UnixTime now = clock_.now();
  std::string fields;
  auto apply = [&](const auto& given, auto& field, const char* name) {
    if (!given) return;
    field = *given;
    fields += fields.empty() ? ": " : ", ";
    fields += name;
  };
  return store_.in_transaction<OfficeRow>([&](Tx& tx) -> Result<OfficeRow> {
    fields.clear();  // a retry starts afresh
    auto current = tx.get_office(id);
    if (!current) return std::unexpected(current.error());
    if (!*current) return fail(Errc::not_found, "no office with id " + id);
    OfficeRow row = **current;
    OfficeInput in{row.name,  row.address,      row.time_zone,    row.phone,
                   row.hours, row.slot_minutes, row.slot_capacity};
    apply(change.name, in.name, "name");
    apply(change.address, in.address, "address");
    apply(change.time_zone, in.time_zone, "time_zone");
    apply(change.phone, in.phone, "phone");
    apply(change.hours, in.hours, "hours");
    apply(change.slot_minutes, in.slot_minutes, "slot_minutes");
    apply(change.slot_capacity, in.slot_capacity, "slot_capacity");
    if (auto c = check_office(in, zones_); !c) return std::unexpected(c.error());
    row.name = in.name;
    row.address = in.address;
    row.time_zone = in.time_zone;
    row.phone = in.phone;
    row.hours = in.hours;
    row.slot_minutes = in.slot_minutes;
    row.slot_capacity = in.slot_capacity;
    row.updated_at = now;
    if (auto r = tx.update_office(row); !r) return std::unexpected(r.error());
    if (auto a =
            audit_admin_change(tx, by, AdminAction::update_office, "office " + id + fields, now);
        !a)
      return std::unexpected(a.error());
    return row;
  });
}

Result<void> Offices::remove(const std::string& id, const User& by) {
  const std::string detail = "office " + id;
  const UnixTime now = clock_.now();
  if (auto ok = authorize_admin(store_, by, AdminAction::delete_office, detail, now); !ok)
    return ok;
  auto done = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.delete_office(id); !r) return std::unexpected(r.error());
    if (auto a = audit_admin_change(tx, by, AdminAction::delete_office, "office " + id, now); !a)
      return std::unexpected(a.error());
    return true;
  });
  if (!done)
    return std::unexpected(
        audit_admin_failure(store_, by, AdminAction::delete_office, done.error(), detail, now));
  return {};
}

namespace {

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (d[i] < '0' || d[i] > '9') return false;
  int y = 0;
  unsigned m = 0, day = 0;
  std::from_chars(d.data(), d.data() + 4, y);
  std::from_chars(d.data() + 5, d.data() + 7, m);
  std::from_chars(d.data() + 8, d.data() + 10, day);
  if (m < 1 || m > 12 || day < 1) return false;
  int y2 = 0;
  unsigned m2 = 0, d2 = 0;
  civil_from_days(days_from_civil(y, m, day), y2, m2, d2);
  return y2 == y && m2 == m && d2 == day;
}

std::string local_date(const TimeZones& zones, const std::string& zone, UnixTime t) {
  std::int64_t local = zones.to_local(zone, t).value_or(t);
  std::int64_t day = local / 86400 - (local % 86400 < 0 ? 1 : 0);
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(day, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

}  // namespace

Result<ClosureResult> Offices::close_day(const std::string& id, const std::string& date,
                                         const std::string& reason, const User& by) {
  const std::string detail = "office " + id + " " + date;
  if (auto ok = authorize_admin(store_, by, AdminAction::close_office_day, detail, clock_.now());
      !ok)
    return std::unexpected(ok.error());
  auto r = close(id, date, reason, by);
  if (!r)
    return std::unexpected(audit_admin_failure(store_, by, AdminAction::close_office_day, r.error(),
                                               detail, clock_.now()));
  return r;
}

Result<ClosureResult> Offices::close(const std::string& id, const std::string& date,
                                     const std::string& reason, const User& by) {
  std::string problems;
  if (!valid_date(date)) problems = "date: a date, YYYY-MM-DD";
  if (reason.empty() || reason.size() > 200 || !printable(reason))
    problems += std::string(problems.empty() ? "" : "\n") +
                "reason: 1 to 200 printable characters (holders are shown it)";
  if (!problems.empty()) return fail(Errc::invalid_argument, problems);
  const UnixTime now = clock_.now();
  return store_.in_transaction<ClosureResult>([&](Tx& tx) -> Result<ClosureResult> {
    auto office = tx.get_office(id);
    if (!office) return std::unexpected(office.error());
    if (!*office) return fail(Errc::not_found, "no office with id " + id);
    ClosureResult out;
    out.closure = OfficeClosure{id, date, reason, now};
    if (auto c = tx.insert_closure(out.closure); !c) return std::unexpected(c.error());
    // The local day lies within 14 hours of the same UTC day either side.
    int y = 0;
    unsigned m = 0, d = 0;
    std::from_chars(date.data(), date.data() + 4, y);
    std::from_chars(date.data() + 5, date.data() + 7, m);
    std::from_chars(date.data() + 8, date.data() + 10, d);
    const UnixTime day_start = days_from_civil(y, m, d) * 86400;
    auto booked = tx.booked_appointments(id, day_start - 14 * 3600, day_start + 38 * 3600);
    if (!booked) return std::unexpected(booked.error());
    std::vector<AuditEvent> events;
    for (AppointmentRow a : *booked) {
      if (local_date(zones_, (*office)->time_zone, a.starts_at) != date) continue;
      a.state = AppointmentState::office_closed;
      a.updated_at = now;
      a.updated_by = by.id;
      if (auto u = tx.update_appointment(a); !u) return std::unexpected(u.error());
      if (auto p = tx.release_slot_place(a.office_id, a.starts_at); !p)
        return std::unexpected(p.error());
      NotificationRow n;
      Bytes nid(12);
      random_.fill(nid);
      n.id = "n-" + hex_encode(nid);
      n.holder_id = a.holder_id;
      n.kind = "appointment_office_closed";
      n.subject_id = a.id;
      n.dedupe_key = "appointment_office_closed:" + a.id;
      n.payload = nlohmann::json{
          {"appointment_id", a.id},
          {"office_id", id},
          {"date", date},
          {"starts_at", a.starts_at},
          {"reason",
           reason}}.dump();
      n.due_at = now;
      n.next_attempt_at = now;
      n.created_at = now;
      if (auto i = tx.insert_notification(n); !i) return std::unexpected(i.error());
      AuditEvent e;
      e.at = now;
      e.actor = by.id;
      e.role = to_string(by.role);
      e.action = to_string(AdminAction::close_office_day);
      e.holder_id = a.holder_id;
      e.outcome = "ok";
      e.detail = "appointment " + a.id + " cancelled: office " + id + " closed on " + date;
      events.push_back(std::move(e));
      ++out.appointments_cancelled;
    }
    AuditEvent e;
    e.at = now;
    e.actor = by.id;
    e.role = to_string(by.role);
    e.action = to_string(AdminAction::close_office_day);
    e.outcome = "ok";
    e.detail = "office " + id + " " + date + ": " + std::to_string(out.appointments_cancelled) +
               " appointments cancelled";
    events.insert(events.begin(), std::move(e));
    if (auto a = append_audit_events(tx, events); !a) return std::unexpected(a.error());
    return out;
  });
}

Result<void> Offices::reopen_day(const std::string& id, const std::string& date, const User& by) {
  const std::string detail = "office " + id + " " + date;
  const UnixTime now = clock_.now();
  if (auto ok = authorize_admin(store_, by, AdminAction::reopen_office_day, detail, now); !ok)
    return ok;
  auto done = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (!valid_date(date)) return fail(Errc::invalid_argument, "date: a date, YYYY-MM-DD");
    if (auto r = tx.delete_closure(id, date); !r) return std::unexpected(r.error());
    if (auto a = audit_admin_change(tx, by, AdminAction::reopen_office_day, detail, now); !a)
      return std::unexpected(a.error());
    return true;
  });
  if (!done)
    return std::unexpected(
        audit_admin_failure(store_, by, AdminAction::reopen_office_day, done.error(), detail, now));
  return {};
}

Result<std::vector<OfficeClosure>> Offices::closures(const std::string& id) {
  return store_.in_read_transaction<std::vector<OfficeClosure>>(
      [&](Tx& tx) -> Result<std::vector<OfficeClosure>> {
        auto office = tx.get_office(id);
        if (!office) return std::unexpected(office.error());
        if (!*office) return fail(Errc::not_found, "no office with id " + id);
        return tx.closures(id, local_date(zones_, (*office)->time_zone, clock_.now()),
                           "9999-12-31");
      });
}

}  // namespace sdc::registry
