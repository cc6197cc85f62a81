// PostgresTx's AuditTx: the audit chain and the auditors' queries, on PostgreSQL.
#include <algorithm>

#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

AuditEvent audit_from(const Rows& r, int i) {
  return AuditEvent{r.u64(i, 0),  r.i64(i, 1),  r.text(i, 2), r.text(i, 3),  r.text(i, 4),
                    r.text(i, 5), r.text(i, 6), r.text(i, 7), r.bytes(i, 8), r.bytes(i, 9)};
}

}  // namespace

Result<AuditHead> PostgresTx::lock_audit_head() {
  auto r = one<AuditHead>("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE", Params(),
                          [](const Rows& rows, int i) {
                            return AuditHead{rows.u64(i, 0), rows.bytes(i, 1)};
                          });
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::internal, "audit head missing: run the migrations");
  return **r;
}

Result<void> PostgresTx::append_audit(std::span<const AuditEvent> events) {
  if (events.empty()) return {};
  // One multi-row INSERT per 1,000 events (10 parameters each, far below
  // the protocol's 65,535): one round trip instead of one per event.
  constexpr std::size_t kRows = 1000;
  for (std::size_t from = 0; from < events.size(); from += kRows) {
    auto chunk = events.subspan(from, std::min(kRows, events.size() - from));
    std::string sql = std::string("INSERT INTO audit_log (") + kAuditColumns + ") VALUES ";
    Params params;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      const AuditEvent& e = chunk[i];
      sql += i == 0 ? "(" : ", (";
      for (std::size_t c = 1; c <= 10; ++c) {
        if (c > 1) sql += ", ";
        sql += "$" + std::to_string(i * 10 + c);
      }
      sql += ")";
      params.u64(e.seq)
          .i64(e.at)
          .text(e.actor)
          .text(e.role)
          .text(e.action)
          .text(e.holder_id)
          .text(e.outcome)
          .text(e.detail)
          .bytes(e.prev_hash)
          .bytes(e.hash);
    }
    if (auto c = command(sql, params); !c) return c;
  }
  auto rows =
      exec("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = $3",
           Params().u64(events.back().seq).bytes(events.back().hash).u64(events.front().seq - 1));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) {
    request_retry();
    return fail(Errc::conflict, "audit chain moved meanwhile");
  }
  return {};
}

Result<std::vector<AuditEvent>> PostgresTx::audit_events(std::uint64_t from_seq,
                                                         std::size_t limit) {
  return many<AuditEvent>(std::string("SELECT ") + kAuditColumns +
                              " FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2",
                          Params().u64(from_seq).u64(limit), audit_from);
}

Result<std::vector<AuditEvent>> PostgresTx::query_audit(const AuditFilter& filter) {
  AuditQuerySql q = audit_query_sql(filter, SqlDialect::postgres);
  Params p;
  for (const auto& v : q.params) {
    if (v.is_text)
      p.text(v.text);
    else
      p.i64(v.number);
  }
  return many<AuditEvent>(q.sql, p, audit_from);
}

}  // namespace sdc::registry::pg
