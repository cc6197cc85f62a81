// The JSON forms of the registry's records in answers. Each shows only what
// the record holds: what a role may see is decided by the registry before
// (HolderView, CardholderView). Internal to the http module.
#pragma once

#include <nlohmann/json.hpp>

#include "sdc/registry/accounts.h"
#include "sdc/registry/hearings.h"
#include "sdc/registry/offices.h"
#include "sdc/registry/registry.h"
#include "sdc/registry/scheduling.h"

namespace sdc::http {

nlohmann::json holder_json(const registry::HolderView& v);
nlohmann::json card_json(const registry::CardRecord& c);
nlohmann::json case_json(const registry::CaseStatusEntry& e);
nlohmann::json account_json(const registry::AccountRow& a);
nlohmann::json office_json(const registry::OfficeRow& o);
nlohmann::json closure_json(const registry::OfficeClosure& c);
nlohmann::json reporting_json(const registry::ReportingView& v);
nlohmann::json appointment_json(const registry::AppointmentRow& a);
nlohmann::json slot_json(const registry::Slot& s);
nlohmann::json hearing_json(const registry::Hearing& h);

}  // namespace sdc::http
