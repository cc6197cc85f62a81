// The server store: PostgreSQL through libpq, for several sdcd sharing one
// database.
#pragma once

#include <memory>
#include <string>

#include "sdc/registry/store.h"

namespace sdc::registry {

struct PostgresOptions {
  std::string conninfo;  // libpq conninfo, e.g. "host=127.0.0.1 port=5432 dbname=sdc"
  std::size_t max_connections = 8;
};

// Connects once to check the conninfo; does not migrate.
Result<std::unique_ptr<Store>> open_postgres_store(const PostgresOptions& options);

}  // namespace sdc::registry
