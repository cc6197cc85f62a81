// PostgresTx's ScheduleTx: reporting requirements, appointments and slot
// places, on PostgreSQL. Transactions run at READ COMMITTED: the
// conditional upsert of a slot's places waits for a concurrent writer of the
// same slot and then sees its count, so capacity holds across processes.
#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

ReportingRow reporting_from(const Rows& r, int i) {
  return ReportingRow{r.text(i, 0),
                      r.text(i, 1),
                      static_cast<int>(r.i64(i, 2)),
                      static_cast<int>(r.i64(i, 3)),
                      r.text(i, 4),
                      r.text(i, 5),
                      r.i64(i, 6)};
}

AppointmentRow appointment_from(const Rows& r, int i) {
  AppointmentRow a;
  a.id = r.text(i, 0);
  a.holder_id = r.text(i, 1);
  a.office_id = r.text(i, 2);
  a.starts_at = r.i64(i, 3);
  a.ends_at = r.i64(i, 4);
  a.due_date = r.text(i, 5);
  // The table's CHECK admits only the three states.
  a.state = parse_appointment_state(r.text(i, 6)).value_or(AppointmentState::cancelled);
  a.created_at = r.i64(i, 7);
  a.updated_at = r.i64(i, 8);
  a.updated_by = r.text(i, 9);
  return a;
}

}  // namespace

Result<void> PostgresTx::put_reporting(const ReportingRow& r) {
  return command(std::string("INSERT INTO reporting_requirements (") + kReportingColumns +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (holder_id) DO UPDATE SET"
                     " office_id = $2, cadence_days = $3, window_days = $4, anchor_date = $5,"
                     " set_by = $6, set_at = $7",
                 Params()
                     .text(r.holder_id)
                     .text(r.office_id)
                     .i64(r.cadence_days)
                     .i64(r.window_days)
                     .text(r.anchor_date)
                     .text(r.set_by)
                     .i64(r.set_at));
}

Result<std::optional<ReportingRow>> PostgresTx::get_reporting(const std::string& holder_id) {
  return one<ReportingRow>(std::string("SELECT ") + kReportingColumns +
                               " FROM reporting_requirements WHERE holder_id = $1",
                           Params().text(holder_id), reporting_from);
}

Result<bool> PostgresTx::take_slot_place(const std::string& office_id, UnixTime starts_at,
                                         int capacity) {
  if (capacity < 1) return false;
  auto rows = exec(
      "INSERT INTO slot_places (office_id, starts_at, taken) VALUES ($1, $2, 1)"
      " ON CONFLICT (office_id, starts_at) DO UPDATE SET taken = slot_places.taken + 1"
      " WHERE slot_places.taken < $3 RETURNING taken",
      Params().text(office_id).i64(starts_at).i64(capacity));
  if (!rows) return std::unexpected(rows.error());
  return rows->size() == 1;
}

Result<void> PostgresTx::release_slot_place(const std::string& office_id, UnixTime starts_at) {
  return command(
      "UPDATE slot_places SET taken = taken - 1 WHERE office_id = $1 AND starts_at = $2"
      " AND taken > 0",
      Params().text(office_id).i64(starts_at));
}

Result<std::vector<std::pair<UnixTime, int>>> PostgresTx::taken_places(const std::string& office_id,
                                                                       UnixTime from, UnixTime to) {
  return many<std::pair<UnixTime, int>>(
      "SELECT starts_at, taken FROM slot_places WHERE office_id = $1 AND starts_at >= $2"
      " AND starts_at < $3 AND taken > 0 ORDER BY starts_at",
      Params().text(office_id).i64(from).i64(to), [](const Rows& r, int i) {
        return std::pair<UnixTime, int>{r.i64(i, 0), static_cast<int>(r.i64(i, 1))};
      });
}

Result<void> PostgresTx::insert_appointment(const AppointmentRow& r) {
  return command(std::string("INSERT INTO appointments (") + kAppointmentColumns +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                 Params()
                     .text(r.id)
                     .text(r.holder_id)
                     .text(r.office_id)
                     .i64(r.starts_at)
                     .i64(r.ends_at)
                     .text(r.due_date)
                     .text(to_string(r.state))
                     .i64(r.created_at)
                     .i64(r.updated_at)
                     .text(r.updated_by));
}

Result<void> PostgresTx::update_appointment(const AppointmentRow& r) {
  auto rows = exec(
      "UPDATE appointments SET office_id = $2, starts_at = $3, ends_at = $4, due_date = $5,"
      " state = $6, updated_at = $7, updated_by = $8 WHERE id = $1",
      Params()
          .text(r.id)
          .text(r.office_id)
          .i64(r.starts_at)
          .i64(r.ends_at)
          .text(r.due_date)
          .text(to_string(r.state))
          .i64(r.updated_at)
          .text(r.updated_by));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::not_found, "no appointment with id " + r.id);
  return {};
}

Result<std::optional<AppointmentRow>> PostgresTx::get_appointment(const std::string& id) {
  // Locked: a move or cancel reads, checks and writes the row in one
  // transaction.
  return one<AppointmentRow>(
      std::string("SELECT ") + kAppointmentColumns + " FROM appointments WHERE id = $1 FOR UPDATE",
      Params().text(id), appointment_from);
}

Result<std::vector<AppointmentRow>> PostgresTx::appointments_of_holder(
    const std::string& holder_id) {
  return many<AppointmentRow>(std::string("SELECT ") + kAppointmentColumns +
                                  " FROM appointments WHERE holder_id = $1 ORDER BY starts_at, id",
                              Params().text(holder_id), appointment_from);
}

Result<std::vector<AppointmentRow>> PostgresTx::booked_appointments(const std::string& office_id,
                                                                    UnixTime from, UnixTime to) {
  return many<AppointmentRow>(
      std::string("SELECT ") + kAppointmentColumns +
          " FROM appointments WHERE office_id = $1 AND starts_at >= $2 AND starts_at < $3"
          " AND state = 'booked' ORDER BY starts_at, id FOR UPDATE",
      Params().text(office_id).i64(from).i64(to), appointment_from);
}

}  // namespace sdc::registry::pg
