// PostgresTx's OfficeTx: offices, on PostgreSQL.
#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

OfficeRow office_from(const Rows& r, int i) {
  return OfficeRow{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3),
                   r.text(i, 4), r.i64(i, 5),  r.i64(i, 6)};
}

}  // namespace

Result<void> PostgresTx::insert_office(const OfficeRow& r) {
  auto rows = exec(std::string("INSERT INTO offices (") + kOfficeColumns +
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                   Params()
                       .text(r.id)
                       .text(r.name)
                       .text(r.address)
                       .text(r.time_zone)
                       .text(r.phone)
                       .i64(r.created_at)
                       .i64(r.updated_at));
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
      "UPDATE offices SET name = $2, address = $3, time_zone = $4, phone = $5, updated_at = $6"
      " WHERE id = $1",
      Params()
          .text(r.id)
          .text(r.name)
          .text(r.address)
          .text(r.time_zone)
          .text(r.phone)
          .i64(r.updated_at));
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
  auto rows = exec("DELETE FROM offices WHERE id = $1", Params().text(id));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::not_found, "no office with id " + id);
  return {};
}

}  // namespace sdc::registry::pg
