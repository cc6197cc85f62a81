// SqliteTx's HolderTx: holders and their case status history, on SQLite.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

HolderRow holder_from(const Stmt& s) {
  return HolderRow{s.text(0), s.blob(1), s.blob(2), s.blob(3),
                   s.blob(4), s.text(5), s.i64(6),  s.i64(7)};
}

}  // namespace

Result<void> SqliteTx::insert_holder(const HolderRow& r) {
  auto s = prepare(std::string("INSERT INTO holders (") + kHolderColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.a_number_hash).bind(3, r.name_dob_hash).bind(4, r.sealed_identity);
  s->bind(5, r.sealed_portrait).bind(6, r.language).bind(7, r.created_at).bind(8, r.updated_at);
  return done(*s, "insert holder");
}

Result<void> SqliteTx::update_holder(const HolderRow& r) {
  auto s = prepare(
      "UPDATE holders SET a_number_hash = ?2, name_dob_hash = ?3, identity = ?4, portrait = ?5,"
      " language = ?6, updated_at = ?7 WHERE id = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.id).bind(2, r.a_number_hash).bind(3, r.name_dob_hash).bind(4, r.sealed_identity);
  s->bind(5, r.sealed_portrait).bind(6, r.language).bind(7, r.updated_at);
  if (auto d = done(*s, "update holder"); !d) return d;
  if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no holder with id " + r.id);
  return {};
}

Result<std::optional<HolderRow>> SqliteTx::get_holder(const std::string& id) {
  return one<HolderRow>(
      std::string("SELECT ") + kHolderColumns + " FROM holders WHERE id = ?1",
      [&](Stmt& s) { s.bind(1, id); }, holder_from);
}

Result<std::optional<HolderRow>> SqliteTx::find_holder_by_a_number_hash(ByteView hash) {
  return one<HolderRow>(
      std::string("SELECT ") + kHolderColumns + " FROM holders WHERE a_number_hash = ?1",
      [&](Stmt& s) { s.bind(1, hash); }, holder_from);
}

Result<std::vector<HolderRow>> SqliteTx::find_holders_by_name_dob_hash(ByteView hash) {
  return many<HolderRow>(
      std::string("SELECT ") + kHolderColumns +
          " FROM holders WHERE name_dob_hash = ?1 ORDER BY created_at, id",
      [&](Stmt& s) { s.bind(1, hash); }, holder_from);
}

Result<void> SqliteTx::insert_case_status(const CaseStatusRow& r) {
  auto s = prepare(std::string("INSERT INTO case_status (") + kCaseColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.holder_id).bind(2, r.seq).bind(3, to_string(r.status)).bind(4, r.effective_date);
  s->bind(5, r.sealed_reason).bind(6, r.recorded_by).bind(7, r.recorded_at);
  return done(*s, "insert case status");
}

Result<std::vector<CaseStatusRow>> SqliteTx::case_status_history(const std::string& holder_id) {
  std::optional<Error> bad;
  auto rows = many<CaseStatusRow>(
      std::string("SELECT ") + kCaseColumns + " FROM case_status WHERE holder_id = ?1 ORDER BY seq",
      [&](Stmt& s) { s.bind(1, holder_id); },
      [&](const Stmt& s) {
        auto status = parse_case_status(s.text(2));
        if (!status) bad = status.error();
        return CaseStatusRow{s.text(0), s.u64(1),  status.value_or(CaseStatus::unknown),
                             s.text(3), s.blob(4), s.text(5),
                             s.i64(6)};
      });
  if (bad) return std::unexpected(*bad);
  return rows;
}

}  // namespace sdc::registry::sqlite
