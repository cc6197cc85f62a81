#include "sdc/registry/time_zones.h"

#include <date/tz.h>

#include <cctype>
#include <chrono>
#include <string>

namespace sdc::registry {

bool ZoneinfoTimeZones::known(std::string_view name) const {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
          c == '+'))
      return false;
  if (name.find("//") != std::string_view::npos || name.find("..") != std::string_view::npos)
    return false;
  {
    std::shared_lock lock(mutex_);
    if (found_.find(name) != found_.end()) return true;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir_ / std::string(name), ec)) return false;
  std::unique_lock lock(mutex_);
  if (found_.size() < kMaxRemembered) found_.emplace(name);
  return true;
}

namespace {

// The zone's rules, or null for a name the database does not have.
const date::time_zone* find_zone(const TimeZones& zones, std::string_view name) {
  if (!zones.known(name)) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace

std::optional<UnixTime> ZoneinfoTimeZones::to_utc(std::string_view zone, std::int64_t local) const {
  const date::time_zone* z = find_zone(*this, zone);
  if (!z) return std::nullopt;
  auto info = z->get_info(date::local_seconds{std::chrono::seconds{local}});
  if (info.result == date::local_info::nonexistent) return std::nullopt;
  return local - info.first.offset.count();
}

std::optional<std::int64_t> ZoneinfoTimeZones::to_local(std::string_view zone, UnixTime t) const {
  const date::time_zone* z = find_zone(*this, zone);
  if (!z) return std::nullopt;
  auto info = z->get_info(date::sys_seconds{std::chrono::seconds{t}});
  return t + info.offset.count();
}

}  // namespace sdc::registry
