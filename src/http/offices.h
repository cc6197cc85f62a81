// The registry's offices: where holders report and officers work. Kept in
// the database (schema version 2). Internal to the http module.
#pragma once

#include <optional>
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

// Errc::invalid_argument with a line per bad field ("time_zone: ...").
Result<void> check_office(const OfficeInput& in);

// Checks and stores a new office with a random id. Errc::conflict when the
// name is taken. With `by` (a call through the API), the same transaction
// appends its audit record (admin_audit.h).
Result<registry::OfficeRow> create_office(registry::Store& store, const OfficeInput& in,
                                          UnixTime now, const registry::User* by = nullptr);

// Every office, by name.
Result<std::vector<registry::OfficeRow>> list_offices(registry::Store& store);

// One office; Errc::not_found if there is none with this id.
Result<registry::OfficeRow> get_office(registry::Store& store, const std::string& id);

// What a change of an office gives; absent fields keep their value.
struct OfficeChange {
  std::optional<std::string> name;
  std::optional<std::string> address;
  std::optional<std::string> time_zone;
  std::optional<std::string> phone;
};

// Applies `change` to the office, checks the result as check_office does
// and stores it with its audit record (the names of the fields given), in
// one transaction. Errc::not_found for an unknown id, Errc::conflict when
// the new name is another office's.
Result<registry::OfficeRow> update_office(registry::Store& store, const std::string& id,
                                          const OfficeChange& change, UnixTime now,
                                          const registry::User& by);

// Deletes the office with its audit record, in one transaction.
// Errc::not_found for an unknown id. No table refers to offices (schema
// versions 1 to 4), so nothing can stand in the way of a delete.
Result<void> delete_office(registry::Store& store, const std::string& id, UnixTime now,
                           const registry::User& by);

}  // namespace sdc::http
