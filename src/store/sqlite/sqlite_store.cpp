// The Store on one SQLite file. Changes go through one writing connection,
// used by one transaction at a time (a mutex); other processes on the same
// file wait on BEGIN IMMEDIATE for up to the busy timeout. Read-only
// transactions run on a small pool of reading connections, which WAL lets
// proceed while a commit is being written. Each connection keeps its
// prepared statements.
#include "sdc/registry/sqlite_store.h"

#include <condition_variable>
#include <mutex>
#include <vector>

#include "store/schema/schema.h"
#include "store/sqlite/sqlite_handle.h"

namespace sdc::registry {
namespace {

using sqlite::Db;
using sqlite::Stmt;

Error sqlite_error(sqlite3* db, std::string_view what) {
  return Error{Errc::io, "sqlite: " + std::string(what) + ": " + sqlite3_errmsg(db)};
}

Result<void> exec_script(sqlite3* db, const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return fail(Errc::io, "sqlite: " + m);
  }
  return {};
}

HolderRow holder_from(const Stmt& s) {
  return HolderRow{s.text(0), s.blob(1), s.blob(2), s.blob(3),
                   s.blob(4), s.text(5), s.i64(6),  s.i64(7)};
}

CardRow card_from(const Stmt& s) {
  return CardRow{s.text(0), s.text(1), s.u64(2),  s.u64(3),  static_cast<CardState>(s.i64(4)),
                 s.i64(5),  s.i64(6),  s.blob(7), s.text(8), s.i64(9)};
}

AuditEvent audit_from(const Stmt& s) {
  return AuditEvent{s.u64(0),  s.i64(1),  s.text(2), s.text(3), s.text(4),
                    s.text(5), s.text(6), s.text(7), s.blob(8), s.blob(9)};
}

// ---- accounts, sessions, login throttling, offices ----

// Reads an account from columns `at`..`at + 6` (kAccountColumns order).
AccountRow account_from(const Stmt& s, int at, std::optional<Error>& bad) {
  auto role = parse_role(s.text(at + 2));
  if (!role) bad = role.error();
  return AccountRow{s.text(at),     s.text(at + 1),     role.value_or(Role::kiosk),
                    s.text(at + 3), s.i64(at + 4) != 0, s.i64(at + 5),
                    s.i64(at + 6)};
}

SessionRow session_from(const Stmt& s) {
  return SessionRow{s.blob(0), s.text(1), s.i64(2), s.i64(3), s.i64(4)};
}

LoginThrottleRow throttle_from(const Stmt& s) {
  return LoginThrottleRow{s.text(0), s.u64(1), s.i64(2), s.i64(3)};
}

OfficeRow office_from(const Stmt& s) {
  return OfficeRow{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.i64(5), s.i64(6)};
}

// ---- end of accounts, sessions, login throttling, offices ----

class SqliteTx final : public Tx {
 public:
  SqliteTx(sqlite3* db, sqlite::StmtCache& cache) : db_(db), cache_(cache) {}

  Result<void> insert_holder(const HolderRow& r) override {
    auto s = prepare(std::string("INSERT INTO holders (") + kHolderColumns +
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!s) return std::unexpected(s.error());
    s->bind(1, r.id).bind(2, r.a_number_hash).bind(3, r.name_dob_hash).bind(4, r.sealed_identity);
    s->bind(5, r.sealed_portrait).bind(6, r.language).bind(7, r.created_at).bind(8, r.updated_at);
    return done(*s, "insert holder");
  }

