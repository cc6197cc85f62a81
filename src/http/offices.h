// The registry's offices: where holders report and officers work. Kept in
// the database (schema version 2). Internal to the http module.
#pragma once

#include <string>
#include <vector>

#include "sdc/clock.h"
#include "sdc/error.h"
#include "sdc/registry/store.h"

namespace sdc::http {

struct OfficeInput {
  std::string name;       // 1 to 200 characters, unique
  std::string address;    // up to 500 characters
  std::string time_zone;  // an IANA name known to this system, e.g. America/Chicago
  std::string phone;      // up to 40 characters: digits, spaces, + - ( ) .
};

// Errc::invalid_argument naming the field ("time_zone: ...") or nothing.
Result<void> check_office(const OfficeInput& in);

// Checks and stores a new office with a random id. Errc::conflict when the
// name is taken.
Result<registry::OfficeRow> create_office(registry::Store& store, const OfficeInput& in,
                                          UnixTime now);

// Every office, by name.
Result<std::vector<registry::OfficeRow>> list_offices(registry::Store& store);

}  // namespace sdc::http
