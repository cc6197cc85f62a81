// SqliteTx's HearingTx: the court calendar's hearings, on SQLite.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

HearingRow hearing_from(const Stmt& s) {
  HearingRow r;
  r.id = s.text(0);
  r.a_number_hash = s.blob(1);
  r.hearing_id = s.text(2);
  r.starts_at = s.i64(3);
  r.time_zone = s.text(4);
  r.court_name = s.text(5);
  r.court_address = s.text(6);
  r.judge = s.text(7);
  r.hearing_type = s.text(8);
  r.status = s.text(9);
  r.changed_at = s.i64(10);
  r.previous_starts_at = s.i64(11);
  r.previous_time_zone = s.text(12);
  r.previous_court_name = s.text(13);
  r.previous_court_address = s.text(14);
  r.created_at = s.i64(15);
  r.updated_at = s.i64(16);
  return r;
}

}  // namespace

Result<void> SqliteTx::insert_hearing(const HearingRow& r) {
  auto s = prepare(std::string("INSERT INTO hearings (") + kHearingColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
                   " ?16, ?17)");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.a_number_hash).bind(3, r.hearing_id).bind(4, r.starts_at);
  s->bind(5, r.time_zone).bind(6, r.court_name).bind(7, r.court_address).bind(8, r.judge);
  s->bind(9, r.hearing_type).bind(10, r.status).bind(11, r.changed_at);
  s->bind(12, r.previous_starts_at).bind(13, r.previous_time_zone);
  s->bind(14, r.previous_court_name).bind(15, r.previous_court_address);
  s->bind(16, r.created_at).bind(17, r.updated_at);
  return done(*s, "insert hearing");
}

Result<void> SqliteTx::update_hearing(const HearingRow& r) {
  auto s = prepare(
      "UPDATE hearings SET starts_at = ?2, time_zone = ?3, court_name = ?4, court_address = ?5,"
      " judge = ?6, hearing_type = ?7, status = ?8, changed_at = ?9, previous_starts_at = ?10,"
      " previous_time_zone = ?11, previous_court_name = ?12, previous_court_address = ?13,"
      " updated_at = ?14 WHERE id = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.starts_at).bind(3, r.time_zone).bind(4, r.court_name);
  s->bind(5, r.court_address).bind(6, r.judge).bind(7, r.hearing_type).bind(8, r.status);
  s->bind(9, r.changed_at).bind(10, r.previous_starts_at).bind(11, r.previous_time_zone);
  s->bind(12, r.previous_court_name).bind(13, r.previous_court_address).bind(14, r.updated_at);
  if (auto d = done(*s, "update hearing"); !d) return d;
  if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no hearing with id " + r.id);
  return {};
}

Result<std::optional<HearingRow>> SqliteTx::find_hearing(ByteView a_number_hash,
                                                         const std::string& hearing_id) {
  return one<HearingRow>(
      std::string("SELECT ") + kHearingColumns +
          " FROM hearings WHERE a_number_hash = ?1 AND hearing_id = ?2",
      [&](Stmt& s) { s.bind(1, a_number_hash).bind(2, hearing_id); }, hearing_from);
}

Result<std::vector<HearingRow>> SqliteTx::hearings_of(ByteView a_number_hash) {
  return many<HearingRow>(
      std::string("SELECT ") + kHearingColumns +
          " FROM hearings WHERE a_number_hash = ?1 ORDER BY starts_at, id",
      [&](Stmt& s) { s.bind(1, a_number_hash); }, hearing_from);
}

}  // namespace sdc::registry::sqlite

namespace sdc::registry::sqlite {

Result<std::vector<HearingRow>> SqliteTx::scheduled_hearings_between(UnixTime from, UnixTime to) {
  return many<HearingRow>(
      std::string("SELECT ") + kHearingColumns +
          " FROM hearings WHERE status = 'scheduled' AND starts_at >= ?1 AND starts_at < ?2"
          " ORDER BY starts_at, id",
      [&](Stmt& s) { s.bind(1, from).bind(2, to); }, hearing_from);
}

}  // namespace sdc::registry::sqlite
