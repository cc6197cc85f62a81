#include "http/views.h"

#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"

namespace sdc::http {

using json = nlohmann::json;

json holder_json(const registry::HolderView& v) {
  const auto& r = v.record;
  json j = {{"id", r.id}, {"family_name", r.family_name}, {"given_names", r.given_names}};
  if (v.a_number_shown) j["a_number"] = r.a_number;
  if (v.identity_shown) {
    j["date_of_birth"] = r.date_of_birth;
    j["sex"] = r.sex;
    j["nationality"] = r.nationality;
    j["portrait_base64"] = base64_encode(r.portrait);
    j["contact"] = r.contact;
  }
  if (v.identity_shown) j["language"] = r.language;
  j["created_at"] = format_time(r.created_at);
  j["updated_at"] = format_time(r.updated_at);
  return j;
}

json card_json(const registry::CardRecord& c) {
  json j = {{"document_number", c.document_number},  {"holder_id", c.holder_id},
            {"card_version", c.card_version},        {"state", registry::to_string(c.state)},
            {"issued_at", format_time(c.issued_at)}, {"expires_at", format_time(c.expires_at)},
            {"state_reason", c.state_reason},        {"updated_at", format_time(c.updated_at)}};
  if (!c.barcode.empty()) j["barcode"] = c.barcode;
  return j;
}

json case_json(const registry::CaseStatusEntry& e) {
  return {{"holder_id", e.holder_id},
          {"seq", e.seq},
          {"status", registry::to_string(e.status)},
          {"effective_date", e.effective_date},
          {"reason", e.reason},
          {"recorded_by", e.recorded_by},
          {"recorded_at", e.recorded_at ? format_time(e.recorded_at) : std::string()}};
}

json account_json(const registry::AccountRow& a) {
  return {{"id", a.user_id},
          {"username", a.username},
          {"role", registry::to_string(a.role)},
          {"disabled", a.disabled},
          {"office_id", a.office_id},
          {"created_at", format_time(a.created_at)},
          {"updated_at", format_time(a.updated_at)}};
}

json office_json(const registry::OfficeRow& o) {
  json hours = json::object();
  for (std::size_t d = 0; d < o.hours.size(); ++d)
    hours[registry::kWeekdayNames[d]] =
        o.hours[d].open() ? json(registry::format_day_hours(o.hours[d])) : json();
  return {{"id", o.id},
          {"name", o.name},
          {"address", o.address},
          {"time_zone", o.time_zone},
          {"phone", o.phone},
          {"hours", hours},
          {"slot_minutes", o.slot_minutes},
          {"slot_capacity", o.slot_capacity},
          {"created_at", format_time(o.created_at)},
          {"updated_at", format_time(o.updated_at)}};
}

json closure_json(const registry::OfficeClosure& c) {
  return {{"office_id", c.office_id},
          {"date", c.date},
          {"reason", c.reason},
          {"created_at", format_time(c.created_at)}};
}

json hearing_json(const registry::Hearing& h) {
  json j = {{"id", h.id},
            {"hearing_id", h.hearing_id},
            {"starts_at", format_time(h.starts_at)},
            {"time_zone", h.time_zone},
            {"court_name", h.court_name},
            {"court_address", h.court_address},
            {"judge", h.judge},
            {"hearing_type", h.hearing_type},
            {"status", h.status},
            {"updated_at", format_time(h.updated_at)}};
  if (h.previous) {
    j["changed_at"] = format_time(h.changed_at);
    j["previous"] = {{"starts_at", format_time(h.previous->starts_at)},
                     {"time_zone", h.previous->time_zone},
                     {"court_name", h.previous->court_name},
                     {"court_address", h.previous->court_address}};
  }
  return j;
}

json reporting_json(const registry::ReportingView& v) {
  const registry::ReportingRow& r = v.requirement;
  return {{"holder_id", r.holder_id},
          {"office_id", r.office_id},
          {"cadence_days", r.cadence_days},
          {"window_days", r.window_days},
          {"anchor_date", r.anchor_date},
          {"next_due_date", v.next_due_date},
          {"window_opens", v.window_opens},
          {"window_closes", v.window_closes},
          {"set_by", r.set_by},
          {"set_at", format_time(r.set_at)}};
}

json appointment_json(const registry::AppointmentRow& a) {
  return {{"id", a.id},
          {"holder_id", a.holder_id},
          {"office_id", a.office_id},
          {"starts_at", format_time(a.starts_at)},
          {"ends_at", format_time(a.ends_at)},
          {"due_date", a.due_date},
          {"state", registry::to_string(a.state)},
          {"created_at", format_time(a.created_at)},
          {"updated_at", format_time(a.updated_at)}};
}

json slot_json(const registry::Slot& s) {
  return {{"starts_at", format_time(s.starts_at)},
          {"ends_at", format_time(s.ends_at)},
          {"local_start", s.local_start},
          {"utc_offset_minutes", s.utc_offset_minutes},
          {"remaining", s.remaining}};
}

}  // namespace sdc::http
