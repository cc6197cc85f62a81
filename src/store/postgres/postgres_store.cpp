// The Store on PostgreSQL. A small pool of connections; each transaction
// runs on one at READ COMMITTED, and the rows every writer must take turns
// on (the audit head, the published list) are locked with FOR UPDATE.
#include "sdc/registry/postgres_store.h"

#include <algorithm>
#include <mutex>

#include "store/postgres/pg_handle.h"
#include "store/schema/schema.h"

namespace sdc::registry {
namespace {

using pg::Conn;
using pg::Params;
using pg::Rows;

constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7263001)";

class Statement {
 public:
  static Result<Rows> exec(PGconn* conn, const std::string& sql, const Params& p, bool& retry) {
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
};

HolderRow holder_from(const Rows& r, int i) {
  return HolderRow{r.text(i, 0),  r.bytes(i, 1), r.bytes(i, 2), r.bytes(i, 3),
                   r.bytes(i, 4), r.text(i, 5),  r.i64(i, 6),   r.i64(i, 7)};
}

CardRow card_from(const Rows& r, int i) {
  return CardRow{
      r.text(i, 0), r.text(i, 1), r.u64(i, 2),   r.u64(i, 3),  static_cast<CardState>(r.i64(i, 4)),
      r.i64(i, 5),  r.i64(i, 6),  r.bytes(i, 7), r.text(i, 8), r.i64(i, 9)};
}

AuditEvent audit_from(const Rows& r, int i) {
  return AuditEvent{r.u64(i, 0),  r.i64(i, 1),  r.text(i, 2), r.text(i, 3),  r.text(i, 4),
                    r.text(i, 5), r.text(i, 6), r.text(i, 7), r.bytes(i, 8), r.bytes(i, 9)};
}

// ---- accounts, sessions, login throttling, offices ----

// Reads an account from columns `at`..`at + 6` (kAccountColumns order).
AccountRow account_from(const Rows& r, int i, int at, std::optional<Error>& bad) {
  auto role = parse_role(r.text(i, at + 2));
  if (!role) bad = role.error();
  return AccountRow{r.text(i, at),     r.text(i, at + 1),     role.value_or(Role::kiosk),
                    r.text(i, at + 3), r.i64(i, at + 4) != 0, r.i64(i, at + 5),
                    r.i64(i, at + 6)};
}

SessionRow session_from(const Rows& r, int i) {
  return SessionRow{r.bytes(i, 0), r.text(i, 1), r.i64(i, 2), r.i64(i, 3), r.i64(i, 4)};
}

LoginThrottleRow throttle_from(const Rows& r, int i) {
  return LoginThrottleRow{r.text(i, 0), r.u64(i, 1), r.i64(i, 2), r.i64(i, 3)};
}

OfficeRow office_from(const Rows& r, int i) {
  return OfficeRow{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3),
                   r.text(i, 4), r.i64(i, 5),  r.i64(i, 6)};
}

// ---- end of accounts, sessions, login throttling, offices ----

class PostgresTx final : public Tx {
 public:
  explicit PostgresTx(PGconn* conn) : conn_(conn) {}

