#include "sdc/registry/scheduling.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "registry/audited_calls.h"
#include "sdc/util/bytes.h"

namespace sdc::registry {
namespace {

constexpr std::int64_t kDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// "YYYY-MM-DD" → days since 1970-01-01; nullopt unless a real date.
std::optional<std::int64_t> parse_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (d[i] < '0' || d[i] > '9') return std::nullopt;
  int y = 0;
  unsigned m = 0, day = 0;
  std::from_chars(d.data(), d.data() + 4, y);
  std::from_chars(d.data() + 5, d.data() + 7, m);
  std::from_chars(d.data() + 8, d.data() + 10, day);
  if (m < 1 || m > 12 || day < 1 || day > 31) return std::nullopt;
  std::int64_t days = days_from_civil(y, m, day);
  int y2 = 0;
  unsigned m2 = 0, d2 = 0;
  civil_from_days(days, y2, m2, d2);
  if (y2 != y || m2 != m || d2 != day) return std::nullopt;  // e.g. 2026-02-30
  return days;
}

std::string format_date(std::int64_t days) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string format_local(std::int64_t local) {
  std::int64_t day = floor_div(local, kDay);
  std::int64_t minute = (local - day * kDay) / 60;
  char buf[8];
  std::snprintf(buf, sizeof buf, "T%02d:%02d", static_cast<int>(minute / 60),
                static_cast<int>(minute % 60));
  return format_date(day) + buf;
}

// Monday 0 ... Sunday 6 (1970-01-01 was a Thursday).
int weekday(std::int64_t days) {
  return static_cast<int>(((days + 3) % 7 + 7) % 7);
}

std::string new_id(Random& random) {
  Bytes b(12);
  random.fill(b);
  return "ap-" + hex_encode(b);
}

Result<ReportingRow> check_reporting(const ReportingInput& in) {
  std::string problems;
  auto add = [&](const std::string& p) { problems += (problems.empty() ? "" : "\n") + p; };
  if (in.office_id.empty()) add("office_id: required");
  if (in.cadence_days < 1 || in.cadence_days > 365) add("cadence_days: 1 to 365");
  if (in.window_days < 0 || in.window_days > 30)
    add("window_days: 0 to 30");
  else if (in.cadence_days >= 1 && in.window_days * 2 >= in.cadence_days)
    add("window_days: less than half of cadence_days, so that windows never overlap");
  if (!parse_date(in.anchor_date)) add("anchor_date: a date, YYYY-MM-DD");
  if (!problems.empty()) return fail(Errc::invalid_argument, problems);
  ReportingRow r;
  r.office_id = in.office_id;
  r.cadence_days = in.cadence_days;
  r.window_days = in.window_days;
  r.anchor_date = in.anchor_date;
  return r;
}

Result<OfficeRow> office_row(Tx& tx, const std::string& id) {
  auto o = tx.get_office(id);
  if (!o) return std::unexpected(o.error());
  if (!*o) return fail(Errc::not_found, "no office with id " + id);
  return std::move(**o);
}

// The slot of `office` that starts at `starts_at`, or why there is none.
// Checks hours and the wall clock, not closures or places.
Result<Slot> slot_at(const OfficeRow& office, UnixTime starts_at, const TimeZones& zones) {
  auto local = zones.to_local(office.time_zone, starts_at);
  if (!local) return fail(Errc::internal, "office " + office.id + ": unknown time zone");
  const std::int64_t day = floor_div(*local, kDay);
  const std::int64_t second = *local - day * kDay;
  const DayHours& h = office.hours[static_cast<std::size_t>(weekday(day))];
  const std::int64_t minute = second / 60;
  const std::int64_t step = office.slot_minutes;
  if (second % 60 != 0 || !h.open() || minute < h.opens || minute + step > h.closes ||
      (minute - h.opens) % step != 0 || zones.to_utc(office.time_zone, *local) != starts_at)
    return fail(Errc::invalid_argument, "starts_at: not the start of one of the office's slots (" +
                                            format_local(*local) + " office time)");
  Slot s;
  s.starts_at = starts_at;
  s.ends_at = starts_at + step * 60;
  s.local_start = format_local(*local);
  s.utc_offset_minutes = static_cast<int>((*local - starts_at) / 60);
  return s;
}

std::int64_t office_today(const OfficeRow& office, UnixTime now, const TimeZones& zones) {
  auto local = zones.to_local(office.time_zone, now);
  return floor_div(local.value_or(now), kDay);
}

ReportingView view_of(const ReportingRow& r, std::int64_t today) {
  ReportingView v;
  v.requirement = r;
  const std::int64_t anchor = parse_date(r.anchor_date).value_or(0);
  std::int64_t due = anchor;
  if (due + r.window_days < today) {
    const std::int64_t k = (today - r.window_days - anchor + r.cadence_days - 1) / r.cadence_days;
    due = anchor + k * r.cadence_days;
  }
  v.next_due_date = format_date(due);
  v.window_opens = format_date(due - r.window_days);
  v.window_closes = format_date(due + r.window_days);
  return v;
}

// The due date whose window holds local day `day`, if one does.
std::optional<std::int64_t> due_date_for(const ReportingRow& r, std::int64_t day) {
  const std::int64_t anchor = parse_date(r.anchor_date).value_or(0);
  const std::int64_t k = floor_div(day - anchor + r.cadence_days / 2, r.cadence_days);
  if (k < 0) return std::nullopt;
  const std::int64_t due = anchor + k * r.cadence_days;
  if (day < due - r.window_days || day > due + r.window_days) return std::nullopt;
  return due;
}

}  // namespace

