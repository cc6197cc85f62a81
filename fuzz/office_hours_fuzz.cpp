// libFuzzer target for an office's opening hours (sdc/registry/office_tx.h):
// parse_week_hours and parse_day_hours on arbitrary text. They must return
// hours or an error with a message, never crash; hours they return are
// open before they close, within the day, and the stored form written for
// them reads back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sdc/registry/office_tx.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto week = sdc::registry::parse_week_hours(text)) {
    for (const auto& day : *week)
      if (day.open() && (day.opens < 0 || day.opens >= day.closes || day.closes > 24 * 60))
        std::abort();
    if (sdc::registry::format_week_hours(*week) != text) std::abort();  // one stored form only
    auto again = sdc::registry::parse_week_hours(sdc::registry::format_week_hours(*week));
    if (!again || *again != *week) std::abort();
  } else if (week.error().message.empty()) {
    std::abort();
  }
  if (auto day = sdc::registry::parse_day_hours(text)) {
    if (!day->open() || day->opens >= day->closes || day->closes > 24 * 60) std::abort();
    if (sdc::registry::format_day_hours(*day) != text) std::abort();
  } else if (day.error().message.empty()) {
    std::abort();
  }
  return 0;
}
