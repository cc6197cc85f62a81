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

}  // namespace sdc::registry
