// SqliteTx's CheckInTx: holders' check-ins, on SQLite.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

CheckInRow check_in_from(const Stmt& s) {
  CheckInRow r;
  r.id = s.text(0);
  r.holder_id = s.text(1);
  r.office_id = s.text(2);
  r.at = s.i64(3);
  // The table's CHECKs admit only the known values.
  r.method = parse_check_in_method(s.text(4)).value_or(CheckInMethod::officer);
  r.appointment_id = s.text(5);
  r.outcome = parse_check_in_outcome(s.text(6)).value_or(CheckInOutcome::no_appointment);
  r.recorded_by = s.text(7);
  return r;
}

}  // namespace

Result<void> SqliteTx::insert_check_in(const CheckInRow& r) {
  auto s = prepare(std::string("INSERT INTO check_ins (") + kCheckInColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.holder_id).bind(3, r.office_id).bind(4, r.at);
  s->bind(5, to_string(r.method)).bind(6, r.appointment_id).bind(7, to_string(r.outcome));
  s->bind(8, r.recorded_by);
  return done(*s, "insert check-in");
}

Result<std::vector<CheckInRow>> SqliteTx::check_ins_of_holder(const std::string& holder_id) {
  return many<CheckInRow>(
      std::string("SELECT ") + kCheckInColumns +
          " FROM check_ins WHERE holder_id = ?1 ORDER BY at, id",
      [&](Stmt& s) { s.bind(1, holder_id); }, check_in_from);
}

}  // namespace sdc::registry::sqlite
