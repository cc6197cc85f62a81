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
  std::error_code ec;
  return std::filesystem::is_regular_file(dir_ / std::string(name), ec);
}

std::optional<std::int32_t> ZoneinfoTimeZones::utc_offset(std::string_view name,
                                                          UnixTime utc) const {
  if (!known(name)) return std::nullopt;
  try {
    const date::time_zone* zone = date::locate_zone(name);
    auto info = zone->get_info(date::sys_seconds{std::chrono::seconds{utc}});
    return static_cast<std::int32_t>(info.offset.count());
  } catch (const std::exception&) {
    return std::nullopt;  // a zone file the date library does not read
  }
}

}  // namespace sdc::registry
