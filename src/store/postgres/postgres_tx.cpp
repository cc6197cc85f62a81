// What every aggregate of PostgresTx shares: running statements and turning
// PostgreSQL's failures into errors and retries.
#include "store/postgres/postgres_tx.h"

namespace sdc::registry::pg {

Result<Rows> Statement::exec(PGconn* conn, const std::string& sql, const Params& p, bool& retry) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (const std::string& v : p.values) {
    values.push_back(v.data());
    lengths.push_back(static_cast<int>(v.size()));
  }
  PGresult* r = PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), lengths.data(), p.formats.data(), 0);
  Rows rows(r);
  auto status = PQresultStatus(r);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  if (code == "23505" || code == "40001" || code == "40P01") {
    retry = true;
    return fail(Errc::conflict,
                "postgres: a unique value is already taken or the "
                "transaction conflicted (" +
                    code + ")");
  }
  std::string msg = PQerrorMessage(conn);
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  return fail(Errc::io, "postgres: " + msg);
}

Result<Rows> PostgresTx::exec(const std::string& sql, const Params& p) {
  bool retry = false;
  auto r = Statement::exec(conn_, sql, p, retry);
  if (retry) request_retry();
  return r;
}

Result<void> PostgresTx::command(const std::string& sql, const Params& p) {
  auto r = exec(sql, p);
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace sdc::registry::pg