Result<ReportingView> Scheduling::set_reporting(const User& by, const std::string& holder_id,
                                                const ReportingInput& in) {
  AuditedCalls calls{store_, batcher_, clock_, true};
  return calls.audited<ReportingView>(
      by, Action::set_reporting, Note{holder_id, "office " + in.office_id},
      [&](Tx& tx, Note&) -> Result<ReportingView> {
        auto row = check_reporting(in);
        if (!row) return std::unexpected(row.error());
        auto holder = tx.get_holder(holder_id);
        if (!holder) return std::unexpected(holder.error());
        if (!*holder) return fail(Errc::not_found, "no holder with id " + holder_id);
        auto office = office_row(tx, in.office_id);
        if (!office) return std::unexpected(office.error());
        row->holder_id = holder_id;
        row->set_by = by.id;
        row->set_at = clock_.now();
        if (auto p = tx.put_reporting(*row); !p) return std::unexpected(p.error());
        return view_of(*row, office_today(*office, clock_.now(), zones_));
      });
}

Result<ReportingView> Scheduling::get_reporting(const User& by, const std::string& holder_id) {
  AuditedCalls calls{store_, batcher_, clock_, true};
  return calls.audited_read<ReportingView>(
      by, Action::read_schedule, Note{holder_id, "reporting requirement"},
      [&](Tx& tx, Note&) -> Result<ReportingView> {
        auto row = tx.get_reporting(holder_id);
        if (!row) return std::unexpected(row.error());
        if (!*row)
          return fail(Errc::not_found, "holder " + holder_id + " has no reporting requirement");
        auto office = office_row(tx, (*row)->office_id);
        if (!office) return std::unexpected(office.error());
        return view_of(**row, office_today(*office, clock_.now(), zones_));
      });
}

Result<std::vector<Slot>> Scheduling::free_slots(const std::string& office_id,
                                                 const std::string& from_date,
                                                 const std::string& to_date) {
  auto from = parse_date(from_date);
  auto to = parse_date(to_date);
  if (!from) return fail(Errc::invalid_argument, "from: a date, YYYY-MM-DD");
  if (!to) return fail(Errc::invalid_argument, "to: a date, YYYY-MM-DD");
  if (*to < *from) return fail(Errc::invalid_argument, "to: not before from");
  if (*to - *from >= kMaxSearchDays)
    return fail(Errc::invalid_argument,
                "to: at most " + std::to_string(kMaxSearchDays) + " days from from");
  const UnixTime now = clock_.now();
  return store_.in_read_transaction<std::vector<Slot>>([&](Tx& tx) -> Result<std::vector<Slot>> {
    auto office = office_row(tx, office_id);
    if (!office) return std::unexpected(office.error());
    auto closed = tx.closures(office_id, from_date, to_date);
    if (!closed) return std::unexpected(closed.error());
    // Every slot of the range on the office's wall clock; a wall-clock time
    // the clock skips has no slot.
    std::vector<Slot> all;
    for (std::int64_t day = *from; day <= *to; ++day) {
      const std::string date = format_date(day);
      if (std::any_of(closed->begin(), closed->end(),
                      [&](const OfficeClosure& c) { return c.date == date; }))
        continue;
      const DayHours& h = office->hours[static_cast<std::size_t>(weekday(day))];
      if (!h.open()) continue;
      for (int m = h.opens; m + office->slot_minutes <= h.closes; m += office->slot_minutes) {
        const std::int64_t local = day * kDay + m * 60;
        auto utc = zones_.to_utc(office->time_zone, local);
        if (!utc || *utc <= now) continue;
        Slot s;
        s.starts_at = *utc;
        s.ends_at = *utc + office->slot_minutes * 60;
        s.local_start = format_local(local);
        s.utc_offset_minutes = static_cast<int>((local - *utc) / 60);
        s.remaining = office->slot_capacity;
        all.push_back(std::move(s));
      }
    }
    std::vector<Slot> out;
    if (all.empty()) return out;
    auto taken = tx.taken_places(office_id, all.front().starts_at, all.back().starts_at + 1);
    if (!taken) return std::unexpected(taken.error());
    std::map<UnixTime, int> by_start(taken->begin(), taken->end());
    for (Slot& s : all) {
      auto it = by_start.find(s.starts_at);
      if (it != by_start.end()) s.remaining -= it->second;
      if (s.remaining > 0) out.push_back(std::move(s));
    }
    return out;
  });
}

