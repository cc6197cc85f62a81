#include "sdc/registry/types.h"

namespace sdc::registry {

const char* to_string(Role role) {
  switch (role) {
    case Role::administrator: return "administrator";
    case Role::enrollment_officer: return "enrollment_officer";
    case Role::field_officer: return "field_officer";
    case Role::checkpoint_screener: return "checkpoint_screener";
    case Role::auditor: return "auditor";
    case Role::kiosk: return "kiosk";
    case Role::holder: return "holder";
  }
  return "unknown";
}

Result<Role> parse_role(std::string_view text) {
  for (Role r : {Role::administrator, Role::enrollment_officer, Role::field_officer,
                 Role::checkpoint_screener, Role::auditor, Role::kiosk, Role::holder})
    if (text == to_string(r)) return r;
  return fail(Errc::invalid_argument, "role: unknown role '" + std::string(text) + "'");
}

const char* to_string(Action action) {
  switch (action) {
    case Action::enroll_holder: return "enroll_holder";
    case Action::correct_holder: return "correct_holder";
    case Action::read_holder_name: return "read_holder_name";
    case Action::read_holder_identity: return "read_holder_identity";
    case Action::read_a_number: return "read_a_number";
    case Action::find_by_a_number: return "find_by_a_number";
    case Action::find_by_name: return "find_by_name";
    case Action::issue_card: return "issue_card";
    case Action::reissue_card: return "reissue_card";
    case Action::revoke_card: return "revoke_card";
    case Action::suspend_card: return "suspend_card";
    case Action::lift_suspension: return "lift_suspension";
    case Action::read_card_validity: return "read_card_validity";
    case Action::verify_card: return "verify_card";
    case Action::set_case_status: return "set_case_status";
    case Action::read_case_status: return "read_case_status";
    case Action::read_audit: return "read_audit";
    case Action::read_users: return "read_users";
    case Action::manage_users: return "manage_users";
    case Action::set_reporting: return "set_reporting";
    case Action::read_schedule: return "read_schedule";
    case Action::book_appointment: return "book_appointment";
    case Action::import_hearings: return "import_hearings";
    case Action::read_hearings: return "read_hearings";
    case Action::read_next_hearing: return "read_next_hearing";
    case Action::issue_pin: return "issue_pin";
    case Action::read_own_record: return "read_own_record";
    case Action::change_own_pin: return "change_own_pin";
    case Action::check_in_card: return "check_in_card";
    case Action::check_in_holder: return "check_in_holder";
    case Action::check_in_own: return "check_in_own";
    case Action::read_compliance: return "read_compliance";
    case Action::change_own_language: return "change_own_language";
  }
  return "unknown";
}

bool allowed(Role role, Action a) {
  using A = Action;
  // Hearings (DESIGN.md: enrollment and field officers and auditors see
  // them, screeners, kiosks and administrators do not). The calendar names
  // holders by A-number, so only enrollment officers load it; field
  // officers see the next hearing, the others every hearing.
  if (a == A::import_hearings) return role == Role::enrollment_officer;
  if (a == A::read_hearings) return role == Role::enrollment_officer || role == Role::auditor;
  if (a == A::read_next_hearing)
    return role == Role::enrollment_officer || role == Role::field_officer ||
           role == Role::auditor;
  // Check-ins (DESIGN.md: a holder checks in at a kiosk or online; field
  // officers see reporting compliance). Officers record a check-in for a
  // holder in front of them; a kiosk only with a presented card.
  if (a == A::check_in_card)
    return role == Role::kiosk || role == Role::enrollment_officer ||
           role == Role::field_officer;
  if (a == A::check_in_holder)
    return role == Role::enrollment_officer || role == Role::field_officer;
  if (a == A::check_in_own) return role == Role::holder;
  if (a == A::read_compliance)
    return role == Role::enrollment_officer || role == Role::field_officer ||
           role == Role::auditor;
  switch (role) {
    case Role::enrollment_officer:
      return a != A::read_audit && a != A::read_users && a != A::manage_users &&
             a != A::read_own_record && a != A::change_own_pin && a != A::change_own_language;
    case Role::field_officer:
      return a == A::read_holder_name || a == A::read_holder_identity || a == A::read_a_number ||
             a == A::find_by_a_number || a == A::find_by_name || a == A::read_card_validity ||
             a == A::verify_card || a == A::read_case_status || a == A::read_schedule;
    case Role::checkpoint_screener:
      // Identity and card validity only: no A-number, no case status.
      return a == A::read_holder_name || a == A::read_holder_identity ||
             a == A::read_card_validity || a == A::verify_card;
    case Role::kiosk:
      return a == A::read_holder_name || a == A::read_card_validity || a == A::verify_card;
    case Role::auditor:
      return a == A::read_holder_name || a == A::read_holder_identity || a == A::read_a_number ||
             a == A::find_by_a_number || a == A::find_by_name || a == A::read_card_validity ||
             a == A::read_case_status || a == A::read_audit || a == A::read_users ||
             a == A::read_schedule;
    case Role::administrator:
      // Users, offices and keys; never a holder's data.
      return a == A::read_users || a == A::manage_users;
    case Role::holder:
      // Only their own record, through calls that take no holder id.
      return a == A::read_own_record || a == A::change_own_pin || a == A::change_own_language;
  }
  return false;
}

bool allowed_on_own_record(Role role, Action a) {
  using A = Action;
  if (role != Role::holder) return false;
  return a == A::read_holder_name || a == A::read_holder_identity || a == A::read_a_number ||
         a == A::read_card_validity || a == A::read_case_status || a == A::read_schedule ||
         a == A::book_appointment || a == A::read_hearings || a == A::read_compliance;
}

std::string holder_user_id(const std::string& holder_id) { return "holder-" + holder_id; }

std::optional<std::string> own_holder_id(const User& user) {
  static constexpr std::string_view kPrefix = "holder-";
  if (user.role != Role::holder || !user.id.starts_with(kPrefix) ||
      user.id.size() == kPrefix.size())
    return std::nullopt;
  return user.id.substr(kPrefix.size());
}

const char* to_string(CardState state) {
  switch (state) {
    case CardState::valid: return "valid";
    case CardState::invalid: return "invalid";
    case CardState::suspended: return "suspended";
  }
  return "unknown";
}

const char* to_string(ReissueReason reason) {
  switch (reason) {
    case ReissueReason::lost: return "lost";
    case ReissueReason::stolen: return "stolen";
    case ReissueReason::damaged: return "damaged";
    case ReissueReason::data_changed: return "data_changed";
  }
  return "unknown";
}

const char* to_string(CaseStatus status) {
  switch (status) {
    case CaseStatus::no_final_order: return "no_final_order";
    case CaseStatus::final_order_of_removal: return "final_order_of_removal";
    case CaseStatus::removal_stayed_or_protection_granted:
      return "removal_stayed_or_protection_granted";
    case CaseStatus::unknown: return "unknown";
  }
  return "unknown";
}

Result<CaseStatus> parse_case_status(std::string_view text) {
  for (CaseStatus s : {CaseStatus::no_final_order, CaseStatus::final_order_of_removal,
                       CaseStatus::removal_stayed_or_protection_granted, CaseStatus::unknown})
    if (text == to_string(s)) return s;
  return fail(Errc::invalid_argument, "case status: unknown value '" + std::string(text) + "'");
}

}  // namespace sdc::registry
