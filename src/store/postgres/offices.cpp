// PostgresTx's OfficeTx: offices, on PostgreSQL.
#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

// Hours that do not parse (written by something else than the registry)
// read as closed every day: the office offers no slot rather than wrong ones.
OfficeRow office_from(const Rows& r, int i) {
  OfficeRow o{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3),
              r.text(i, 4), r.i64(i, 5),  r.i64(i, 6)};
  if (auto h = parse_week_hours(r.text(i, 7))) o.hours = *h;
  o.slot_minutes = static_cast<int>(r.i64(i, 8));
  o.slot_capacity = static_cast<int>(r.i64(i, 9));
  return o;
}

OfficeClosure closure_from(const Rows& r, int i) {
  return OfficeClosure{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.i64(i, 3)};
}

}  // namespace

Result<void> PostgresTx::insert_office(const OfficeRow& r) {
  auto rows = exec(std::string("INSERT INTO offices (") + kOfficeColumns +
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
                   Params()
                       .text(r.id)
                       .text(r.name)
                       .text(r.address)
                       .text(r.time_zone)
                       .text(r.phone)
                       .i64(r.created_at)
                       .i64(r.updated_at)
                       .text(format_week_hours(r.hours))
                       .i64(r.slot_minutes)
                       .i64(r.slot_capacity));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::conflict, "name: an office has this name");
  return {};
}

Result<void> PostgresTx::update_office(const OfficeRow& r) {
  auto taken =
      exec("SELECT 1 FROM offices WHERE name = $1 AND id <> $2", Params().text(r.name).text(r.id));
  if (!taken) return std::unexpected(taken.error());
  if (taken->size() > 0) return fail(Errc::conflict, "name: an office has this name");
  auto rows = exec(
      "UPDATE offices SET name = $2, address = $3, time_zone = $4, phone = $5, updated_at = $6,"
      " hours = $7, slot_minutes = $8, slot_capacity = $9 WHERE id = $1",
      Params()
          .text(r.id)
          .text(r.name)
          .text(r.address)
          .text(r.time_zone)
          .text(r.phone)
          .i64(r.updated_at)
          .text(format_week_hours(r.hours))
          .i64(r.slot_minutes)
          .i64(r.slot_capacity));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::not_found, "no office with id " + r.id);
  return {};
}

Result<std::optional<OfficeRow>> PostgresTx::get_office(const std::string& id) {
  return one<OfficeRow>(std::string("SELECT ") + kOfficeColumns + " FROM offices WHERE id = $1",
                        Params().text(id), office_from);
}

Result<std::vector<OfficeRow>> PostgresTx::list_offices() {
  return many<OfficeRow>(
      std::string("SELECT ") + kOfficeColumns + " FROM offices ORDER BY name, id", Params(),
      office_from);
}

Result<void> PostgresTx::delete_office(const std::string& id) {
  // The office row first, locked, so that no requirement or appointment
  // naming it can commit between the check and the delete.
  auto locked = exec("SELECT 1 FROM offices WHERE id = $1 FOR UPDATE", Params().text(id));
  if (!locked) return std::unexpected(locked.error());
  if (locked->size() == 0) return fail(Errc::not_found, "no office with id " + id);
  auto used = exec(
      "SELECT 1 WHERE EXISTS (SELECT 1 FROM reporting_requirements WHERE office_id = $1)"
      " OR EXISTS (SELECT 1 FROM appointments WHERE office_id = $1)",
      Params().text(id));
  if (!used) return std::unexpected(used.error());
  if (used->size() > 0)
    return fail(Errc::conflict,
                "office " + id + " is named by reporting requirements or appointments");
  for (const char* sql : {"DELETE FROM office_closures WHERE office_id = $1",
                          "DELETE FROM slot_places WHERE office_id = $1"})
    if (auto c = exec(sql, Params().text(id)); !c) return std::unexpected(c.error());
  auto rows = exec("DELETE FROM offices WHERE id = $1", Params().text(id));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::not_found, "no office with id " + id);
  return {};
}

Result<void> PostgresTx::insert_closure(const OfficeClosure& c) {
  auto rows = exec(std::string("INSERT INTO office_closures (") + kClosureColumns +
                       ") VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                   Params().text(c.office_id).text(c.date).text(c.reason).i64(c.created_at));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1)
    return fail(Errc::conflict, "date: the office is already closed on " + c.date);
  return {};
}

Result<void> PostgresTx::delete_closure(const std::string& office_id, const std::string& date) {
  auto rows = exec("DELETE FROM office_closures WHERE office_id = $1 AND date = $2",
                   Params().text(office_id).text(date));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::not_found, "the office is not closed on " + date);
  return {};
}

Result<std::vector<OfficeClosure>> PostgresTx::closures(const std::string& office_id,
                                                        const std::string& from_date,
                                                        const std::string& to_date) {
  return many<OfficeClosure>(
      std::string("SELECT ") + kClosureColumns +
          " FROM office_closures WHERE office_id = $1 AND date >= $2 AND date <= $3 ORDER BY date",
      Params().text(office_id).text(from_date).text(to_date), closure_from);
}

}  // namespace sdc::registry::pg