  Result<void> update_holder(const HolderRow& r) override {
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

  Result<std::optional<HolderRow>> get_holder(const std::string& id) override {
    return one<HolderRow>(
        std::string("SELECT ") + kHolderColumns + " FROM holders WHERE id = ?1",
        [&](Stmt& s) { s.bind(1, id); }, holder_from);
  }

  Result<std::optional<HolderRow>> find_holder_by_a_number_hash(ByteView hash) override {
    return one<HolderRow>(
        std::string("SELECT ") + kHolderColumns + " FROM holders WHERE a_number_hash = ?1",
        [&](Stmt& s) { s.bind(1, hash); }, holder_from);
  }

  Result<std::vector<HolderRow>> find_holders_by_name_dob_hash(ByteView hash) override {
    return many<HolderRow>(
        std::string("SELECT ") + kHolderColumns +
            " FROM holders WHERE name_dob_hash = ?1 ORDER BY created_at, id",
        [&](Stmt& s) { s.bind(1, hash); }, holder_from);
  }

  Result<void> insert_card(const CardRow& r) override {
    auto s = prepare(std::string("INSERT INTO cards (") + kCardColumns +
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!s) return std::unexpected(s.error());
    s->bind(1, r.document_number).bind(2, r.holder_id).bind(3, r.card_version);
    s->bind(4, r.status_index).bind(5, static_cast<std::int64_t>(r.state)).bind(6, r.issued_at);
    s->bind(7, r.expires_at).bind(8, r.sealed_barcode).bind(9, r.state_reason);
    s->bind(10, r.updated_at);
    return done(*s, "insert card");
  }

  Result<void> update_card_state(const std::string& document_number, CardState state,
                                 const std::string& reason, UnixTime at) override {
    auto s = prepare(
        "UPDATE cards SET state = ?2, state_reason = ?3, updated_at = ?4 WHERE document_number = "
        "?1");
    if (!s) return std::unexpected(s.error());
    s->bind(1, document_number).bind(2, static_cast<std::int64_t>(state)).bind(3, reason);
    s->bind(4, at);
    if (auto d = done(*s, "update card"); !d) return d;
    if (sqlite3_changes(db_) != 1)
      return fail(Errc::not_found, "no card with document number " + document_number);
    return {};
  }

  Result<std::optional<CardRow>> get_card(const std::string& document_number) override {
    return one<CardRow>(
        std::string("SELECT ") + kCardColumns + " FROM cards WHERE document_number = ?1",
        [&](Stmt& s) { s.bind(1, document_number); }, card_from);
  }

  Result<std::vector<CardRow>> cards_of_holder(const std::string& holder_id) override {
    return many<CardRow>(
        std::string("SELECT ") + kCardColumns +
            " FROM cards WHERE holder_id = ?1 ORDER BY card_version",
        [&](Stmt& s) { s.bind(1, holder_id); }, card_from);
  }

  Result<bool> document_number_taken(const std::string& document_number) override {
    auto r = one<bool>(
        "SELECT 1 FROM cards WHERE document_number = ?1",
        [&](Stmt& s) { s.bind(1, document_number); }, [](const Stmt&) { return true; });
    if (!r) return std::unexpected(r.error());
    return r->has_value();
  }

  Result<bool> status_index_taken(std::uint64_t index) override {
    auto r = one<bool>(
        "SELECT 1 FROM cards WHERE status_index = ?1", [&](Stmt& s) { s.bind(1, index); },
        [](const Stmt&) { return true; });
    if (!r) return std::unexpected(r.error());
    return r->has_value();
  }

  Result<std::vector<std::pair<std::uint64_t, CardState>>> card_states() override {
    return many<std::pair<std::uint64_t, CardState>>(
        "SELECT status_index, state FROM cards", [](Stmt&) {},
        [](const Stmt& s) {
          return std::pair{s.u64(0), static_cast<CardState>(s.i64(1))};
        });
  }

  Result<void> insert_case_status(const CaseStatusRow& r) override {
    auto s = prepare(std::string("INSERT INTO case_status (") + kCaseColumns +
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!s) return std::unexpected(s.error());
    s->bind(1, r.holder_id).bind(2, r.seq).bind(3, to_string(r.status)).bind(4, r.effective_date);
    s->bind(5, r.sealed_reason).bind(6, r.recorded_by).bind(7, r.recorded_at);
    return done(*s, "insert case status");
  }

  Result<std::vector<CaseStatusRow>> case_status_history(const std::string& holder_id) override {
    std::optional<Error> bad;
    auto rows = many<CaseStatusRow>(
        std::string("SELECT ") + kCaseColumns +
            " FROM case_status WHERE holder_id = ?1 ORDER BY seq",
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

  Result<std::optional<PublishedStatusList>> lock_status_list() override {
    // BEGIN IMMEDIATE already holds the database's write lock.
    auto r = one<PublishedStatusList>(
        "SELECT iat, token FROM status_list WHERE id = 1", [](Stmt&) {},
        [](const Stmt& s) {
          return PublishedStatusList{s.i64(0), s.blob(1)};
        });
    if (!r) return std::unexpected(r.error());
    if (!*r || (*r)->iat == 0) return std::optional<PublishedStatusList>();
    return r;
  }

  // ---- validity list entries ----

  Result<Bytes> status_list_bits() override {
    auto r = one<Bytes>(
        "SELECT bits FROM status_list WHERE id = 1", [](Stmt&) {},
        [](const Stmt& s) { return s.blob(0); });
    if (!r) return std::unexpected(r.error());
    if (!*r) return fail(Errc::internal, "status list row missing: run the migrations");
    return std::move(**r);
  }

  Result<void> save_status_list_bits(ByteView bits) override {
    auto s = prepare("UPDATE status_list SET bits = ?1 WHERE id = 1");
    if (!s) return std::unexpected(s.error());
    s->bind(1, bits);
    if (auto d = done(*s, "save status list entries"); !d) return d;
    if (sqlite3_changes(db_) != 1)
      return fail(Errc::internal, "status list row missing: run the migrations");
    return {};
  }

  Result<void> save_status_list(const PublishedStatusList& list, ByteView bits) override {
    auto s =
        prepare("UPDATE status_list SET iat = ?1, token = ?2, bits = ?3 WHERE id = 1 AND iat < ?1");
    if (!s) return std::unexpected(s.error());
    s->bind(1, list.iat).bind(2, list.token).bind(3, bits);
    if (auto d = done(*s, "save status list"); !d) return d;
    if (sqlite3_changes(db_) != 1) {
      request_retry();
      return fail(Errc::conflict, "a newer status list was published meanwhile");
    }
    return {};
  }

  Result<AuditHead> lock_audit_head() override {
    auto r = one<AuditHead>(
        "SELECT seq, hash FROM audit_head WHERE id = 1", [](Stmt&) {},
        [](const Stmt& s) {
          return AuditHead{s.u64(0), s.blob(1)};
        });
    if (!r) return std::unexpected(r.error());
    if (!*r) return fail(Errc::internal, "audit head missing: run the migrations");
    return **r;
  }

  using Tx::append_audit;
  Result<void> append_audit(std::span<const AuditEvent> events) override {
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

  Result<std::vector<AuditEvent>> audit_events(std::uint64_t from_seq, std::size_t limit) override {
    return many<AuditEvent>(
        std::string("SELECT ") + kAuditColumns +
            " FROM audit_log WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
        [&](Stmt& s) { s.bind(1, from_seq).bind(2, static_cast<std::uint64_t>(limit)); },
        audit_from);
  }

  // ---- Audit queries (auditors; schema version 3) ----
  Result<std::vector<AuditEvent>> query_audit(const AuditFilter& filter) override {
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
  // ---- end of audit queries ----

  Result<void> upsert_user(const User& u) override {
    auto s = prepare(
        "INSERT INTO users (id, display_name, role) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO "
        "UPDATE SET display_name = excluded.display_name, role = excluded.role");
    if (!s) return std::unexpected(s.error());
    s->bind(1, u.id).bind(2, u.display_name).bind(3, to_string(u.role));
    return done(*s, "save user");
  }

  Result<std::optional<User>> get_user(const std::string& id) override {
    std::optional<Error> bad;
    auto r = one<User>(
        "SELECT id, display_name, role FROM users WHERE id = ?1", [&](Stmt& s) { s.bind(1, id); },
        [&](const Stmt& s) {
          auto role = parse_role(s.text(2));
          if (!role) bad = role.error();
          return User{s.text(0), s.text(1), role.value_or(Role::kiosk)};
        });
    if (bad) return std::unexpected(*bad);
    return r;
  }

  // ---- accounts, sessions, login throttling, offices ----

  Result<void> insert_account(const AccountRow& r) override {
    auto s = prepare(std::string("INSERT INTO accounts (") + kAccountColumns +
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
    if (!s) return std::unexpected(s.error());
    s->bind(1, r.username).bind(2, r.user_id).bind(3, to_string(r.role)).bind(4, r.password_hash);
    s->bind(5, std::int64_t{r.disabled ? 1 : 0}).bind(6, r.created_at).bind(7, r.updated_at);
    if (auto d = done(*s, "insert account"); !d) return d;
    if (sqlite3_changes(db_) != 1) return fail(Errc::conflict, "username: already taken");
    return {};
  }

  Result<std::optional<AccountRow>> get_account(const std::string& username) override {
    std::optional<Error> bad;
    auto r = one<AccountRow>(
        std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE username = ?1",
        [&](Stmt& s) { s.bind(1, username); },
        [&](const Stmt& s) { return account_from(s, 0, bad); });
    if (bad) return std::unexpected(*bad);
    return r;
  }

  Result<std::vector<AccountRow>> list_accounts() override {
    std::optional<Error> bad;
    auto r = many<AccountRow>(
        std::string("SELECT ") + kAccountColumns + " FROM accounts ORDER BY username", [](Stmt&) {},
        [&](const Stmt& s) { return account_from(s, 0, bad); });
    if (bad) return std::unexpected(*bad);
    return r;
  }

  Result<void> set_account_disabled(const std::string& username, bool disabled,
                                    UnixTime at) override {
    auto s = prepare("UPDATE accounts SET disabled = ?2, updated_at = ?3 WHERE username = ?1");
    if (!s) return std::unexpected(s.error());
    s->bind(1, username).bind(2, std::int64_t{disabled ? 1 : 0}).bind(3, at);
    if (auto d = done(*s, "update account"); !d) return d;
    if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no such user");
    return {};
  }

  Result<void> insert_session(const SessionRow& r) override {
    auto s = prepare(std::string("INSERT INTO sessions (") + kSessionColumns +
                     ") VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!s) return std::unexpected(s.error());
    s->bind(1, r.token_hash).bind(2, r.user_id).bind(3, r.created_at).bind(4, r.expires_at);
    s->bind(5, r.revoked_at);
    return done(*s, "insert session");
  }

  Result<std::optional<ActiveSession>> find_active_session(ByteView token_hash,
                                                           UnixTime now) override {
    std::optional<Error> bad;
    auto r = one<ActiveSession>(
        "SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, s.revoked_at,"
        " a.username, a.user_id, a.role, a.password_hash, a.disabled, a.created_at, a.updated_at"
        " FROM sessions s JOIN accounts a ON a.user_id = s.user_id"
        " WHERE s.token_hash = ?1 AND s.revoked_at = 0 AND s.expires_at > ?2 AND a.disabled = 0",
        [&](Stmt& s) { s.bind(1, token_hash).bind(2, now); },
        [&](const Stmt& s) {
          return ActiveSession{session_from(s), account_from(s, 5, bad)};
        });
    if (bad) return std::unexpected(*bad);
    return r;
  }

  Result<bool> revoke_session(ByteView token_hash, UnixTime at) override {
    auto s = prepare(
        "UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at = 0"
        " AND expires_at > ?2");
    if (!s) return std::unexpected(s.error());
    s->bind(1, token_hash).bind(2, at);
    if (auto d = done(*s, "revoke session"); !d) return std::unexpected(d.error());
    return sqlite3_changes(db_) == 1;
  }

  Result<std::uint64_t> revoke_sessions_of_user(const std::string& user_id, UnixTime at) override {
    auto s = prepare(
        "UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at = 0"
        " AND expires_at > ?2");
    if (!s) return std::unexpected(s.error());
    s->bind(1, user_id).bind(2, at);
    if (auto d = done(*s, "revoke sessions"); !d) return std::unexpected(d.error());
    return static_cast<std::uint64_t>(sqlite3_changes(db_));
  }

  Result<std::optional<LoginThrottleRow>> get_login_throttle(const std::string& username) override {
    return one<LoginThrottleRow>(
        std::string("SELECT ") + kThrottleColumns + " FROM login_throttle WHERE username = ?1",
        [&](Stmt& s) { s.bind(1, username); }, throttle_from);
  }

  Result<LoginThrottleRow> count_login_failure(const std::string& username, UnixTime now,
                                               UnixTime window_start) override {
    auto r = one<LoginThrottleRow>(
        std::string("INSERT INTO login_throttle (") + kThrottleColumns +
            ") VALUES (?1, 1, ?2, 0) ON CONFLICT (username) DO UPDATE SET"
            " failures = CASE WHEN login_throttle.last_failure_at < ?3 THEN 1"
            " ELSE login_throttle.failures + 1 END, last_failure_at = ?2 RETURNING " +
            kThrottleColumns,
        [&](Stmt& s) { s.bind(1, username).bind(2, now).bind(3, window_start); }, throttle_from);
    if (!r) return std::unexpected(r.error());
    if (!*r) return fail(Errc::internal, "sqlite: login throttle row missing");
    return **r;
  }

  Result<void> lock_login(const std::string& username, UnixTime until) override {
    auto s = prepare(std::string("INSERT INTO login_throttle (") + kThrottleColumns +
                     ") VALUES (?1, 0, 0, ?2) ON CONFLICT (username) DO UPDATE SET"
                     " failures = 0, locked_until = ?2");
    if (!s) return std::unexpected(s.error());
    s->bind(1, username).bind(2, until);
    return done(*s, "lock login");
  }

  Result<void> clear_login_throttle(const std::string& username) override {
    auto s = prepare("DELETE FROM login_throttle WHERE username = ?1");
    if (!s) return std::unexpected(s.error());
    s->bind(1, username);
    return done(*s, "clear login throttle");
  }

  Result<std::uint64_t> purge_login_state(UnixTime now, UnixTime window_start) override {
    auto s = prepare("DELETE FROM sessions WHERE expires_at <= ?1");
    if (!s) return std::unexpected(s.error());
    s->bind(1, now);
    if (auto d = done(*s, "purge sessions"); !d) return std::unexpected(d.error());
    auto n = static_cast<std::uint64_t>(sqlite3_changes(db_));
    auto t =
        prepare("DELETE FROM login_throttle WHERE locked_until <= ?1 AND last_failure_at < ?2");
    if (!t) return std::unexpected(t.error());
    t->bind(1, now).bind(2, window_start);
    if (auto d = done(*t, "purge login throttle"); !d) return std::unexpected(d.error());
    return n + static_cast<std::uint64_t>(sqlite3_changes(db_));
  }

  Result<void> insert_office(const OfficeRow& r) override {
    auto s = prepare(std::string("INSERT INTO offices (") + kOfficeColumns +
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
    if (!s) return std::unexpected(s.error());
    s->bind(1, r.id).bind(2, r.name).bind(3, r.address).bind(4, r.time_zone).bind(5, r.phone);
    s->bind(6, r.created_at).bind(7, r.updated_at);
    if (auto d = done(*s, "insert office"); !d) return d;
    if (sqlite3_changes(db_) != 1) return fail(Errc::conflict, "name: an office has this name");
    return {};
  }

  Result<void> update_office(const OfficeRow& r) override {
    auto taken = one<bool>(
        "SELECT 1 FROM offices WHERE name = ?1 AND id <> ?2",
        [&](Stmt& s) { s.bind(1, r.name).bind(2, r.id); }, [](const Stmt&) { return true; });
    if (!taken) return std::unexpected(taken.error());
    if (*taken) return fail(Errc::conflict, "name: an office has this name");
    auto s = prepare(
        "UPDATE offices SET name = ?2, address = ?3, time_zone = ?4, phone = ?5, updated_at = ?6"
        " WHERE id = ?1");
    if (!s) return std::unexpected(s.error());
    s->bind(1, r.id).bind(2, r.name).bind(3, r.address).bind(4, r.time_zone).bind(5, r.phone);
    s->bind(6, r.updated_at);
    if (auto d = done(*s, "update office"); !d) return d;
    if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no office with id " + r.id);
    return {};
  }

  Result<std::optional<OfficeRow>> get_office(const std::string& id) override {
    return one<OfficeRow>(
        std::string("SELECT ") + kOfficeColumns + " FROM offices WHERE id = ?1",
        [&](Stmt& s) { s.bind(1, id); }, office_from);
  }

  Result<std::vector<OfficeRow>> list_offices() override {
    return many<OfficeRow>(
        std::string("SELECT ") + kOfficeColumns + " FROM offices ORDER BY name, id", [](Stmt&) {},
        office_from);
  }

  Result<void> delete_office(const std::string& id) override {
    auto s = prepare("DELETE FROM offices WHERE id = ?1");
    if (!s) return std::unexpected(s.error());
    s->bind(1, id);
    if (auto d = done(*s, "delete office"); !d) return d;
    if (sqlite3_changes(db_) != 1) return fail(Errc::not_found, "no office with id " + id);
    return {};
  }

  // ---- end of accounts, sessions, login throttling, offices ----

 private:
  Result<Stmt> prepare(const std::string& sql) { return cache_.prepare(sql); }

  Result<void> done(Stmt& s, std::string_view what) {
    int rc = s.step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return {};
    return step_error(rc, what);
  }

  std::unexpected<Error> step_error(int rc, std::string_view what) {
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
      request_retry();
      return std::unexpected(Error{
          Errc::conflict, "sqlite: " + std::string(what) + ": a unique value is already taken"});
    }
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) request_retry();
    return std::unexpected(sqlite_error(db_, what));
  }

  template <class T, class Bind, class Read>
  Result<std::vector<T>> many(const std::string& sql, Bind&& bind, Read&& read) {
    auto s = prepare(sql);
    if (!s) return std::unexpected(s.error());
    bind(*s);
    std::vector<T> out;
    for (;;) {
      int rc = s->step();
      if (rc == SQLITE_DONE) return out;
      if (rc != SQLITE_ROW) return step_error(rc, "query");
      out.push_back(read(*s));
    }
  }

  template <class T, class Bind, class Read>
  Result<std::optional<T>> one(const std::string& sql, Bind&& bind, Read&& read) {
    auto rows = many<T>(sql, std::forward<Bind>(bind), std::forward<Read>(read));
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<T>();
    return std::optional<T>(std::move(rows->front()));
  }

  sqlite3* db_;
  sqlite::StmtCache& cache_;
};

// One open connection and the statements prepared on it.
struct Connection {
  explicit Connection(Db d) : db(std::move(d)), statements(db.get()) {}
  Db db;
  sqlite::StmtCache statements;  // destroyed before db
};

Result<Db> open_connection(const SqliteOptions& options, bool reader) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(options.path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK)
    return fail(Errc::io, "sqlite: cannot open " + options.path.string() + ": " +
                              (raw ? sqlite3_errmsg(raw) : "out of memory"));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
  // WAL with synchronous=FULL: a commit is on disk when COMMIT returns.
  // A reading connection refuses any write.
  std::vector<const char*> pragmas = {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                                      "PRAGMA foreign_keys = ON"};
  if (reader) pragmas.push_back("PRAGMA query_only = ON");
  for (const char* pragma : pragmas) {
    auto s = Stmt::prepare(db.get(), pragma);
    if (!s) return std::unexpected(s.error());
    int step = s->step();
    if (step != SQLITE_ROW && step != SQLITE_DONE)
      return fail(Errc::io, "sqlite: " + std::string(pragma) + ": " + sqlite3_errmsg(db.get()));
    if (std::string_view(pragma).find("journal_mode") != std::string_view::npos &&
        s->text(0) != "wal")
      return fail(Errc::io, "sqlite: " + options.path.string() + " cannot use WAL mode");
  }
  return db;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(SqliteOptions options, Db db)
      : options_(std::move(options)), writer_(std::move(db)), db_(writer_.db) {}

  std::string backend() const override { return "sqlite"; }

  Result<void> migrate() override {
    std::lock_guard lock(mutex_);
    if (auto b = exec_script(db_.get(), "BEGIN IMMEDIATE"); !b) return b;
    auto r = [&]() -> Result<void> {
      if (auto c = exec_script(db_.get(),
                               "CREATE TABLE IF NOT EXISTS schema_migrations ("
                               " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
          !c)
        return c;
      auto v = current_version();
      if (!v) return std::unexpected(v.error());
      for (const Migration& m : schema_migrations(SqlDialect::sqlite)) {
        if (m.version <= *v) continue;
        for (const std::string& stmt : m.statements)
          if (auto e = exec_script(db_.get(), stmt); !e) return e;
        if (m.fill) {
          SqliteTx tx(db_.get(), writer_.statements);
          if (auto f = m.fill(tx); !f) return f;
        }
        if (auto e = exec_script(db_.get(),
                                 "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                                     std::to_string(m.version) + ", unixepoch())");
            !e)
          return e;
      }
      return exec_script(db_.get(), "COMMIT");
    }();
    if (!r) (void)exec_script(db_.get(), "ROLLBACK");
    return r;
  }

  Result<int> schema_version() override {
    std::lock_guard lock(mutex_);
    auto exists = Stmt::prepare(
        db_.get(),
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!exists) return std::unexpected(exists.error());
    if (exists->step() != SQLITE_ROW) return 0;
    return current_version();
  }

 protected:
  Result<void> run_transaction(const std::function<Result<void>(Tx&)>& body) override {
    std::lock_guard lock(mutex_);
    Error last{Errc::conflict, "sqlite: transaction kept conflicting"};
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      if (auto b = exec_script(db_.get(), "BEGIN IMMEDIATE"); !b) {
        last = b.error();
        continue;  // busy past the timeout: try again
      }
      SqliteTx tx(db_.get(), writer_.statements);
      auto r = body(tx);
      if (r) {
        if (auto c = exec_script(db_.get(), "COMMIT"); !c) {
          (void)exec_script(db_.get(), "ROLLBACK");
          return c;
        }
        return {};
      }
      (void)exec_script(db_.get(), "ROLLBACK");
      if (!tx.retry_requested()) return r;
      last = r.error();
    }
    return std::unexpected(last);
  }

  Result<void> run_read_transaction(const std::function<Result<void>(Tx&)>& body) override {
    auto conn = take_reader();
    if (!conn) return std::unexpected(conn.error());
    struct Return {
      SqliteStore* store;
      std::unique_ptr<Connection>& c;
      ~Return() { store->give_back(std::move(c)); }
    } back{this, *conn};
    sqlite3* db = (*conn)->db.get();
    Error last{Errc::conflict, "sqlite: read transaction kept failing"};
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      if (auto b = exec_script(db, "BEGIN"); !b) {
        last = b.error();
        continue;
      }
      SqliteTx tx(db, (*conn)->statements);
      auto r = body(tx);
      (void)exec_script(db, "COMMIT");  // ends the read; nothing to write
      if (r || !tx.retry_requested()) return r;
      last = r.error();
    }
    return std::unexpected(last);
  }

 private:
  // At most this many reading connections; more readers wait for one.
  static constexpr std::size_t kMaxReaders = 4;

  Result<std::unique_ptr<Connection>> take_reader() {
    std::unique_lock lock(readers_mutex_);
    for (;;) {
      if (!idle_readers_.empty()) {
        auto c = std::move(idle_readers_.back());
        idle_readers_.pop_back();
        return c;
      }
      if (open_readers_ < kMaxReaders) break;
      reader_free_.wait(lock);
    }
    ++open_readers_;
    lock.unlock();
    auto db = open_connection(options_, true);
    if (!db) {
      lock.lock();
      --open_readers_;
      reader_free_.notify_one();
      return std::unexpected(db.error());
    }
    return std::make_unique<Connection>(std::move(*db));
  }

  void give_back(std::unique_ptr<Connection> c) {
    std::lock_guard lock(readers_mutex_);
    idle_readers_.push_back(std::move(c));
    reader_free_.notify_one();
  }

  Result<int> current_version() {
    auto s = Stmt::prepare(db_.get(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!s) return std::unexpected(s.error());
    if (s->step() != SQLITE_ROW) return std::unexpected(sqlite_error(db_.get(), "schema version"));
    return static_cast<int>(s->i64(0));
  }

  SqliteOptions options_;
  std::mutex mutex_;  // the writing connection's
  Connection writer_;
  Db& db_;  // writer_.db
  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  std::size_t open_readers_ = 0;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options) {
  auto db = open_connection(options, false);
  if (!db) return std::unexpected(db.error());
  return std::unique_ptr<Store>(new SqliteStore(options, std::move(*db)));
}

}  // namespace sdc::registry
