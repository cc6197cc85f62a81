// SqliteTx's OfficeTx: offices, on SQLite.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

OfficeRow office_from(const Stmt& s) {
  return OfficeRow{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.i64(5), s.i64(6)};
}

}  // namespace

Result<void> SqliteTx::insert_office(const OfficeRow& r) {
  auto s = prepare(std::string("INSERT INTO offices (") + kOfficeColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.name).bind(3, r.address).bind(4, r.time_zone).bind(5, r.phone);
  s->bind(6, r.created_at).bind(7, r.updated_at);
  if (auto d = done(*s, "insert office"); !d) return d;
  if (sqlite3_changes(db_) != 1) return fail(Errc::conflict, "name: an office has this name");
  return {};
}

Result<void> SqliteTx::update_office(const OfficeRow& r) {
  auto taken = one<bool>(
      "SELECT 1 FROM offices WHERE name = ?1 AND id <> ?2",
      [&](Stmt& s) { s.bind(1, r.name).bind(2, r.id); }, [](const Stmt&) { return true; });
  if (!taken) return std::unexpected(taken.error());
  if (*taken) return fail(Errc::conflict, "name: an office has this name");
  auto s = prepare(
      "UPDATE offices SET name = ?2, address = ?3, time_zone = ?4, phone = ?5, updated_at = ?6"
      " WHERE id = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.name).bind(3, r.address).bind(4, r.time_zone).bind(5, r.phone);
  s->bind(6, r.updated_at);
  if (auto d = done(*s, "update office"); !d) return d;
  if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no office with id " + r.id);
  return {};
}

Result<std::optional<OfficeRow>> SqliteTx::get_office(const std::string& id) {
  return one<OfficeRow>(
      std::string("SELECT ") + kOfficeColumns + " FROM offices WHERE id = ?1",
      [&](Stmt& s) { s.bind(1, id); }, office_from);
}

Result<std::vector<OfficeRow>> SqliteTx::list_offices() {
  return many<OfficeRow>(
      std::string("SELECT ") + kOfficeColumns + " FROM offices ORDER BY name, id", [](Stmt&) {},
      office_from);
}

Result<void> SqliteTx::delete_office(const std::string& id) {
  auto s = prepare("DELETE FROM offices WHERE id = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, id);
  if (auto d = done(*s, "delete office"); !d) return d;
  if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no office with id " + id);
  return {};
}

}  // namespace sdc::registry::sqlite
