// The registry's versioned schema, written once for both stores: the
// placeholders {BLOB}, {INT}, {ZERO32}, {EMPTY} and {SERIAL_KEY} are replaced
// per dialect.
// Internal to the stores (sdc_store_schema); the registry never sees SQL.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sdc/registry/store.h"

namespace sdc::registry {

struct Migration {
  int version = 0;
  std::vector<std::string> statements;
  // Runs after the statements, in the same transaction, where a migration
  // derives data that SQL alone cannot (version 4 packs every card's state
  // into the stored validity list). Empty for most migrations.
  std::function<Result<void>(Tx&)> fill;
};

enum class SqlDialect { sqlite, postgres };

// Every migration, oldest first, with the dialect's types filled in.
std::vector<Migration> schema_migrations(SqlDialect dialect);

// The column lists both stores select, in the order their row readers expect.
inline constexpr const char* kHolderColumns =
    "id, a_number_hash, name_dob_hash, identity, portrait, language, created_at, updated_at";
inline constexpr const char* kCardColumns =
    "document_number, holder_id, card_version, status_index, state, issued_at, expires_at, "
    "barcode, state_reason, updated_at";
inline constexpr const char* kCaseColumns =
    "holder_id, seq, status, effective_date, reason, recorded_by, recorded_at";
inline constexpr const char* kAuditColumns =
    "seq, at, actor, role, action, holder_id, outcome, detail, prev_hash, hash";

// Accounts, sessions, login throttling and offices (version 2).
inline constexpr const char* kAccountColumns =
    "username, user_id, role, password_hash, disabled, created_at, updated_at, office_id";
inline constexpr const char* kSessionColumns =
    "token_hash, user_id, created_at, expires_at, revoked_at";
inline constexpr const char* kThrottleColumns = "username, failures, last_failure_at, locked_until";
inline constexpr const char* kHolderPinColumns =
    "holder_id, user_id, pin_hash, failures, last_failure_at, locked_at, set_by, set_at, "
    "created_at";
inline constexpr const char* kOfficeColumns =
    "id, name, address, time_zone, phone, created_at, updated_at, hours, slot_minutes, "
    "slot_capacity";

// Reporting requirements, appointments, closures, the outbox (version 5).
inline constexpr const char* kClosureColumns = "office_id, date, reason, created_at";
inline constexpr const char* kReportingColumns =
    "holder_id, office_id, cadence_days, window_days, anchor_date, set_by, set_at";
inline constexpr const char* kAppointmentColumns =
    "id, holder_id, office_id, starts_at, ends_at, due_date, state, created_at, updated_at, "
    "updated_by";
inline constexpr const char* kNotificationColumns =
    "id, holder_id, kind, subject_id, dedupe_key, payload, due_at, state, attempts, "
    "next_attempt_at, sent_at, created_at";

// Hearings (version 6).
inline constexpr const char* kHearingColumns =
    "id, a_number_hash, hearing_id, starts_at, time_zone, court_name, court_address, judge, "
    "hearing_type, status, changed_at, previous_starts_at, previous_time_zone, "
    "previous_court_name, previous_court_address, created_at, updated_at";

// Check-ins (version 8).
inline constexpr const char* kCheckInColumns =
    "id, holder_id, office_id, at, method, appointment_id, outcome, recorded_by";

// ---- Audit queries (version 3) ----

// The SELECT for Tx::query_audit, the same for both stores: numbered
// placeholders (?N or $N) and their values in order.
struct AuditQuerySql {
  struct Param {
    bool is_text = false;
    std::string text;
    std::int64_t number = 0;
  };
  std::string sql;
  std::vector<Param> params;
};
AuditQuerySql audit_query_sql(const AuditFilter& filter, SqlDialect dialect);

// ---- end of audit queries ----

}  // namespace sdc::registry
