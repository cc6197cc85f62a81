// Which IANA time zones exist, injected like the clock so that a test can
// name the zones it knows.
#pragma once

#include <filesystem>
#include <string_view>

namespace sdc::registry {

// Implementations must be thread-safe.
class TimeZones {
 public:
  virtual ~TimeZones() = default;
  // True when `name` is a zone of this database, e.g. "America/Chicago".
  virtual bool known(std::string_view name) const = 0;
};

// The system's tzdata: a zone is known when the zoneinfo folder has a file
// for it. The name is checked first, so it can never leave that folder.
class ZoneinfoTimeZones final : public TimeZones {
 public:
  explicit ZoneinfoTimeZones(std::filesystem::path dir = "/usr/share/zoneinfo")
      : dir_(std::move(dir)) {}
  bool known(std::string_view name) const override;

 private:
  std::filesystem::path dir_;
};

}  // namespace sdc::registry
