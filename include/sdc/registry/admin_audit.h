// Audit records of administration (accounts and offices), in the same hash
// chain as the registry's: who, role, when, what, outcome. They name no
// holder and carry ids only (a user id, an office id, the names of the
// fields changed), never a username, a password or an office's details.
#pragma once

#include <string>

#include "sdc/registry/store.h"
#include "sdc/registry/types.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::registry {

enum class AdminAction {
  create_user,
  disable_user,
  enable_user,
  create_office,
  update_office,
  delete_office,
  read_users,
  close_office_day,  // the office's booked appointments that day are cancelled
  reopen_office_day,
};
const char* to_string(AdminAction action);

// Appends the record of a change (outcome "ok") inside the change's own
// transaction, so that both commit together or not at all.
Result<void> audit_admin_change(Tx& tx, const User& actor, AdminAction action, std::string detail,
                                UnixTime at);

// The record of a call that changed nothing: refused (Errc::forbidden,
// outcome "denied") or failed (outcome the error's code), in a transaction
// of its own. Returns `error`, or the audit's own error if the record could
// not be written: nothing is answered before its record is durable.
Error audit_admin_failure(Store& store, const User& actor, AdminAction action, const Error& error,
                          std::string detail, UnixTime at);

// Whether `role` may do `action`: allowed(role, read_users) for reading
// the users, allowed(role, manage_users) for every change.
bool admin_allowed(Role role, AdminAction action);

// Whether `actor`'s role may do `action` (admin_allowed); a refusal is audited as
// audit_admin_refusal does and returned as Errc::forbidden.
Result<void> authorize_admin(Store& store, const User& actor, AdminAction action,
                             std::string detail, UnixTime at);

// A refusal (Errc::forbidden: the actor's role may not do `action`),
// audited as audit_admin_failure does.
Error audit_admin_refusal(Store& store, const User& actor, AdminAction action, std::string detail,
                          UnixTime at);

}  // namespace sdc::registry