namespace {

// Checks that `starts_at` may be booked for the holder of `req` at
// `office` now, and gives the slot and the due date it is for.
struct Bookable {
  Slot slot;
  std::string due_date;
};

Result<Bookable> bookable(Tx& tx, const OfficeRow& office, const ReportingRow& req,
                          UnixTime starts_at, UnixTime now, const TimeZones& zones) {
  if (starts_at <= now) return fail(Errc::invalid_argument, "starts_at: the slot has passed");
  if (starts_at > now + Scheduling::kMaxDaysAhead * kDay)
    return fail(Errc::invalid_argument,
                "starts_at: at most " + std::to_string(Scheduling::kMaxDaysAhead) + " days ahead");
  auto slot = slot_at(office, starts_at, zones);
  if (!slot) return std::unexpected(slot.error());
  const std::string date = slot->local_start.substr(0, 10);
  auto closed = tx.closures(office.id, date, date);
  if (!closed) return std::unexpected(closed.error());
  if (!closed->empty())
    return fail(Errc::invalid_argument,
                "starts_at: the office is closed on " + date + ": " + closed->front().reason);
  auto due = due_date_for(req, *parse_date(date));
  if (!due) {
    ReportingView v = view_of(req, office_today(office, now, zones));
    return fail(Errc::invalid_argument, "starts_at: outside the reporting window (the next is " +
                                            v.window_opens + " to " + v.window_closes + ")");
  }
  return Bookable{std::move(*slot), format_date(*due)};
}

Result<void> changeable(const AppointmentRow& a, UnixTime now) {
  if (a.state != AppointmentState::booked)
    return fail(Errc::conflict, "appointment " + a.id + " is " + to_string(a.state));
  if (a.starts_at - now < Scheduling::kChangeCutoff)
    return fail(Errc::conflict,
                "appointment " + a.id +
                    ": an appointment may be moved or cancelled until 24 hours before it starts");
  return {};
}

// Errc::conflict when the holder has another booked appointment for
// `due_date` than `except_id`.
Result<void> one_per_due_date(Tx& tx, const std::string& holder_id, const std::string& due_date,
                              const std::string& except_id) {
  auto mine = tx.appointments_of_holder(holder_id);
  if (!mine) return std::unexpected(mine.error());
  for (const AppointmentRow& a : *mine)
    if (a.state == AppointmentState::booked && a.due_date == due_date && a.id != except_id)
      return fail(Errc::conflict, "the holder already has appointment " + a.id +
                                      " for the reporting date " + due_date + "; move it instead");
  return {};
}

Result<AppointmentRow> appointment_row(Tx& tx, const std::string& id) {
  auto a = tx.get_appointment(id);
  if (!a) return std::unexpected(a.error());
  if (!*a) return fail(Errc::not_found, "no appointment with id " + id);
  return std::move(**a);
}

Result<ReportingRow> reporting_row(Tx& tx, const std::string& holder_id) {
  auto r = tx.get_reporting(holder_id);
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::not_found, "holder " + holder_id + " has no reporting requirement");
  return std::move(**r);
}

Result<void> take_place(Tx& tx, const OfficeRow& office, const Slot& slot) {
  auto took = tx.take_slot_place(office.id, slot.starts_at, office.slot_capacity);
  if (!took) return std::unexpected(took.error());
  if (!*took)
    return fail(Errc::conflict, "starts_at: the slot at " + slot.local_start + " is full");
  return {};
}

}  // namespace

