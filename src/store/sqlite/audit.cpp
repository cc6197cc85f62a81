// SqliteTx's AuditTx: the audit chain and the auditors' queries, on SQLite.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

AuditEvent audit_from(const Stmt& s) {
  return AuditEvent{s.u64(0),  s.i64(1),  s.text(2), s.text(3), s.text(4),
                    s.text(5), s.text(6), s.text(7), s.blob(8), s.blob(9)};
}

}  // namespace

Result<AuditHead> SqliteTx::lock_audit_head() {
  auto r = one<AuditHead>(
      "SELECT seq, hash FROM audit_head WHERE id = 1", [](Stmt&) {},
      [](const Stmt& s) {
        return AuditHead{s.u64(0), s.blob(1)};
      });
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::internal, "audit head missing: run the migrations");
  return **r;
}

Result<void> SqliteTx::append_audit(std::span<const AuditEvent> events) {
  if (events.empty()) return {};
  static const std::string insert = std::string("INSERT INTO audit_log (") + kAuditColumns +
                                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
  for (const AuditEvent& e : events) {
    auto s = prepare(insert);
    if (!s) return std::unexpected(s.error());
    s->bind(1, e.seq).bind(2, e.at).bind(3, e.actor).bind(4, e.role).bind(5, e.action);
    s->bind(6, e.holder_id).bind(7, e.outcome).bind(8, e.detail).bind(9, e.prev_hash);
    s->bind(10, e.hash);
    if (auto d = done(*s, "append audit"); !d) return d;
  }
  auto h = prepare("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1 AND seq = ?3");
  if (!h) return std::unexpected(h.error());
  h->bind(1, events.back().seq).bind(2, events.back().hash).bind(3, events.front().seq - 1);
  if (auto d = done(*h, "advance audit head"); !d) return d;
  if (sqlite3_changes(db_) != 1) {
    request_retry();
    return fail(Errc::conflict, "audit chain moved meanwhile");
  }
  return {};
}

Result<std::vector<AuditEvent>> SqliteTx::audit_events(std::uint64_t from_seq, std::size_t limit) {
  return many<AuditEvent>(
      std::string("SELECT ") + kAuditColumns +
          " FROM audit_log WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
      [&](Stmt& s) { s.bind(1, from_seq).bind(2, static_cast<std::uint64_t>(limit)); }, audit_from);
}

Result<std::vector<AuditEvent>> SqliteTx::query_audit(const AuditFilter& filter) {
  AuditQuerySql q = audit_query_sql(filter, SqlDialect::sqlite);
  return many<AuditEvent>(
      q.sql,
      [&](Stmt& s) {
        int i = 0;
        for (const auto& p : q.params) {
          if (p.is_text)
            s.bind(++i, std::string_view(p.text));
          else
            s.bind(++i, p.number);
        }
      },
      audit_from);
}

}  // namespace sdc::registry::sqlite
