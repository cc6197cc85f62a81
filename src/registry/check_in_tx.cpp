#include "sdc/registry/check_in_tx.h"

namespace sdc::registry {

const char* to_string(CheckInMethod method) {
  switch (method) {
    case CheckInMethod::kiosk:
      return "kiosk";
    case CheckInMethod::online:
      return "online";
    case CheckInMethod::officer:
      return "officer";
  }
  return "unknown";
}

Result<CheckInMethod> parse_check_in_method(std::string_view text) {
  for (CheckInMethod m : {CheckInMethod::kiosk, CheckInMethod::online, CheckInMethod::officer})
    if (text == to_string(m)) return m;
  return fail(Errc::parse, "check-in method: unknown value '" + std::string(text) + "'");
}

const char* to_string(CheckInOutcome outcome) {
  switch (outcome) {
    case CheckInOutcome::on_time:
      return "on_time";
    case CheckInOutcome::late:
      return "late";
    case CheckInOutcome::no_appointment:
      return "no_appointment";
  }
  return "unknown";
}

Result<CheckInOutcome> parse_check_in_outcome(std::string_view text) {
  for (CheckInOutcome o :
       {CheckInOutcome::on_time, CheckInOutcome::late, CheckInOutcome::no_appointment})
    if (text == to_string(o)) return o;
  return fail(Errc::parse, "check-in outcome: unknown value '" + std::string(text) + "'");
}

}  // namespace sdc::registry
