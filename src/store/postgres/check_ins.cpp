// PostgresTx's CheckInTx: holders' check-ins, on PostgreSQL.
#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

CheckInRow check_in_from(const Rows& rows, int i) {
  CheckInRow r;
  r.id = rows.text(i, 0);
  r.holder_id = rows.text(i, 1);
  r.office_id = rows.text(i, 2);
  r.at = rows.i64(i, 3);
  // The table's CHECKs admit only the known values.
  r.method = parse_check_in_method(rows.text(i, 4)).value_or(CheckInMethod::officer);
  r.appointment_id = rows.text(i, 5);
  r.outcome = parse_check_in_outcome(rows.text(i, 6)).value_or(CheckInOutcome::no_appointment);
  r.recorded_by = rows.text(i, 7);
  return r;
}

}  // namespace

Result<void> PostgresTx::insert_check_in(const CheckInRow& r) {
  return command(std::string("INSERT INTO check_ins (") + kCheckInColumns +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                 Params()
                     .text(r.id)
                     .text(r.holder_id)
                     .text(r.office_id)
                     .i64(r.at)
                     .text(to_string(r.method))
                     .text(r.appointment_id)
                     .text(to_string(r.outcome))
                     .text(r.recorded_by));
}

Result<std::vector<CheckInRow>> PostgresTx::check_ins_of_holder(const std::string& holder_id) {
  return many<CheckInRow>(std::string("SELECT ") + kCheckInColumns +
                              " FROM check_ins WHERE holder_id = $1 ORDER BY at, id",
                          Params().text(holder_id), check_in_from);
}

}  // namespace sdc::registry::pg