Result<AppointmentRow> Scheduling::book(const User& by, const std::string& holder_id,
                                        UnixTime starts_at) {
  AuditedCalls calls{store_, batcher_, clock_, true};
  const std::string id = new_id(random_);
  return calls.audited<AppointmentRow>(
      by, Action::book_appointment, Note{holder_id, "appointment " + id + " booked"},
      [&](Tx& tx, Note&) -> Result<AppointmentRow> {
        const UnixTime now = clock_.now();
        auto req = reporting_row(tx, holder_id);
        if (!req) return std::unexpected(req.error());
        auto office = office_row(tx, req->office_id);
        if (!office) return std::unexpected(office.error());
        auto b = bookable(tx, *office, *req, starts_at, now, zones_);
        if (!b) return std::unexpected(b.error());
        if (auto one = one_per_due_date(tx, holder_id, b->due_date, ""); !one)
          return std::unexpected(one.error());
        if (auto t = take_place(tx, *office, b->slot); !t) return std::unexpected(t.error());
        AppointmentRow a;
        a.id = id;
        a.holder_id = holder_id;
        a.office_id = office->id;
        a.starts_at = b->slot.starts_at;
        a.ends_at = b->slot.ends_at;
        a.due_date = b->due_date;
        a.state = AppointmentState::booked;
        a.created_at = a.updated_at = now;
        a.updated_by = by.id;
        if (auto w = tx.insert_appointment(a); !w) return std::unexpected(w.error());
        return a;
      });
}

Result<AppointmentRow> Scheduling::move(const User& by, const std::string& appointment_id,
                                        UnixTime starts_at) {
  AuditedCalls calls{store_, batcher_, clock_, true};
  return calls.audited<AppointmentRow>(
      by, Action::book_appointment, Note{"", "appointment " + appointment_id + " moved"},
      [&](Tx& tx, Note& n) -> Result<AppointmentRow> {
        const UnixTime now = clock_.now();
        auto a = appointment_row(tx, appointment_id);
        if (!a) return std::unexpected(a.error());
        n.holder_id = a->holder_id;
        if (auto c = changeable(*a, now); !c) return std::unexpected(c.error());
        auto req = reporting_row(tx, a->holder_id);
        if (!req) return std::unexpected(req.error());
        auto office = office_row(tx, req->office_id);
        if (!office) return std::unexpected(office.error());
        auto b = bookable(tx, *office, *req, starts_at, now, zones_);
        if (!b) return std::unexpected(b.error());
        if (auto one = one_per_due_date(tx, a->holder_id, b->due_date, a->id); !one)
          return std::unexpected(one.error());
        if (a->office_id == office->id && a->starts_at == b->slot.starts_at)
          return fail(Errc::invalid_argument, "starts_at: the appointment is already at that time");
        if (auto t = take_place(tx, *office, b->slot); !t) return std::unexpected(t.error());
        if (auto r = tx.release_slot_place(a->office_id, a->starts_at); !r)
          return std::unexpected(r.error());
        a->office_id = office->id;
        a->starts_at = b->slot.starts_at;
        a->ends_at = b->slot.ends_at;
        a->due_date = b->due_date;
        a->updated_at = now;
        a->updated_by = by.id;
        if (auto w = tx.update_appointment(*a); !w) return std::unexpected(w.error());
        return *a;
      });
}

Result<AppointmentRow> Scheduling::cancel(const User& by, const std::string& appointment_id) {
  AuditedCalls calls{store_, batcher_, clock_, true};
  return calls.audited<AppointmentRow>(
      by, Action::book_appointment, Note{"", "appointment " + appointment_id + " cancelled"},
      [&](Tx& tx, Note& n) -> Result<AppointmentRow> {
        const UnixTime now = clock_.now();
        auto a = appointment_row(tx, appointment_id);
        if (!a) return std::unexpected(a.error());
        n.holder_id = a->holder_id;
        if (auto c = changeable(*a, now); !c) return std::unexpected(c.error());
        if (auto r = tx.release_slot_place(a->office_id, a->starts_at); !r)
          return std::unexpected(r.error());
        a->state = AppointmentState::cancelled;
        a->updated_at = now;
        a->updated_by = by.id;
        if (auto w = tx.update_appointment(*a); !w) return std::unexpected(w.error());
        return *a;
      });
}

Result<std::vector<AppointmentRow>> Scheduling::appointments(const User& by,
                                                             const std::string& holder_id) {
  AuditedCalls calls{store_, batcher_, clock_, true};
  return calls.audited_read<std::vector<AppointmentRow>>(
      by, Action::read_schedule, Note{holder_id, "appointments"},
      [&](Tx& tx, Note&) -> Result<std::vector<AppointmentRow>> {
        auto holder = tx.get_holder(holder_id);
        if (!holder) return std::unexpected(holder.error());
        if (!*holder) return fail(Errc::not_found, "no holder with id " + holder_id);
        return tx.appointments_of_holder(holder_id);
      });
}

}  // namespace sdc::registry