  Result<void> insert_holder(const HolderRow& r) override {
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

  Result<void> update_holder(const HolderRow& r) override {
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

  Result<std::optional<HolderRow>> get_holder(const std::string& id) override {
    return one<HolderRow>(std::string("SELECT ") + kHolderColumns + " FROM holders WHERE id = $1",
                          Params().text(id), holder_from);
  }

  Result<std::optional<HolderRow>> find_holder_by_a_number_hash(ByteView hash) override {
    return one<HolderRow>(
        std::string("SELECT ") + kHolderColumns + " FROM holders WHERE a_number_hash = $1",
        Params().bytes(hash), holder_from);
  }

  Result<std::vector<HolderRow>> find_holders_by_name_dob_hash(ByteView hash) override {
    return many<HolderRow>(std::string("SELECT ") + kHolderColumns +
                               " FROM holders WHERE name_dob_hash = $1 ORDER BY created_at, id",
                           Params().bytes(hash), holder_from);
  }

  Result<void> insert_card(const CardRow& r) override {
    return command(std::string("INSERT INTO cards (") + kCardColumns +
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   Params()
                       .text(r.document_number)
                       .text(r.holder_id)
                       .u64(r.card_version)
                       .u64(r.status_index)
                       .i64(static_cast<std::int64_t>(r.state))
                       .i64(r.issued_at)
                       .i64(r.expires_at)
                       .bytes(r.sealed_barcode)
                       .text(r.state_reason)
                       .i64(r.updated_at));
  }

  Result<void> update_card_state(const std::string& document_number, CardState state,
                                 const std::string& reason, UnixTime at) override {
    auto rows = exec(
        "UPDATE cards SET state = $2, state_reason = $3, updated_at = $4 WHERE document_number = "
        "$1",
        Params().text(document_number).i64(static_cast<std::int64_t>(state)).text(reason).i64(at));
    if (!rows) return std::unexpected(rows.error());
    if (rows->affected() != 1)
      return fail(Errc::not_found, "no card with document number " + document_number);
    return {};
  }

  Result<std::optional<CardRow>> get_card(const std::string& document_number) override {
    return one<CardRow>(
        std::string("SELECT ") + kCardColumns + " FROM cards WHERE document_number = $1",
        Params().text(document_number), card_from);
  }

  Result<std::vector<CardRow>> cards_of_holder(const std::string& holder_id) override {
    return many<CardRow>(std::string("SELECT ") + kCardColumns +
                             " FROM cards WHERE holder_id = $1 ORDER BY card_version",
                         Params().text(holder_id), card_from);
  }

  Result<bool> document_number_taken(const std::string& document_number) override {
    auto rows =
        exec("SELECT 1 FROM cards WHERE document_number = $1", Params().text(document_number));
    if (!rows) return std::unexpected(rows.error());
    return rows->size() > 0;
  }

  Result<bool> status_index_taken(std::uint64_t index) override {
    auto rows = exec("SELECT 1 FROM cards WHERE status_index = $1", Params().u64(index));
    if (!rows) return std::unexpected(rows.error());
    return rows->size() > 0;
  }

  Result<std::vector<std::pair<std::uint64_t, CardState>>> card_states() override {
    return many<std::pair<std::uint64_t, CardState>>(
        "SELECT status_index, state FROM cards", Params(), [](const Rows& r, int i) {
          return std::pair{r.u64(i, 0), static_cast<CardState>(r.i64(i, 1))};
        });
  }

  Result<void> insert_case_status(const CaseStatusRow& r) override {
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

  Result<std::vector<CaseStatusRow>> case_status_history(const std::string& holder_id) override {
    std::optional<Error> bad;
    auto rows = many<CaseStatusRow>(
        std::string("SELECT ") + kCaseColumns +
            " FROM case_status WHERE holder_id = $1 ORDER BY seq",
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

  Result<std::optional<PublishedStatusList>> lock_status_list() override {
    auto r =
        one<PublishedStatusList>("SELECT iat, token FROM status_list WHERE id = 1 FOR UPDATE",
                                 Params(), [](const Rows& rows, int i) {
                                   return PublishedStatusList{rows.i64(i, 0), rows.bytes(i, 1)};
                                 });
    if (!r) return std::unexpected(r.error());
    if (!*r) return fail(Errc::internal, "status list row missing: run the migrations");
    if ((*r)->iat == 0) return std::optional<PublishedStatusList>();
    return r;
  }

  // ---- validity list entries ----

  Result<Bytes> status_list_bits() override {
    auto r = one<Bytes>("SELECT bits FROM status_list WHERE id = 1", Params(),
                        [](const Rows& rows, int i) { return rows.bytes(i, 0); });
    if (!r) return std::unexpected(r.error());
    if (!*r) return fail(Errc::internal, "status list row missing: run the migrations");
    return std::move(**r);
  }

  Result<void> save_status_list_bits(ByteView bits) override {
    auto rows = exec("UPDATE status_list SET bits = $1 WHERE id = 1", Params().bytes(bits));
    if (!rows) return std::unexpected(rows.error());
    if (rows->affected() != 1)
      return fail(Errc::internal, "status list row missing: run the migrations");
    return {};
  }

  Result<void> save_status_list(const PublishedStatusList& list, ByteView bits) override {
    auto rows =
        exec("UPDATE status_list SET iat = $1, token = $2, bits = $3 WHERE id = 1 AND iat < $1",
             Params().i64(list.iat).bytes(list.token).bytes(bits));
    if (!rows) return std::unexpected(rows.error());
    if (rows->affected() != 1) {
      request_retry();
      return fail(Errc::conflict, "a newer status list was published meanwhile");
    }
    return {};
  }

  Result<AuditHead> lock_audit_head() override {
    auto r = one<AuditHead>("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE", Params(),
                            [](const Rows& rows, int i) {
                              return AuditHead{rows.u64(i, 0), rows.bytes(i, 1)};
                            });
    if (!r) return std::unexpected(r.error());
    if (!*r) return fail(Errc::internal, "audit head missing: run the migrations");
    return **r;
  }

  using Tx::append_audit;
  Result<void> append_audit(std::span<const AuditEvent> events) override {
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

  Result<std::vector<AuditEvent>> audit_events(std::uint64_t from_seq, std::size_t limit) override {
    return many<AuditEvent>(std::string("SELECT ") + kAuditColumns +
                                " FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2",
                            Params().u64(from_seq).u64(limit), audit_from);
  }

  // ---- Audit queries (auditors; schema version 3) ----
  Result<std::vector<AuditEvent>> query_audit(const AuditFilter& filter) override {
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
  // ---- end of audit queries ----

  Result<void> upsert_user(const User& u) override {
    return command(
        "INSERT INTO users (id, display_name, role) VALUES ($1, $2, $3) ON CONFLICT (id) DO "
        "UPDATE SET display_name = excluded.display_name, role = excluded.role",
        Params().text(u.id).text(u.display_name).text(to_string(u.role)));
  }

  Result<std::optional<User>> get_user(const std::string& id) override {
    std::optional<Error> bad;
    auto r = one<User>("SELECT id, display_name, role FROM users WHERE id = $1", Params().text(id),
                       [&](const Rows& rows, int i) {
                         auto role = parse_role(rows.text(i, 2));
                         if (!role) bad = role.error();
                         return User{rows.text(i, 0), rows.text(i, 1), role.value_or(Role::kiosk)};
                       });
    if (bad) return std::unexpected(*bad);
    return r;
  }

  // ---- accounts, sessions, login throttling, offices ----

  Result<void> insert_account(const AccountRow& r) override {
    auto rows = exec(std::string("INSERT INTO accounts (") + kAccountColumns +
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                     Params()
                         .text(r.username)
                         .text(r.user_id)
                         .text(to_string(r.role))
                         .text(r.password_hash)
                         .i64(r.disabled ? 1 : 0)
                         .i64(r.created_at)
                         .i64(r.updated_at));
    if (!rows) return std::unexpected(rows.error());
    if (rows->affected() != 1) return fail(Errc::conflict, "username: already taken");
    return {};
  }

  Result<std::optional<AccountRow>> get_account(const std::string& username) override {
    std::optional<Error> bad;
    auto r = one<AccountRow>(
        std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE username = $1",
        Params().text(username),
        [&](const Rows& rows, int i) { return account_from(rows, i, 0, bad); });
    if (bad) return std::unexpected(*bad);
    return r;
  }

  Result<std::vector<AccountRow>> list_accounts() override {
    std::optional<Error> bad;
    auto r = many<AccountRow>(
        std::string("SELECT ") + kAccountColumns + " FROM accounts ORDER BY username", Params(),
        [&](const Rows& rows, int i) { return account_from(rows, i, 0, bad); });
    if (bad) return std::unexpected(*bad);
    return r;
  }

  Result<void> set_account_disabled(const std::string& username, bool disabled,
                                    UnixTime at) override {
    auto rows = exec("UPDATE accounts SET disabled = $2, updated_at = $3 WHERE username = $1",
                     Params().text(username).i64(disabled ? 1 : 0).i64(at));
    if (!rows) return std::unexpected(rows.error());
    if (rows->affected() != 1) return fail(Errc::not_found, "no such user");
    return {};
  }

  Result<void> insert_session(const SessionRow& r) override {
    return command(
        std::string("INSERT INTO sessions (") + kSessionColumns + ") VALUES ($1, $2, $3, $4, $5)",
        Params()
            .bytes(r.token_hash)
            .text(r.user_id)
            .i64(r.created_at)
            .i64(r.expires_at)
            .i64(r.revoked_at));
  }

  Result<std::optional<ActiveSession>> find_active_session(ByteView token_hash,
                                                           UnixTime now) override {
    std::optional<Error> bad;
    auto r = one<ActiveSession>(
        "SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, s.revoked_at,"
        " a.username, a.user_id, a.role, a.password_hash, a.disabled, a.created_at, a.updated_at"
        " FROM sessions s JOIN accounts a ON a.user_id = s.user_id"
        " WHERE s.token_hash = $1 AND s.revoked_at = 0 AND s.expires_at > $2 AND a.disabled = 0",
        Params().bytes(token_hash).i64(now), [&](const Rows& rows, int i) {
          return ActiveSession{session_from(rows, i), account_from(rows, i, 5, bad)};
        });
    if (bad) return std::unexpected(*bad);
    return r;
  }

  Result<bool> revoke_session(ByteView token_hash, UnixTime at) override {
    auto rows = exec(
        "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at = 0"
        " AND expires_at > $2",
        Params().bytes(token_hash).i64(at));
    if (!rows) return std::unexpected(rows.error());
    return rows->affected() == 1;
  }

  Result<std::uint64_t> revoke_sessions_of_user(const std::string& user_id, UnixTime at) override {
    auto rows = exec(
        "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at = 0"
        " AND expires_at > $2",
        Params().text(user_id).i64(at));
    if (!rows) return std::unexpected(rows.error());
    return static_cast<std::uint64_t>(rows->affected());
  }

  Result<std::optional<LoginThrottleRow>> get_login_throttle(const std::string& username) override {
    return one<LoginThrottleRow>(
        std::string("SELECT ") + kThrottleColumns + " FROM login_throttle WHERE username = $1",
        Params().text(username), throttle_from);
  }

  Result<LoginThrottleRow> count_login_failure(const std::string& username, UnixTime now,
                                               UnixTime window_start) override {
    auto r = one<LoginThrottleRow>(
        std::string("INSERT INTO login_throttle (") + kThrottleColumns +
            ") VALUES ($1, 1, $2, 0) ON CONFLICT (username) DO UPDATE SET"
            " failures = CASE WHEN login_throttle.last_failure_at < $3 THEN 1"
            " ELSE login_throttle.failures + 1 END, last_failure_at = $2 RETURNING " +
            kThrottleColumns,
        Params().text(username).i64(now).i64(window_start), throttle_from);
    if (!r) return std::unexpected(r.error());
    if (!*r) return fail(Errc::internal, "postgres: login throttle row missing");
    return **r;
  }

  Result<void> lock_login(const std::string& username, UnixTime until) override {
    return command(std::string("INSERT INTO login_throttle (") + kThrottleColumns +
                       ") VALUES ($1, 0, 0, $2) ON CONFLICT (username) DO UPDATE SET"
                       " failures = 0, locked_until = $2",
                   Params().text(username).i64(until));
  }

  Result<void> clear_login_throttle(const std::string& username) override {
    return command("DELETE FROM login_throttle WHERE username = $1", Params().text(username));
  }

  Result<std::uint64_t> purge_login_state(UnixTime now, UnixTime window_start) override {
    auto s = exec("DELETE FROM sessions WHERE expires_at <= $1", Params().i64(now));
    if (!s) return std::unexpected(s.error());
    auto t = exec("DELETE FROM login_throttle WHERE locked_until <= $1 AND last_failure_at < $2",
                  Params().i64(now).i64(window_start));
    if (!t) return std::unexpected(t.error());
    return static_cast<std::uint64_t>(s->affected()) + static_cast<std::uint64_t>(t->affected());
  }

  Result<void> insert_office(const OfficeRow& r) override {
    auto rows = exec(std::string("INSERT INTO offices (") + kOfficeColumns +
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                     Params()
                         .text(r.id)
                         .text(r.name)
                         .text(r.address)
                         .text(r.time_zone)
                         .text(r.phone)
                         .i64(r.created_at)
                         .i64(r.updated_at));
    if (!rows) return std::unexpected(rows.error());
    if (rows->affected() != 1) return fail(Errc::conflict, "name: an office has this name");
    return {};
  }

  Result<void> update_office(const OfficeRow& r) override {
    auto taken = exec("SELECT 1 FROM offices WHERE name = $1 AND id <> $2",
                      Params().text(r.name).text(r.id));
    if (!taken) return std::unexpected(taken.error());
    if (taken->size() > 0) return fail(Errc::conflict, "name: an office has this name");
    auto rows = exec(
        "UPDATE offices SET name = $2, address = $3, time_zone = $4, phone = $5, updated_at = $6"
        " WHERE id = $1",
        Params()
            .text(r.id)
            .text(r.name)
            .text(r.address)
            .text(r.time_zone)
            .text(r.phone)
            .i64(r.updated_at));
    if (!rows) return std::unexpected(rows.error());
    if (rows->affected() != 1) return fail(Errc::not_found, "no office with id " + r.id);
    return {};
  }

  Result<std::optional<OfficeRow>> get_office(const std::string& id) override {
    return one<OfficeRow>(std::string("SELECT ") + kOfficeColumns + " FROM offices WHERE id = $1",
                          Params().text(id), office_from);
  }

  Result<std::vector<OfficeRow>> list_offices() override {
    return many<OfficeRow>(
        std::string("SELECT ") + kOfficeColumns + " FROM offices ORDER BY name, id", Params(),
        office_from);
  }

  Result<void> delete_office(const std::string& id) override {
    auto rows = exec("DELETE FROM offices WHERE id = $1", Params().text(id));
    if (!rows) return std::unexpected(rows.error());
    if (rows->affected() != 1) return fail(Errc::not_found, "no office with id " + id);
    return {};
  }

  // ---- end of accounts, sessions, login throttling, offices ----

 private:
  Result<Rows> exec(const std::string& sql, const Params& p) {
    bool retry = false;
    auto r = Statement::exec(conn_, sql, p, retry);
    if (retry) request_retry();
    return r;
  }

  Result<void> command(const std::string& sql, const Params& p) {
    auto r = exec(sql, p);
    if (!r) return std::unexpected(r.error());
    return {};
  }

  template <class T, class Read>
  Result<std::vector<T>> many(const std::string& sql, const Params& p, Read&& read) {
    auto rows = exec(sql, p);
    if (!rows) return std::unexpected(rows.error());
    std::vector<T> out;
    out.reserve(static_cast<std::size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) out.push_back(read(*rows, i));
    return out;
  }

  template <class T, class Read>
  Result<std::optional<T>> one(const std::string& sql, const Params& p, Read&& read) {
    auto rows = many<T>(sql, p, std::forward<Read>(read));
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<T>();
    return std::optional<T>(std::move(rows->front()));
  }

  PGconn* conn_;
};

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(PostgresOptions o) : o_(std::move(o)) {}

  std::string backend() const override { return "postgres"; }

  Result<void> migrate() override {
    auto conn = acquire();
    if (!conn) return std::unexpected(conn.error());
    auto r = [&]() -> Result<void> {
      if (auto b = simple(conn->get(), "BEGIN"); !b) return b;
      if (auto l = simple(conn->get(), kMigrationLock); !l) return l;
      if (auto c = simple(conn->get(),
                          "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          " version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)");
          !c)
        return c;
      auto v = current_version(conn->get());
      if (!v) return std::unexpected(v.error());
      for (const Migration& m : schema_migrations(SqlDialect::postgres)) {
        if (m.version <= *v) continue;
        for (const std::string& stmt : m.statements)
          if (auto e = simple(conn->get(), stmt); !e) return e;
        if (m.fill) {
          PostgresTx tx(conn->get());
          if (auto f = m.fill(tx); !f) return f;
        }
        if (auto e = simple(conn->get(),
                            "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                                std::to_string(m.version) + ", extract(epoch from now())::bigint)");
            !e)
          return e;
      }
      return simple(conn->get(), "COMMIT");
    }();
    if (!r) (void)simple(conn->get(), "ROLLBACK");
    release(std::move(*conn));
    return r;
  }

  Result<int> schema_version() override {
    auto conn = acquire();
    if (!conn) return std::unexpected(conn.error());
    bool retry = false;
    auto exists = Statement::exec(
        conn->get(), "SELECT to_regclass('schema_migrations') IS NOT NULL", Params(), retry);
    Result<int> out = 0;
    if (!exists)
      out = std::unexpected(exists.error());
    else if (exists->text(0, 0) == "t")
      out = current_version(conn->get());
    release(std::move(*conn));
    return out;
  }

 protected:
  Result<void> run_transaction(const std::function<Result<void>(Tx&)>& body) override {
    auto conn = acquire();
    if (!conn) return std::unexpected(conn.error());
    Error last{Errc::conflict, "postgres: transaction kept conflicting"};
    Result<void> out = std::unexpected(last);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      if (auto b = simple(conn->get(), "BEGIN ISOLATION LEVEL READ COMMITTED"); !b) {
        out = b;
        break;
      }
      PostgresTx tx(conn->get());
      auto r = body(tx);
      if (r) {
        bool retry = false;
        auto c = Statement::exec(conn->get(), "COMMIT", Params(), retry);
        if (c) {
          out = {};
          break;
        }
        (void)simple(conn->get(), "ROLLBACK");
        out = std::unexpected(c.error());
        if (retry) continue;
        break;
      }
      (void)simple(conn->get(), "ROLLBACK");
      out = r;
      if (!tx.retry_requested()) break;
    }
    release(std::move(*conn));
    return out;
  }

 private:
  static Result<void> simple(PGconn* conn, const std::string& sql) {
    bool retry = false;
    auto r = Statement::exec(conn, sql, Params(), retry);
    if (!r) return std::unexpected(r.error());
    return {};
  }

  static Result<int> current_version(PGconn* conn) {
    bool retry = false;
    auto r = Statement::exec(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                             Params(), retry);
    if (!r) return std::unexpected(r.error());
    return static_cast<int>(r->i64(0, 0));
  }

  Result<Conn> acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        Conn c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    return connect(o_.conninfo);
  }

  void release(Conn c) {
    if (PQstatus(c.get()) != CONNECTION_OK || PQtransactionStatus(c.get()) != PQTRANS_IDLE)
      return;  // broken or mid-transaction: drop it
    std::lock_guard lock(mutex_);
    if (idle_.size() < o_.max_connections) idle_.push_back(std::move(c));
  }

 public:
  static Result<Conn> connect(const std::string& conninfo) {
    Conn c(PQconnectdb(conninfo.c_str()));
    if (!c) return fail(Errc::io, "postgres: out of memory");
    if (PQstatus(c.get()) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(c.get());
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return fail(Errc::io, "postgres: cannot connect: " + msg);
    }
    // Server notices ("already exists, skipping") are not errors: keep them
    // off stderr.
    PQsetNoticeProcessor(
        c.get(), [](void*, const char*) {}, nullptr);
    return c;
  }

 private:
  PostgresOptions o_;
  std::mutex mutex_;
  std::vector<Conn> idle_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const PostgresOptions& options) {
  auto c = PostgresStore::connect(options.conninfo);
  if (!c) return std::unexpected(c.error());
  auto store = std::make_unique<PostgresStore>(options);
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace sdc::registry
