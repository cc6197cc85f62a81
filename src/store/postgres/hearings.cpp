// PostgresTx's HearingTx: the court calendar's hearings, on PostgreSQL.
#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

HearingRow hearing_from(const Rows& rows, int i) {
  HearingRow r;
  r.id = rows.text(i, 0);
  r.a_number_hash = rows.bytes(i, 1);
  r.hearing_id = rows.text(i, 2);
  r.starts_at = rows.i64(i, 3);
  r.time_zone = rows.text(i, 4);
  r.court_name = rows.text(i, 5);
  r.court_address = rows.text(i, 6);
  r.judge = rows.text(i, 7);
  r.hearing_type = rows.text(i, 8);
  r.status = rows.text(i, 9);
  r.changed_at = rows.i64(i, 10);
  r.previous_starts_at = rows.i64(i, 11);
  r.previous_time_zone = rows.text(i, 12);
  r.previous_court_name = rows.text(i, 13);
  r.previous_court_address = rows.text(i, 14);
  r.created_at = rows.i64(i, 15);
  r.updated_at = rows.i64(i, 16);
  return r;
}

}  // namespace

Result<void> PostgresTx::insert_hearing(const HearingRow& r) {
  return command(std::string("INSERT INTO hearings (") + kHearingColumns +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
                     " $16, $17)",
                 Params()
                     .text(r.id)
                     .bytes(r.a_number_hash)
                     .text(r.hearing_id)
                     .i64(r.starts_at)
                     .text(r.time_zone)
                     .text(r.court_name)
                     .text(r.court_address)
                     .text(r.judge)
                     .text(r.hearing_type)
                     .text(r.status)
                     .i64(r.changed_at)
                     .i64(r.previous_starts_at)
                     .text(r.previous_time_zone)
                     .text(r.previous_court_name)
                     .text(r.previous_court_address)
                     .i64(r.created_at)
                     .i64(r.updated_at));
}

Result<void> PostgresTx::update_hearing(const HearingRow& r) {
  auto rows = exec(
      "UPDATE hearings SET starts_at = $2, time_zone = $3, court_name = $4, court_address = $5,"
      " judge = $6, hearing_type = $7, status = $8, changed_at = $9, previous_starts_at = $10,"
      " previous_time_zone = $11, previous_court_name = $12, previous_court_address = $13,"
      " updated_at = $14 WHERE id = $1",
      Params()
          .text(r.id)
          .i64(r.starts_at)
          .text(r.time_zone)
          .text(r.court_name)
          .text(r.court_address)
          .text(r.judge)
          .text(r.hearing_type)
          .text(r.status)
          .i64(r.changed_at)
          .i64(r.previous_starts_at)
          .text(r.previous_time_zone)
          .text(r.previous_court_name)
          .text(r.previous_court_address)
          .i64(r.updated_at));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::not_found, "no hearing with id " + r.id);
  return {};
}

Result<std::optional<HearingRow>> PostgresTx::find_hearing(ByteView a_number_hash,
                                                           const std::string& hearing_id) {
  return one<HearingRow>(std::string("SELECT ") + kHearingColumns +
                             " FROM hearings WHERE a_number_hash = $1 AND hearing_id = $2",
                         Params().bytes(a_number_hash).text(hearing_id), hearing_from);
}

Result<std::vector<HearingRow>> PostgresTx::hearings_of(ByteView a_number_hash) {
  return many<HearingRow>(std::string("SELECT ") + kHearingColumns +
                              " FROM hearings WHERE a_number_hash = $1 ORDER BY starts_at, id",
                          Params().bytes(a_number_hash), hearing_from);
}

}  // namespace sdc::registry::pg

namespace sdc::registry::pg {

Result<std::vector<HearingRow>> PostgresTx::scheduled_hearings_between(UnixTime from, UnixTime to) {
  return many<HearingRow>(
      std::string("SELECT ") + kHearingColumns +
          " FROM hearings WHERE status = 'scheduled' AND starts_at >= $1 AND starts_at < $2"
          " ORDER BY starts_at, id",
      Params().i64(from).i64(to), hearing_from);
}

}  // namespace sdc::registry::pg
