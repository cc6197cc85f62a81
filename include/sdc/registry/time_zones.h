// Which IANA time zones exist, injected like the clock so that a test can
// name the zones it knows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "sdc/util/clock.h"

namespace sdc::registry {

// Implementations must be thread-safe.
class TimeZones {
 public:
  virtual ~TimeZones() = default;
  // True when `name` is a zone of this database, e.g. "America/Chicago".
  virtual bool known(std::string_view name) const = 0;
  // The zone's offset from UTC in seconds at the instant `utc` (daylight
  // saving time included), e.g. -14400 for America/New_York in July;
  // nullopt for an unknown zone, or when this database has no rules.
  virtual std::optional<std::int32_t> utc_offset(std::string_view name, UnixTime utc) const {
    (void)name;
    (void)utc;
    return std::nullopt;
  }
};

// The system's tzdata: a zone is known when the zoneinfo folder has a file
// for it. The name is checked first, so it can never leave that folder.
class ZoneinfoTimeZones final : public TimeZones {
 public:
  explicit ZoneinfoTimeZones(std::filesystem::path dir = "/usr/share/zoneinfo")
      : dir_(std::move(dir)) {}
  bool known(std::string_view name) const override;
  // The rules of the system's tz database (the date library's), for a zone
  // known() finds.
  std::optional<std::int32_t> utc_offset(std::string_view name, UnixTime utc) const override;

 private:
  std::filesystem::path dir_;
};

}  // namespace sdc::registry
