#include "http/admin_audit.h"

#include "sdc/registry/audit.h"

namespace sdc::http {

namespace {

registry::AuditEvent admin_event(const registry::User& actor, AdminAction action,
                                 std::string outcome, std::string detail, UnixTime at) {
  registry::AuditEvent e;
  e.at = at;
  e.actor = actor.id;
  e.role = registry::to_string(actor.role);
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
  }
  return "unknown";
}

Result<void> audit_admin_change(registry::Tx& tx, const registry::User& actor, AdminAction action,
                                std::string detail, UnixTime at) {
  auto r =
      registry::append_audit_event(tx, admin_event(actor, action, "ok", std::move(detail), at));
  if (!r) return std::unexpected(r.error());
  return {};
}

Error audit_admin_failure(registry::Store& store, const registry::User& actor, AdminAction action,
                          const Error& error, std::string detail, UnixTime at) {
  auto event = admin_event(actor, action, registry::audit_outcome(error), std::move(detail), at);
  auto r = store.in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
    if (auto a = registry::append_audit_event(tx, event); !a) return std::unexpected(a.error());
    return true;
  });
  if (!r) return r.error();
  return error;
}

}  // namespace sdc::http
