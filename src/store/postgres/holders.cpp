// PostgresTx's HolderTx: holders and their case status history, on PostgreSQL.
#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

HolderRow holder_from(const Rows& r, int i) {
  return HolderRow{r.text(i, 0),  r.bytes(i, 1), r.bytes(i, 2), r.bytes(i, 3),
                   r.bytes(i, 4), r.text(i, 5),  r.i64(i, 6),   r.i64(i, 7)};
}

}  // namespace

Result<void> PostgresTx::insert_holder(const HolderRow& r) {
  return command(std::string("INSERT INTO holders (") + kHolderColumns +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                 Params()
                     .text(r.id)
                     .bytes(r.a_number_hash)
                     .bytes(r.name_dob_hash)
                     .bytes(r.sealed_identity)
                     .bytes(r.sealed_portrait)
                     .text(r.language)
                     .i64(r.created_at)
                     .i64(r.updated_at));
}

Result<void> PostgresTx::update_holder(const HolderRow& r) {
  auto rows = exec(
      "UPDATE holders SET a_number_hash = $2, name_dob_hash = $3, identity = $4, portrait = $5,"
      " language = $6, updated_at = $7 WHERE id = $1",
      Params()
          .text(r.id)
          .bytes(r.a_number_hash)
          .bytes(r.name_dob_hash)
          .bytes(r.sealed_identity)
          .bytes(r.sealed_portrait)
          .text(r.language)
          .i64(r.updated_at));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) return fail(Errc::not_found, "no holder with id " + r.id);
  return {};
}

Result<std::optional<HolderRow>> PostgresTx::get_holder(const std::string& id) {
  return one<HolderRow>(std::string("SELECT ") + kHolderColumns + " FROM holders WHERE id = $1",
                        Params().text(id), holder_from);
}

Result<std::optional<HolderRow>> PostgresTx::find_holder_by_a_number_hash(ByteView hash) {
  return one<HolderRow>(
      std::string("SELECT ") + kHolderColumns + " FROM holders WHERE a_number_hash = $1",
      Params().bytes(hash), holder_from);
}

Result<std::vector<HolderRow>> PostgresTx::find_holders_by_name_dob_hash(ByteView hash) {
  return many<HolderRow>(std::string("SELECT ") + kHolderColumns +
                             " FROM holders WHERE name_dob_hash = $1 ORDER BY created_at, id",
                         Params().bytes(hash), holder_from);
}

Result<void> PostgresTx::insert_case_status(const CaseStatusRow& r) {
  return command(std::string("INSERT INTO case_status (") + kCaseColumns +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7)",
                 Params()
                     .text(r.holder_id)
                     .u64(r.seq)
                     .text(to_string(r.status))
                     .text(r.effective_date)
                     .bytes(r.sealed_reason)
                     .text(r.recorded_by)
                     .i64(r.recorded_at));
}

Result<std::vector<CaseStatusRow>> PostgresTx::case_status_history(const std::string& holder_id) {
  std::optional<Error> bad;
  auto rows = many<CaseStatusRow>(
      std::string("SELECT ") + kCaseColumns + " FROM case_status WHERE holder_id = $1 ORDER BY seq",
      Params().text(holder_id), [&](const Rows& r, int i) {
        auto status = parse_case_status(r.text(i, 2));
        if (!status) bad = status.error();
        return CaseStatusRow{r.text(i, 0), r.u64(i, 1),   status.value_or(CaseStatus::unknown),
                             r.text(i, 3), r.bytes(i, 4), r.text(i, 5),
                             r.i64(i, 6)};
      });
  if (bad) return std::unexpected(*bad);
  return rows;
}

}  // namespace sdc::registry::pg
