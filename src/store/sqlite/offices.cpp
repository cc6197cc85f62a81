// SqliteTx's OfficeTx: offices, on SQLite.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

// Hours that do not parse (written by something else than the registry)
// read as closed every day: the office offers no slot rather than wrong ones.
OfficeRow office_from(const Stmt& s) {
  OfficeRow r{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.i64(5), s.i64(6)};
  if (auto h = parse_week_hours(s.text(7))) r.hours = *h;
  r.slot_minutes = static_cast<int>(s.i64(8));
  r.slot_capacity = static_cast<int>(s.i64(9));
  return r;
}

OfficeClosure closure_from(const Stmt& s) {
  return OfficeClosure{s.text(0), s.text(1), s.text(2), s.i64(3)};
}

}  // namespace

Result<void> SqliteTx::insert_office(const OfficeRow& r) {
  auto s = prepare(std::string("INSERT INTO offices (") + kOfficeColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.name).bind(3, r.address).bind(4, r.time_zone).bind(5, r.phone);
  s->bind(6, r.created_at).bind(7, r.updated_at).bind(8, format_week_hours(r.hours));
  s->bind(9, std::int64_t{r.slot_minutes}).bind(10, std::int64_t{r.slot_capacity});
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
      "UPDATE offices SET name = ?2, address = ?3, time_zone = ?4, phone = ?5, updated_at = ?6,"
      " hours = ?7, slot_minutes = ?8, slot_capacity = ?9 WHERE id = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.name).bind(3, r.address).bind(4, r.time_zone).bind(5, r.phone);
  s->bind(6, r.updated_at).bind(7, format_week_hours(r.hours));
  s->bind(8, std::int64_t{r.slot_minutes}).bind(9, std::int64_t{r.slot_capacity});
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
  auto used = one<bool>(
      "SELECT 1 WHERE EXISTS (SELECT 1 FROM reporting_requirements WHERE office_id = ?1)"
      " OR EXISTS (SELECT 1 FROM appointments WHERE office_id = ?1)",
      [&](Stmt& s) { s.bind(1, id); }, [](const Stmt&) { return true; });
  if (!used) return std::unexpected(used.error());
  if (*used)
    return fail(Errc::conflict,
                "office " + id + " is named by reporting requirements or appointments");
  for (const char* sql : {"DELETE FROM office_closures WHERE office_id = ?1",
                          "DELETE FROM slot_places WHERE office_id = ?1"}) {
    auto c = prepare(sql);
    if (!c) return std::unexpected(c.error());
    c->bind(1, id);
    if (auto d = done(*c, "delete office"); !d) return d;
  }
  auto s = prepare("DELETE FROM offices WHERE id = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, id);
  if (auto d = done(*s, "delete office"); !d) return d;
  if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no office with id " + id);
  return {};
}

Result<void> SqliteTx::insert_closure(const OfficeClosure& c) {
  auto s = prepare(std::string("INSERT INTO office_closures (") + kClosureColumns +
                   ") VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
  if (!s) return std::unexpected(s.error());
  s->bind(1, c.office_id).bind(2, c.date).bind(3, c.reason).bind(4, c.created_at);
  if (auto d = done(*s, "insert closure"); !d) return d;
  if (sqlite3_changes(db_) != 1)
    return fail(Errc::conflict, "date: the office is already closed on " + c.date);
  return {};
}

Result<void> SqliteTx::delete_closure(const std::string& office_id, const std::string& date) {
  auto s = prepare("DELETE FROM office_closures WHERE office_id = ?1 AND date = ?2");
  if (!s) return std::unexpected(s.error());
  s->bind(1, office_id).bind(2, date);
  if (auto d = done(*s, "delete closure"); !d) return d;
  if (sqlite3_changes(db_) != 1)
    return fail(Errc::not_found, "the office is not closed on " + date);
  return {};
}

Result<std::vector<OfficeClosure>> SqliteTx::closures(const std::string& office_id,
                                                      const std::string& from_date,
                                                      const std::string& to_date) {
  return many<OfficeClosure>(
      std::string("SELECT ") + kClosureColumns +
          " FROM office_closures WHERE office_id = ?1 AND date >= ?2 AND date <= ?3 ORDER BY date",
      [&](Stmt& s) { s.bind(1, office_id).bind(2, from_date).bind(3, to_date); }, closure_from);
}

}  // namespace sdc::registry::sqlite
