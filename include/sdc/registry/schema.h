// The registry's versioned schema, written once for both stores: the
// placeholders {BLOB}, {INT} and {ZERO32} are replaced per dialect.
#pragma once

#include <string>
#include <vector>

namespace sdc::registry {

struct Migration {
  int version = 0;
  std::vector<std::string> statements;
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

}  // namespace sdc::registry
