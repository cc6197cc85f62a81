// The registry's domain records: holders, cards, case status, users, audit
// events, and who may do what (DESIGN.md, "What each role may see").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sdc/credential/status_list.h"
#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::registry {

enum class Role {
  administrator,
  enrollment_officer,
  field_officer,
  checkpoint_screener,
  auditor,
  kiosk,
  holder,  // a card holder signed in with document number + PIN (holder_logins.h)
};
const char* to_string(Role role);
Result<Role> parse_role(std::string_view text);

// Everything the registry lets a role do; checked by allowed() before any
// data is touched.
enum class Action {
  enroll_holder,
  correct_holder,
  read_holder_name,      // name only (kiosk)
  read_holder_identity,  // name, date of birth, sex, nationality, portrait
  read_a_number,
  find_by_a_number,
  find_by_name,
  issue_card,
  reissue_card,
  revoke_card,
  suspend_card,
  lift_suspension,
  read_card_validity,
  verify_card,
  set_case_status,
  read_case_status,
  read_audit,
  read_users,
  manage_users,
  set_reporting,     // a holder's reporting requirement
  read_schedule,     // a holder's requirement and appointments
  book_appointment,  // book, move or cancel a holder's appointment
  // Court hearings (hearings.h): load the court calendar; read a holder's
  // hearings, all of them or only the next.
  import_hearings,
  read_hearings,
  read_next_hearing,
  issue_pin,        // a holder's PIN letter (first or a reset): enrollment officers
  read_own_record,  // a holder reading their own record (/v1/me)
  change_own_pin,   // a holder choosing a new PIN
  // Check-ins (check_ins.h): with a presented card (kiosks, officers), of a
  // named holder (officers), a holder's own (online); reporting compliance.
  check_in_card,
  check_in_holder,
  check_in_own,
  read_compliance,
  change_own_language,  // a holder choosing the language of the portal and reminders
};
const char* to_string(Action action);

// The table of DESIGN.md: administrators see no personal data, screeners
// and kiosks never see A-numbers or case status, only auditors read the
// audit trail.
bool allowed(Role role, Action action);

// What a role sees of its OWN record (DESIGN.md, "holder (own)"): the
// holder role may see name, identity, A-number, card validity and case
// status of the record it is signed in for, and nothing of any other
// (allowed() gives it only read_own_record and change_own_pin, so every
// call naming a holder refuses it). False for every other role.
bool allowed_on_own_record(Role role, Action action);

struct User {
  std::string id;
  std::string display_name;
  Role role = Role::kiosk;
  // The office (offices.id) of the signed-in service account; empty for
  // holders and accounts without one.
  std::string office_id = {};

  bool operator==(const User&) const = default;
};

// A released person as the registry knows them. The personal fields are
// encrypted at rest; callers only ever see them in the clear here.
struct HolderRecord {
  std::string id;        // random, 32 hex digits; assigned at enrollment
  std::string a_number;  // 9 digits (accepted as typed, normalised on the way in)
  std::string family_name;
  std::string given_names;
  std::string date_of_birth;  // YYYY-MM-DD, unknown parts XX
  std::string sex;            // F, M or X
  std::string nationality;    // ICAO code
  Bytes portrait;             // the enrolled portrait file (JPEG or PNG)
  std::string contact;        // address, phone: free text
  std::string language;       // BCP 47 tag for notices, e.g. "es"
  UnixTime created_at = 0;
  UnixTime updated_at = 0;

  bool operator==(const HolderRecord&) const = default;
};

// The card's state is the value the validity list publishes for it.
using ::sdc::CardState;
const char* to_string(CardState state);

enum class ReissueReason { lost, stolen, damaged, data_changed };
const char* to_string(ReissueReason reason);

struct CardRecord {
  std::string document_number;
  std::string holder_id;
  std::uint64_t card_version = 1;
  std::uint64_t status_index = 0;
  CardState state = CardState::valid;
  UnixTime issued_at = 0;
  UnixTime expires_at = 0;
  std::string barcode;       // "SDC1:..." (encrypted at rest: it carries the name)
  std::string state_reason;  // why the state last changed (no personal data)
  UnixTime updated_at = 0;

  bool operator==(const CardRecord&) const = default;
};

enum class CaseStatus {
  no_final_order,
  final_order_of_removal,
  removal_stayed_or_protection_granted,
  unknown,
};
const char* to_string(CaseStatus status);
Result<CaseStatus> parse_case_status(std::string_view text);

struct CaseStatusEntry {
  std::string holder_id;
  std::uint64_t seq = 0;  // 1, 2, ... per holder; the highest is current
  CaseStatus status = CaseStatus::unknown;
  std::string effective_date;  // YYYY-MM-DD
  std::string reason;          // encrypted at rest
  std::string recorded_by;     // user id
  UnixTime recorded_at = 0;

  bool operator==(const CaseStatusEntry&) const = default;
};

// One line of the audit trail. Carries ids, never personal data.
struct AuditEvent {
  std::uint64_t seq = 0;  // 1, 2, ... without gaps
  UnixTime at = 0;
  std::string actor;  // user id
  std::string role;
  std::string action;
  std::string holder_id;  // empty when none
  std::string outcome;    // "ok", "denied", "not_found", ...
  std::string detail;     // e.g. a document number; never a name or A-number
  Bytes prev_hash;        // 32 bytes; zeros for seq 1
  Bytes hash;             // 32 bytes: audit_event_hash(*this)

  bool operator==(const AuditEvent&) const = default;
};

// The user id of a holder's sessions and audit records: "holder-" + the
// holder id. A holder user has no account; it signs in with a card's
// document number and the holder's PIN (holder_logins.h).
std::string holder_user_id(const std::string& holder_id);
// The holder a user is, from its id: only for Role::holder, else nullopt.
std::optional<std::string> own_holder_id(const User& user);

}  // namespace sdc::registry
