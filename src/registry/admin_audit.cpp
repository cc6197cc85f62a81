#include "sdc/registry/admin_audit.h"

#include "sdc/registry/audit.h"

namespace sdc::registry {

namespace {

AuditEvent admin_event(const User& actor, AdminAction action, std::string outcome,
                       std::string detail, UnixTime at) {
  AuditEvent e;
  e.at = at;
  e.actor = actor.id;
  e.role = to_string(actor.role);
  e.action = to_string(action);
  e.outcome = std::move(outcome);
  e.detail = std::move(detail);
  return e;
}

}  // namespace

const char* to_string(AdminAction action) {
  switch (action) {
    case AdminAction::create_user:
      return "create_user";
    case AdminAction::disable_user:
      return "disable_user";
    case AdminAction::enable_user:
      return "enable_user";
    case AdminAction::create_office:
      return "create_office";
    case AdminAction::update_office:
      return "update_office";
    case AdminAction::delete_office:
      return "delete_office";
    case AdminAction::read_users:
      return "read_users";
    case AdminAction::close_office_day:
      return "close_office_day";
    case AdminAction::reopen_office_day:
      return "reopen_office_day";
  }
  return "unknown";
}

Result<void> audit_admin_change(Tx& tx, const User& actor, AdminAction action, std::string detail,
                                UnixTime at) {
  auto r = append_audit_event(tx, admin_event(actor, action, "ok", std::move(detail), at));
  if (!r) return std::unexpected(r.error());
  return {};
}

Error audit_admin_failure(Store& store, const User& actor, AdminAction action, const Error& error,
                          std::string detail, UnixTime at) {
  auto event = admin_event(actor, action, audit_outcome(error), std::move(detail), at);
  auto r = store.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto a = append_audit_event(tx, event); !a) return std::unexpected(a.error());
    return true;
  });
  if (!r) return r.error();
  return error;
}

bool admin_allowed(Role role, AdminAction action) {
  return allowed(role,
                 action == AdminAction::read_users ? Action::read_users : Action::manage_users);
}

Result<void> authorize_admin(Store& store, const User& actor, AdminAction action,
                             std::string detail, UnixTime at) {
  if (admin_allowed(actor.role, action)) return {};
  return std::unexpected(audit_admin_refusal(store, actor, action, std::move(detail), at));
}

Error audit_admin_refusal(Store& store, const User& actor, AdminAction action, std::string detail,
                          UnixTime at) {
  return audit_admin_failure(store, actor, action,
                             Error{Errc::forbidden, std::string("role ") + to_string(actor.role) +
                                                        " may not " + to_string(action)},
                             std::move(detail), at);
}

}  // namespace sdc::registry
