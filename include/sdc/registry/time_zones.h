// Which IANA time zones exist and how their wall clocks relate to UTC,
// injected like the clock so that a test can name the zones it knows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "sdc/util/clock.h"

namespace sdc::registry {

// Implementations must be thread-safe.
class TimeZones {
 public:
  virtual ~TimeZones() = default;
  // True when `name` is a zone of this database, e.g. "America/Chicago".
  virtual bool known(std::string_view name) const = 0;

  // Local wall-clock times are counted in seconds since 1970-01-01T00:00 on
  // that wall clock (a local day is local / 86400).
  //
  // The instant a wall-clock time in `zone` stands for: nullopt for an
  // unknown zone or a time the clock skips (a daylight-saving gap); the
  // earlier instant for a time it shows twice (the hour after a fall-back).
  virtual std::optional<UnixTime> to_utc(std::string_view zone, std::int64_t local) const = 0;
  // What the wall clock in `zone` shows at `t`; nullopt for an unknown zone.
  virtual std::optional<std::int64_t> to_local(std::string_view zone, UnixTime t) const = 0;
  // The zone's offset from UTC in seconds at the instant `utc` (daylight
  // saving time included), e.g. -14400 for America/New_York in July;
  // nullopt for an unknown zone.
  std::optional<std::int32_t> utc_offset(std::string_view name, UnixTime utc) const {
    auto local = to_local(name, utc);
    if (!local) return std::nullopt;
    return static_cast<std::int32_t>(*local - utc);
  }
};

// The system's tzdata: a zone is known when the zoneinfo folder has a file
// for it. The name is checked first, so it can never leave that folder.
// Conversions read /usr/share/zoneinfo through the date library's tz
// (libhowardhinnant-date, built to use the operating system's database).
class ZoneinfoTimeZones final : public TimeZones {
 public:
  explicit ZoneinfoTimeZones(std::filesystem::path dir = "/usr/share/zoneinfo")
      : dir_(std::move(dir)) {}
  bool known(std::string_view name) const override;
  std::optional<UnixTime> to_utc(std::string_view zone, std::int64_t local) const override;
  std::optional<std::int64_t> to_local(std::string_view zone, UnixTime t) const override;

 private:
  std::filesystem::path dir_;
  // Names found before (at most kMaxRemembered), so that cutting a week into
  // slots does not look at the folder for every slot.
  static constexpr std::size_t kMaxRemembered = 4096;
  mutable std::shared_mutex mutex_;
  mutable std::set<std::string, std::less<>> found_;
};

}  // namespace sdc::registry
