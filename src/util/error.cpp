#include "sdc/util/error.h"

namespace sdc {

const char* to_string(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::parse: return "parse";
    case Errc::io: return "io";
    case Errc::crypto: return "crypto";
    case Errc::not_found: return "not_found";
    case Errc::conflict: return "conflict";
    case Errc::forbidden: return "forbidden";
    case Errc::unauthorized: return "unauthorized";
    case Errc::limit: return "limit";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace sdc
