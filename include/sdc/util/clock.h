// The world, injected: time and randomness come through these interfaces so
// that expiry, issuance and allocation are deterministic in tests.
#pragma once

#include <cstdint>
#include <span>
#include <optional>
#include <string>
#include <string_view>

#include "sdc/util/error.h"

namespace sdc {

// Seconds since the Unix epoch.
using UnixTime = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixTime now() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(UnixTime t) : t_(t) {}
  UnixTime now() const override { return t_; }
  void set(UnixTime t) { t_ = t; }

 private:
  UnixTime t_;
};

// A source of unpredictable bytes. Implementations must be thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
  // Uniform in [0, bound); bound > 0.
  std::uint64_t uniform(std::uint64_t bound);
};

// Parses RFC 3339 ("2026-01-01T00:00:00Z", offsets allowed) or a decimal
// count of seconds since the epoch.
Result<UnixTime> parse_time(std::string_view text);
// RFC 3339 in UTC, e.g. "2026-01-01T00:00:00Z".
std::string format_time(UnixTime t);
// Days since 1970-01-01 for a proleptic Gregorian date, and back.
std::int64_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d);
// A calendar date "YYYY-MM-DD" as days since 1970-01-01; nullopt for
// anything else (a day the month lacks included). And back.
std::optional<std::int64_t> parse_iso_date(std::string_view text);
std::string format_iso_date(std::int64_t days);

}  // namespace sdc
