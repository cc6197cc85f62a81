#include "sdc/registry/schema.h"

#include <string_view>

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

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

}  // namespace

std::vector<Migration> schema_migrations(SqlDialect dialect) {
  const bool pg = dialect == SqlDialect::postgres;
  Migration v1{1, {}};
  for (const char* stmt : kV1) {
    std::string s = stmt;
    replace_all(s, "{BLOB}", pg ? "BYTEA" : "BLOB");
    replace_all(s, "{INT}", pg ? "BIGINT" : "INTEGER");
    replace_all(s, "{ZERO32}", pg ? "decode(repeat('00', 32), 'hex')" : "zeroblob(32)");
    v1.statements.push_back(std::move(s));
  }
  return {std::move(v1)};
}

}  // namespace sdc::registry
