#include "store/schema/schema.h"

#include <algorithm>
#include <string_view>

#include "sdc/credential/status_list.h"

namespace sdc::registry {
namespace {

// Version 1. Personal data lives only in the sealed BLOB columns; lookups
// go through keyed hashes.
const char* const kV1[] = {
    "CREATE TABLE holders ("
    " id TEXT PRIMARY KEY,"
    " a_number_hash {BLOB} NOT NULL UNIQUE,"
    " name_dob_hash {BLOB} NOT NULL,"
    " identity {BLOB} NOT NULL,"
    " portrait {BLOB} NOT NULL,"
    " language TEXT NOT NULL,"
    " created_at {INT} NOT NULL,"
    " updated_at {INT} NOT NULL)",
    "CREATE INDEX holders_name_dob ON holders (name_dob_hash)",
    "CREATE TABLE cards ("
    " document_number TEXT PRIMARY KEY,"
    " holder_id TEXT NOT NULL REFERENCES holders (id),"
    " card_version {INT} NOT NULL,"
    " status_index {INT} NOT NULL UNIQUE,"
    " state {INT} NOT NULL CHECK (state IN (0, 1, 2)),"
    " issued_at {INT} NOT NULL,"
    " expires_at {INT} NOT NULL,"
    " barcode {BLOB} NOT NULL,"
    " state_reason TEXT NOT NULL,"
    " updated_at {INT} NOT NULL,"
    " UNIQUE (holder_id, card_version))",
    "CREATE TABLE case_status ("
    " holder_id TEXT NOT NULL REFERENCES holders (id),"
    " seq {INT} NOT NULL,"
    " status TEXT NOT NULL,"
    " effective_date TEXT NOT NULL,"
    " reason {BLOB} NOT NULL,"
    " recorded_by TEXT NOT NULL,"
    " recorded_at {INT} NOT NULL,"
    " PRIMARY KEY (holder_id, seq))",
    "CREATE TABLE status_list ("
    " id {INT} PRIMARY KEY CHECK (id = 1),"
    " iat {INT} NOT NULL,"
    " token {BLOB} NOT NULL)",
    "INSERT INTO status_list (id, iat, token) VALUES (1, 0, {ZERO32})",
    "CREATE TABLE audit_log ("
    " seq {INT} PRIMARY KEY,"
    " at {INT} NOT NULL,"
    " actor TEXT NOT NULL,"
    " role TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " holder_id TEXT NOT NULL,"
    " outcome TEXT NOT NULL,"
    " detail TEXT NOT NULL,"
    " prev_hash {BLOB} NOT NULL,"
    " hash {BLOB} NOT NULL)",
    "CREATE TABLE audit_head ("
    " id {INT} PRIMARY KEY CHECK (id = 1),"
    " seq {INT} NOT NULL,"
    " hash {BLOB} NOT NULL)",
    "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, {ZERO32})",
    "CREATE TABLE users ("
    " id TEXT PRIMARY KEY,"
    " display_name TEXT NOT NULL,"
    " role TEXT NOT NULL)",
};

// Version 2: service accounts, bearer sessions, login throttling and
// offices, so that several sdcd processes on one database act as one
// service. Tokens are kept only as SHA-256 digests, passwords only as
// Argon2id strings. revoked_at is 0 while a session is live.
const char* const kV2[] = {
    "CREATE TABLE accounts ("
    " username TEXT PRIMARY KEY,"
    " user_id TEXT NOT NULL UNIQUE REFERENCES users (id),"
    " role TEXT NOT NULL,"
    " password_hash TEXT NOT NULL,"
    " disabled {INT} NOT NULL CHECK (disabled IN (0, 1)),"
    " created_at {INT} NOT NULL,"
    " updated_at {INT} NOT NULL)",
    "CREATE TABLE sessions ("
    " token_hash {BLOB} PRIMARY KEY,"
    " user_id TEXT NOT NULL REFERENCES users (id),"
    " created_at {INT} NOT NULL,"
    " expires_at {INT} NOT NULL,"
    " revoked_at {INT} NOT NULL)",
    "CREATE INDEX sessions_user ON sessions (user_id)",
    "CREATE INDEX sessions_expiry ON sessions (expires_at)",
    "CREATE TABLE login_throttle ("
    " username TEXT PRIMARY KEY,"
    " failures {INT} NOT NULL,"
    " last_failure_at {INT} NOT NULL,"
    " locked_until {INT} NOT NULL)",
    "CREATE TABLE offices ("
    " id TEXT PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " address TEXT NOT NULL,"
    " time_zone TEXT NOT NULL,"
    " phone TEXT NOT NULL,"
    " created_at {INT} NOT NULL,"
    " updated_at {INT} NOT NULL)",
};

// Version 3: indexes for the auditors' queries (by holder, by user, by
// time), each ending in seq so that a page is read in chain order.
const char* const kV3[] = {
    "CREATE INDEX audit_log_holder ON audit_log (holder_id, seq)",
    "CREATE INDEX audit_log_actor ON audit_log (actor, seq)",
    "CREATE INDEX audit_log_at ON audit_log (at, seq)",
};

// Version 4: the validity list's packed entries beside its token, so that
// a card change sets its own entry instead of reading every card. Filled
// once from the cards table by fill_status_list_bits.
const char* const kV4[] = {
    "ALTER TABLE status_list ADD COLUMN bits {BLOB} NOT NULL DEFAULT {EMPTY}",
};

// Version 5: reporting appointments. Offices get weekly hours (seven
// "HH:MM-HH:MM" fields, Monday first, empty for closed: see
// format_week_hours), a slot length and a capacity per slot, and closed
// days. Each holder may have one reporting requirement; appointments keep
// their history (state), and at most one is booked per holder and due
// date. slot_places counts the taken places of each slot: a booking takes
// one with a conditional update, so capacity holds under any concurrency.
// The outbox keeps what a holder must be told, once per dedupe_key.
const char* const kV5[] = {
    "ALTER TABLE offices ADD COLUMN hours TEXT NOT NULL DEFAULT '||||||'",
    "ALTER TABLE offices ADD COLUMN slot_minutes {INT} NOT NULL DEFAULT 30",
    "ALTER TABLE offices ADD COLUMN slot_capacity {INT} NOT NULL DEFAULT 1",
    "CREATE TABLE office_closures ("
    " office_id TEXT NOT NULL REFERENCES offices (id),"
    " date TEXT NOT NULL,"
    " reason TEXT NOT NULL,"
    " created_at {INT} NOT NULL,"
    " PRIMARY KEY (office_id, date))",
    "CREATE TABLE reporting_requirements ("
    " holder_id TEXT PRIMARY KEY REFERENCES holders (id),"
    " office_id TEXT NOT NULL REFERENCES offices (id),"
    " cadence_days {INT} NOT NULL,"
    " window_days {INT} NOT NULL,"
    " anchor_date TEXT NOT NULL,"
    " set_by TEXT NOT NULL,"
    " set_at {INT} NOT NULL)",
    "CREATE INDEX reporting_requirements_office ON reporting_requirements (office_id)",
    "CREATE TABLE appointments ("
    " id TEXT PRIMARY KEY,"
    " holder_id TEXT NOT NULL REFERENCES holders (id),"
    " office_id TEXT NOT NULL REFERENCES offices (id),"
    " starts_at {INT} NOT NULL,"
    " ends_at {INT} NOT NULL,"
    " due_date TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled', 'office_closed')),"
    " created_at {INT} NOT NULL,"
    " updated_at {INT} NOT NULL,"
    " updated_by TEXT NOT NULL)",
    "CREATE UNIQUE INDEX appointments_one_per_due_date ON appointments (holder_id, due_date)"
    " WHERE state = 'booked'",
    "CREATE INDEX appointments_holder ON appointments (holder_id, starts_at)",
    "CREATE INDEX appointments_office ON appointments (office_id, starts_at)",
    "CREATE TABLE slot_places ("
    " office_id TEXT NOT NULL REFERENCES offices (id),"
    " starts_at {INT} NOT NULL,"
    " taken {INT} NOT NULL CHECK (taken >= 0),"
    " PRIMARY KEY (office_id, starts_at))",
    "CREATE TABLE notifications ("
    " id TEXT PRIMARY KEY,"
    " holder_id TEXT NOT NULL REFERENCES holders (id),"
    " kind TEXT NOT NULL,"
    " subject_id TEXT NOT NULL,"
    " dedupe_key TEXT NOT NULL UNIQUE,"
    " payload TEXT NOT NULL,"
    " due_at {INT} NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),"
    " attempts {INT} NOT NULL,"
    " next_attempt_at {INT} NOT NULL,"
    " sent_at {INT} NOT NULL,"
    " created_at {INT} NOT NULL)",
    "CREATE INDEX notifications_holder ON notifications (holder_id, created_at)",
    "CREATE INDEX notifications_due ON notifications (state, next_attempt_at)",
};

// Version 6: the court calendar's hearings, keyed by the A-number's
// lookup hash so that hearings of someone not yet enrolled wait for them.
// A hearing is (a_number_hash, hearing_id); the previous_* columns keep
// the date and court before their last change (changed_at, 0 for none).
const char* const kV6[] = {
    "CREATE TABLE hearings ("
    " id TEXT PRIMARY KEY,"
    " a_number_hash {BLOB} NOT NULL,"
    " hearing_id TEXT NOT NULL,"
    " starts_at {INT} NOT NULL,"
    " time_zone TEXT NOT NULL,"
    " court_name TEXT NOT NULL,"
    " court_address TEXT NOT NULL,"
    " judge TEXT NOT NULL,"
    " hearing_type TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " changed_at {INT} NOT NULL,"
    " previous_starts_at {INT} NOT NULL,"
    " previous_time_zone TEXT NOT NULL,"
    " previous_court_name TEXT NOT NULL,"
    " previous_court_address TEXT NOT NULL,"
    " created_at {INT} NOT NULL,"
    " updated_at {INT} NOT NULL,"
    " UNIQUE (a_number_hash, hearing_id))",
    "CREATE INDEX hearings_a_number_starts ON hearings (a_number_hash, starts_at)",
};

// Version 7: holders' PINs (holder_login_tx.h). One row per holder, with
// its own user (role holder) for sessions and the audit trail; the PIN
// only as an Argon2id string. locked_at is 0 while not locked; a lockout
// lasts until a new PIN is set.
const char* const kV7[] = {
    "CREATE TABLE holder_pins ("
    " holder_id TEXT PRIMARY KEY REFERENCES holders (id),"
    " user_id TEXT NOT NULL UNIQUE REFERENCES users (id),"
    " pin_hash TEXT NOT NULL,"
    " failures {INT} NOT NULL,"
    " last_failure_at {INT} NOT NULL,"
    " locked_at {INT} NOT NULL,"
    " set_by TEXT NOT NULL,"
    " set_at {INT} NOT NULL,"
    " created_at {INT} NOT NULL)",
};

// Version 8: check-ins (check_in_tx.h). office_id is empty for an online
// check-in; appointment_id is empty when no appointment was matched.
const char* const kV8[] = {
    "CREATE TABLE check_ins ("
    " id TEXT PRIMARY KEY,"
    " holder_id TEXT NOT NULL REFERENCES holders (id),"
    " office_id TEXT NOT NULL,"
    " at {INT} NOT NULL,"
    " method TEXT NOT NULL CHECK (method IN ('kiosk', 'online', 'officer')),"
    " appointment_id TEXT NOT NULL,"
    " outcome TEXT NOT NULL CHECK (outcome IN ('on_time', 'late', 'no_appointment')),"
    " recorded_by TEXT NOT NULL)",
    "CREATE INDEX check_ins_holder ON check_ins (holder_id, at)",
};

// Version 9: a service account's office (offices.id), empty when it has none.
const char* const kV9[] = {
    "ALTER TABLE accounts ADD COLUMN office_id TEXT NOT NULL DEFAULT ''",
};

// Version 10: card changes queued for the next publication of the validity
// list (CardTx::queue_status_change), oldest first by seq.
const char* const kV10[] = {
    "CREATE TABLE status_list_changes ("
    " seq {SERIAL_KEY},"
    " status_index {INT} NOT NULL,"
    " state {INT} NOT NULL)",
};

// Packs every card's state, as far as the highest status index; the
// registry pads the entries to its list size when it next publishes.
Result<void> fill_status_list_bits(CardTx& tx) {
  auto states = tx.card_states();
  if (!states) return std::unexpected(states.error());
  std::uint64_t entries = 0;
  for (auto [index, state] : *states) entries = std::max(entries, index + 1);
  if (entries == 0) return tx.save_status_list_bits({});
  auto list = StatusList::create(static_cast<std::size_t>((entries + 3) / 4 * 4));
  if (!list) return std::unexpected(list.error());
  for (auto [index, state] : *states) list->set(index, static_cast<std::uint8_t>(state));
  return tx.save_status_list_bits(list->bytes());
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// One migration with the dialect's types filled in.
template <std::size_t N>
Migration for_dialect(int version, const char* const (&statements)[N], SqlDialect dialect) {
  const bool pg = dialect == SqlDialect::postgres;
  Migration m{version, {}, {}};
  for (const char* stmt : statements) {
    std::string s = stmt;
    replace_all(s, "{BLOB}", pg ? "BYTEA" : "BLOB");
    replace_all(s, "{INT}", pg ? "BIGINT" : "INTEGER");
    replace_all(s, "{ZERO32}", pg ? "decode(repeat('00', 32), 'hex')" : "zeroblob(32)");
    replace_all(s, "{EMPTY}", pg ? "decode('', 'hex')" : "X''");
    replace_all(s, "{SERIAL_KEY}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY");
    m.statements.push_back(std::move(s));
  }
  return m;
}

}  // namespace

std::vector<Migration> schema_migrations(SqlDialect dialect) {
  std::vector<Migration> out;
  out.push_back(for_dialect(1, kV1, dialect));
  out.push_back(for_dialect(2, kV2, dialect));
  out.push_back(for_dialect(3, kV3, dialect));
  out.push_back(for_dialect(4, kV4, dialect));
  out.back().fill = fill_status_list_bits;
  out.push_back(for_dialect(5, kV5, dialect));
  out.push_back(for_dialect(6, kV6, dialect));
  out.push_back(for_dialect(7, kV7, dialect));
  out.push_back(for_dialect(8, kV8, dialect));
  out.push_back(for_dialect(9, kV9, dialect));
  out.push_back(for_dialect(10, kV10, dialect));
  return out;
}

// ---- Audit queries (version 3) ----

AuditQuerySql audit_query_sql(const AuditFilter& f, SqlDialect dialect) {
  AuditQuerySql q;
  q.sql = std::string("SELECT ") + kAuditColumns + " FROM audit_log WHERE 1 = 1";
  auto placeholder = [&] {
    return (dialect == SqlDialect::postgres ? "$" : "?") + std::to_string(q.params.size());
  };
  auto where_text = [&](const char* condition, const std::string& value) {
    q.params.push_back({true, value, 0});
    q.sql += std::string(" AND ") + condition + " " + placeholder();
  };
  auto where_number = [&](const char* condition, std::int64_t value) {
    q.params.push_back({false, {}, value});
    q.sql += std::string(" AND ") + condition + " " + placeholder();
  };
  if (!f.holder_id.empty()) where_text("holder_id =", f.holder_id);
  if (!f.actor.empty()) where_text("actor =", f.actor);
  if (!f.action.empty()) where_text("action =", f.action);
  if (f.from) where_number("at >=", *f.from);
  if (f.to) where_number("at <", *f.to);
  const bool newest = f.order == AuditFilter::Order::newest_first;
  if (f.after != 0) where_number(newest ? "seq <" : "seq >", static_cast<std::int64_t>(f.after));
  q.params.push_back({false, {}, static_cast<std::int64_t>(f.limit)});
  q.sql += std::string(" ORDER BY seq ") + (newest ? "DESC" : "ASC") + " LIMIT " + placeholder();
  return q;
}

// ---- end of audit queries ----

}  // namespace sdc::registry
