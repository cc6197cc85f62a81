// Move-only owners of PGconn* and PGresult*, and a parameterised query
// helper. Internal to store/postgres.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/util/bytes.h"
#include "sdc/util/error.h"

namespace sdc::registry::pg {

struct ConnFinish {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnFinish>;

struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};

// Parameters travel as text, or as binary for BYTEA.
class Params {
 public:
  Params& text(std::string_view v);
  Params& bytes(ByteView v);
  Params& i64(std::int64_t v) { return text(std::to_string(v)); }
  Params& u64(std::uint64_t v) { return text(std::to_string(v)); }

  std::vector<std::string> values;
  std::vector<int> formats;
};

class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r) {}
  int size() const { return PQntuples(r_.get()); }
  std::string text(int row, int col) const;
  Bytes bytes(int row, int col) const;  // BYTEA in hex text form
  std::int64_t i64(int row, int col) const;
  std::uint64_t u64(int row, int col) const { return static_cast<std::uint64_t>(i64(row, col)); }
  int affected() const;

 private:
  std::unique_ptr<PGresult, ResultClear> r_;
};

// Why a statement failed, for the caller to decide on a retry.
struct PgError {
  Error error;
  bool retry = false;  // unique violation, serialization failure, deadlock
};


}  // namespace sdc::registry::pg
