// The office aggregate of a store transaction. Part of Tx (store.h); a
// function that touches only offices may take an OfficeTx&.
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sdc/util/error.h"
#include "sdc/registry/types.h"

namespace sdc::registry {

struct OfficeRow {
  std::string id;
  std::string name;  // unique
  std::string address;
  std::string time_zone;  // IANA name, e.g. America/Chicago
  std::string phone;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;

  bool operator==(const OfficeRow&) const = default;
};

// A taken office name is Errc::conflict without a retry: trying again
// cannot help.
class OfficeTx {
 public:
  virtual ~OfficeTx() = default;

  virtual Result<void> insert_office(const OfficeRow& row) = 0;
  // Replaces every column but id and created_at; Errc::not_found if absent.
  virtual Result<void> update_office(const OfficeRow& row) = 0;
  virtual Result<std::optional<OfficeRow>> get_office(const std::string& id) = 0;
  // By name.
  virtual Result<std::vector<OfficeRow>> list_offices() = 0;
  // Errc::not_found if absent. No table refers to an office yet; one that
  // does must make this Errc::conflict while such a row exists.
  virtual Result<void> delete_office(const std::string& id) = 0;
};

}  // namespace sdc::registry
