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
          {"created_at", format_time(a.created_at)},
          {"updated_at", format_time(a.updated_at)}};
}

json office_json(const registry::OfficeRow& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"address", o.address},
          {"time_zone", o.time_zone},
          {"phone", o.phone},
          {"created_at", format_time(o.created_at)},
          {"updated_at", format_time(o.updated_at)}};
}

}  // namespace sdc::http
