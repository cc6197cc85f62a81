#include "store/postgres/pg_handle.h"

#include <charconv>

namespace sdc::registry::pg {

Params& Params::text(std::string_view v) {
  values.emplace_back(v);
  formats.push_back(0);
  return *this;
}

Params& Params::bytes(ByteView v) {
  values.emplace_back(as_chars(v));
  formats.push_back(1);
  return *this;
}

std::string Rows::text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col),
                     static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
}

Bytes Rows::bytes(int row, int col) const {
  std::string t = text(row, col);
  std::string_view v = t;
  if (v.starts_with("\\x")) v.remove_prefix(2);
  auto b = hex_decode(v);
  return b ? std::move(*b) : Bytes();
}

std::int64_t Rows::i64(int row, int col) const {
  std::string t = text(row, col);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

int Rows::affected() const {
  const char* n = PQcmdTuples(r_.get());
  int v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

}  // namespace sdc::registry::pg
