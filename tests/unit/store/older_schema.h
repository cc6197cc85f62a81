// A database at an older schema version, built behind the store's back,
// for tests of what a later migration does to existing data.
#pragma once

#include <string>

#include "sdc/registry/schema.h"
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

}  // namespace sdc::testing
