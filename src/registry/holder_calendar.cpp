#include "sdc/registry/holder_calendar.h"

#include <algorithm>

namespace sdc::registry {

std::vector<CalendarEvent> holder_calendar_events(const OwnRecord& own,
                                                  std::vector<CalendarEvent> appointments,
                                                  std::vector<CalendarEvent> hearings) {
  std::vector<CalendarEvent> out = std::move(appointments);
  out.insert(out.end(), std::make_move_iterator(hearings.begin()),
             std::make_move_iterator(hearings.end()));
  if (own.card && own.card->state != CardState::invalid) {
    CalendarEvent e;
    e.uid = "card-" + own.card->document_number + "-expiry@sdc";
    e.start = own.card->expires_at;
    e.time_zone = "UTC";
    e.summary = "Card " + own.card->document_number + " expires";
    e.description = "Ask your office for a new card before this date.";
    e.sequence = own.card->card_version;
    e.last_modified = own.card->updated_at;
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const CalendarEvent& a, const CalendarEvent& b) {
    return a.start != b.start ? a.start < b.start : a.uid < b.uid;
  });
  return out;
}

}  // namespace sdc::registry
