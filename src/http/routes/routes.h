// sdcd's routes, a file per resource. Each add_*_routes registers its
// routes on the router; handlers read the request, call the domain (which
// decides and audits what the caller may do) and write the answer.
// Internal to the http module.
#pragma once

#include "http/api.h"
#include "http/router.h"

namespace sdc::http {

// /healthz, /metrics, /openapi.yaml: public, no personal data.
void add_service_routes(Router& router, Api& api);
// /status/validity, /trust/*.pem: what offline verifiers download.
void add_trust_routes(Router& router, Api& api);
// /v1/login, /v1/logout.
void add_session_routes(Router& router, Api& api);
// /v1/verify.
void add_verify_routes(Router& router, Api& api);
// /v1/holders, /v1/holders/{id} and their case status.
void add_holder_routes(Router& router, Api& api);
// /v1/holders/{id}/cards and /v1/cards/{document_number}/*.
void add_card_routes(Router& router, Api& api);
// /v1/audit.
void add_audit_routes(Router& router, Api& api);
// /v1/users.
void add_user_routes(Router& router, Api& api);
// /v1/offices.
void add_office_routes(Router& router, Api& api);
// /v1/holders/{id}/reporting, /v1/holders/{id}/appointments, /v1/appointments/{id},
// and a holder's own: /v1/me/reporting, /v1/me/appointments[/{id}]
void add_appointment_routes(Router& router, Api& api);
// /v1/hearings/import and /v1/holders/{id}/hearings.
void add_hearing_routes(Router& router, Api& api);
// /v1/me/* (a holder signed in with document number + PIN) and
// /v1/holders/{id}/pin (an officer issues a PIN letter).
void add_me_routes(Router& router, Api& api);
// /v1/check-ins and /v1/holders/{id}/compliance.
void add_check_in_routes(Router& router, Api& api);
// /portal/*: the holder portal's HTML pages (routes/portal*.cpp, portal.h).
void add_portal_routes(Router& router, Api& api);
void add_console_routes(Router& router, Api& api);         // console.cpp
void add_console_enroll_routes(Router& router, Api& api);  // console_enroll.cpp
void add_console_card_routes(Router& router, Api& api);    // console_cards.cpp
// A holder's schedule (/console/holders/{id}/schedule) and the court
// calendar's import (/console/hearings/import): console_schedule.cpp.
void add_console_schedule_routes(Router& router, Api& api);
// /console/audit: the auditors' trail and the chain check (console_audit.cpp).
void add_console_audit_routes(Router& router, Api& api);
// /console/users, /console/offices: the administrators' (console_admin.cpp).
void add_console_admin_routes(Router& router, Api& api);
void add_verify_page_routes(Router& router, Api& api);  // verify_page.cpp
// Its appointment pages (portal_appointments.cpp) and record pages:
// hearings, check-ins, who accessed my record (portal_records.cpp).
void add_portal_appointment_routes(Router& router, Api& api);
void add_portal_record_routes(Router& router, Api& api);

// The signed-in holder's appointments and hearings as iCalendar (me.cpp):
// /v1/me/calendar.ics and the portal's download.
void send_calendar(Api& api, const Call& c, const registry::User& holder);

}  // namespace sdc::http
