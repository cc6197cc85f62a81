#include "sdc/registry/time_zones.h"

#include <cctype>
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

}  // namespace sdc::registry
