// SqliteTx's ScheduleTx: reporting requirements, appointments and slot
// places, on SQLite. Writers take turns on one connection, so the
// conditional update of a slot's places is also what PostgreSQL relies on.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

ReportingRow reporting_from(const Stmt& s) {
  return ReportingRow{
      s.text(0), s.text(1), static_cast<int>(s.i64(2)), static_cast<int>(s.i64(3)), s.text(4),
      s.text(5), s.i64(6)};
}

AppointmentRow appointment_from(const Stmt& s) {
  AppointmentRow r;
  r.id = s.text(0);
  r.holder_id = s.text(1);
  r.office_id = s.text(2);
  r.starts_at = s.i64(3);
  r.ends_at = s.i64(4);
  r.due_date = s.text(5);
  // The table's CHECK admits only the three states.
  r.state = parse_appointment_state(s.text(6)).value_or(AppointmentState::cancelled);
  r.created_at = s.i64(7);
  r.updated_at = s.i64(8);
  r.updated_by = s.text(9);
  return r;
}

}  // namespace

Result<void> SqliteTx::put_reporting(const ReportingRow& r) {
  auto s = prepare(std::string("INSERT INTO reporting_requirements (") + kReportingColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (holder_id) DO UPDATE SET"
                   " office_id = ?2, cadence_days = ?3, window_days = ?4, anchor_date = ?5,"
                   " set_by = ?6, set_at = ?7");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.holder_id).bind(2, r.office_id).bind(3, std::int64_t{r.cadence_days});
  s->bind(4, std::int64_t{r.window_days}).bind(5, r.anchor_date).bind(6, r.set_by);
  s->bind(7, r.set_at);
  return done(*s, "put reporting requirement");
}

Result<std::optional<ReportingRow>> SqliteTx::get_reporting(const std::string& holder_id) {
  return one<ReportingRow>(
      std::string("SELECT ") + kReportingColumns +
          " FROM reporting_requirements WHERE holder_id = ?1",
      [&](Stmt& s) { s.bind(1, holder_id); }, reporting_from);
}

Result<bool> SqliteTx::take_slot_place(const std::string& office_id, UnixTime starts_at,
                                       int capacity) {
  if (capacity < 1) return false;
  auto taken = one<std::int64_t>(
      "INSERT INTO slot_places (office_id, starts_at, taken) VALUES (?1, ?2, 1)"
      " ON CONFLICT (office_id, starts_at) DO UPDATE SET taken = taken + 1"
      " WHERE slot_places.taken < ?3 RETURNING taken",
      [&](Stmt& s) { s.bind(1, office_id).bind(2, starts_at).bind(3, std::int64_t{capacity}); },
      [](const Stmt& s) { return s.i64(0); });
  if (!taken) return std::unexpected(taken.error());
  return taken->has_value();
}

Result<void> SqliteTx::release_slot_place(const std::string& office_id, UnixTime starts_at) {
  auto s = prepare(
      "UPDATE slot_places SET taken = taken - 1 WHERE office_id = ?1 AND starts_at = ?2"
      " AND taken > 0");
  if (!s) return std::unexpected(s.error());
  s->bind(1, office_id).bind(2, starts_at);
  return done(*s, "release slot place");
}

Result<std::vector<std::pair<UnixTime, int>>> SqliteTx::taken_places(const std::string& office_id,
                                                                     UnixTime from, UnixTime to) {
  return many<std::pair<UnixTime, int>>(
      "SELECT starts_at, taken FROM slot_places WHERE office_id = ?1 AND starts_at >= ?2"
      " AND starts_at < ?3 AND taken > 0 ORDER BY starts_at",
      [&](Stmt& s) { s.bind(1, office_id).bind(2, from).bind(3, to); },
      [](const Stmt& s) {
        return std::pair<UnixTime, int>{s.i64(0), static_cast<int>(s.i64(1))};
      });
}

Result<void> SqliteTx::insert_appointment(const AppointmentRow& r) {
  auto s = prepare(std::string("INSERT INTO appointments (") + kAppointmentColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.holder_id).bind(3, r.office_id).bind(4, r.starts_at);
  s->bind(5, r.ends_at).bind(6, r.due_date).bind(7, std::string_view(to_string(r.state)));
  s->bind(8, r.created_at).bind(9, r.updated_at).bind(10, r.updated_by);
  return done(*s, "insert appointment");
}

Result<void> SqliteTx::update_appointment(const AppointmentRow& r) {
  auto s = prepare(
      "UPDATE appointments SET office_id = ?2, starts_at = ?3, ends_at = ?4, due_date = ?5,"
      " state = ?6, updated_at = ?7, updated_by = ?8 WHERE id = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.office_id).bind(3, r.starts_at).bind(4, r.ends_at);
  s->bind(5, r.due_date).bind(6, std::string_view(to_string(r.state))).bind(7, r.updated_at);
  s->bind(8, r.updated_by);
  if (auto d = done(*s, "update appointment"); !d) return d;
  if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no appointment with id " + r.id);
  return {};
}

Result<std::optional<AppointmentRow>> SqliteTx::get_appointment(const std::string& id) {
  return one<AppointmentRow>(
      std::string("SELECT ") + kAppointmentColumns + " FROM appointments WHERE id = ?1",
      [&](Stmt& s) { s.bind(1, id); }, appointment_from);
}

Result<std::vector<AppointmentRow>> SqliteTx::appointments_of_holder(const std::string& holder_id) {
  return many<AppointmentRow>(
      std::string("SELECT ") + kAppointmentColumns +
          " FROM appointments WHERE holder_id = ?1 ORDER BY starts_at, id",
      [&](Stmt& s) { s.bind(1, holder_id); }, appointment_from);
}

Result<std::vector<AppointmentRow>> SqliteTx::booked_appointments(const std::string& office_id,
                                                                  UnixTime from, UnixTime to) {
  return many<AppointmentRow>(
      std::string("SELECT ") + kAppointmentColumns +
          " FROM appointments WHERE office_id = ?1 AND starts_at >= ?2 AND starts_at < ?3"
          " AND state = 'booked' ORDER BY starts_at, id",
      [&](Stmt& s) { s.bind(1, office_id).bind(2, from).bind(3, to); }, appointment_from);
}

}  // namespace sdc::registry::sqlite
