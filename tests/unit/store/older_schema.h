// A database at an older schema version, built behind the store's back,
// for tests of what a later migration does to existing data.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "store/schema/schema.h"
#include "unit/store/store_env.h"

namespace sdc::testing {

// Applies migrations 1..`version` of `backend` ("sqlite" or "postgres") to
// the empty database of `env` and records them as the store would, so that
// Store::migrate() applies only the later ones.
inline void apply_migrations_up_to(StoreEnv& env, const std::string& backend, int version) {
  const bool pg = backend == "postgres";
  const auto dialect = pg ? registry::SqlDialect::postgres : registry::SqlDialect::sqlite;
  env.exec(std::string("CREATE TABLE schema_migrations (version ") + (pg ? "BIGINT" : "INTEGER") +
           " PRIMARY KEY, applied_at " + (pg ? "BIGINT" : "INTEGER") + " NOT NULL)");
  for (const registry::Migration& m : registry::schema_migrations(dialect)) {
    if (m.version > version) break;
    // A migration that derives data cannot be applied as bare SQL.
    if (m.fill) ADD_FAILURE() << "migration " << m.version << " has a fill step";
    for (const std::string& stmt : m.statements) env.exec(stmt);
    env.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (" +
             std::to_string(m.version) + ", 1)");
  }
}

// Writes holder "h1" and one card of it per entry of `cards` (status index
// -> state) straight into the tables, as a version 3 registry stored them.
// Card versions count up from 1 in index order; the card at index i has
// document number "D" + (100000000 + i) and the stored barcode
// `barcode(document_number)`.
inline void insert_v3_cards(StoreEnv& env,
                            const std::map<std::uint64_t, registry::CardState>& cards,
                            const std::function<Bytes(const std::string&)>& barcode) {
  env.exec("INSERT INTO holders (" + std::string(registry::kHolderColumns) + ") VALUES ('h1', " +
           env.blob_literal(Bytes(32, 1)) + ", " + env.blob_literal(Bytes(32, 2)) + ", " +
           env.blob_literal(Bytes{3}) + ", " + env.blob_literal(Bytes{4}) + ", 'es', 1, 1)");
  std::uint64_t version = 0;
  for (auto [index, state] : cards) {
    std::string doc = "D" + std::to_string(100000000 + index);
    env.exec("INSERT INTO cards (" + std::string(registry::kCardColumns) + ") VALUES ('" + doc +
             "', 'h1', " + std::to_string(++version) + ", " + std::to_string(index) + ", " +
             std::to_string(static_cast<int>(state)) + ", 1, 2, " + env.blob_literal(barcode(doc)) +
             ", 'issued', 1)");
  }
}

}  // namespace sdc::testing
