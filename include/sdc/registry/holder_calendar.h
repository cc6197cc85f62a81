// What a holder's calendar (GET /v1/me/calendar.ics) holds: every dated
// thing of their own record, as CalendarEvents for write_icalendar.
#pragma once

#include <vector>

#include "sdc/registry/icalendar.h"
#include "sdc/registry/registry.h"

namespace sdc::registry {

// The holder's events, by start time (then uid): `appointments` and
// `hearings` as their own domains give them (each already a CalendarEvent
// in its office's or court's zone), and from `own` the expiry of the
// current card (uid "card-<document_number>-expiry@sdc", in UTC, no
// duration). An empty list gives an empty calendar.
std::vector<CalendarEvent> holder_calendar_events(const OwnRecord& own,
                                                  std::vector<CalendarEvent> appointments,
                                                  std::vector<CalendarEvent> hearings);

}  // namespace sdc::registry
