// The one way the registry's domain classes check a role and leave their
// audit records: a change appends its record in its own transaction; a
// read, and every refusal or failure, goes through the group commit
// (AuditBatcher) before the caller gets an answer. Internal to the
// registry module.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sdc/registry/audit.h"
#include "sdc/registry/audit_batcher.h"
#include "sdc/registry/store.h"
#include "sdc/registry/types.h"
#include "sdc/util/clock.h"

namespace sdc::registry {

// What the audit record of one call says beyond actor and action; the
// operation fills in what it learns (the holder a lookup found).
struct Note {
  Note() = default;
  Note(std::string holder, std::string what)
      : holder_id(std::move(holder)), detail(std::move(what)) {}

  std::string holder_id;
  std::string detail;
  // Further holders the call showed (a search with several matches, the
  // holders whose appointments a closure cancelled): each gets a record of
  // its own, so that every holder's trail is complete.
  std::vector<std::string> more_holders;
};

struct AuditedCalls {
  Store& store;
  AuditBatcher& batcher;
  const Clock& clock;
  // Whether a holder may do, on their own record, what allowed_on_own_record
  // lets them (Scheduling); the Registry's calls take no holder.
  bool own_records = false;

  // Whether `actor` may do `action` on the record of `holder_id` (empty
  // while the call has not learnt whose record it is).
  bool may(const User& actor, Action action, const std::string& holder_id) const {
    if (allowed(actor.role, action)) return true;
    if (!own_records || !allowed_on_own_record(actor.role, action)) return false;
    auto own = own_holder_id(actor);
    return own && (holder_id.empty() || *own == holder_id);
  }
  // The same once the record is known: a holder's call about another
  // holder's record fails here, inside its transaction.
  Result<void> check_own(const User& actor, Action action, const Note& n) const {
    if (allowed(actor.role, action) || (!n.holder_id.empty() && may(actor, action, n.holder_id)))
      return {};
    return fail(Errc::forbidden, std::string("role ") + to_string(actor.role) + " may not " +
                                     to_string(action) + " on another holder's record");
  }

  // The audit records of one call: one per holder it touched.
  std::vector<AuditEvent> events_for(const User& actor, Action action, const Note& n,
                                     const std::string& outcome) const {
    AuditEvent e;
    e.at = clock.now();
    e.actor = actor.id;
    e.role = to_string(actor.role);
    e.action = to_string(action);
    e.holder_id = n.holder_id;
    e.outcome = outcome;
    e.detail = n.detail;
    std::vector<AuditEvent> out{e};
    for (const std::string& h : n.more_holders) {
      e.holder_id = h;
      out.push_back(e);
    }
    return out;
  }

  // The one path for a refused or failed call: its records go through the
  // group commit with the outcome. The caller gets the call's error, or the
  // audit's if the records could not be written.
  template <class T>
  Result<T> audited_failure(const User& actor, Action action, const Note& n,
                            const Error& error) const {
    if (auto a = batcher.record(events_for(actor, action, n, audit_outcome(error))); !a)
      return std::unexpected(a.error());
    return std::unexpected(error);
  }

  template <class T>
  Result<T> refused(const User& actor, Action action, const Note& n) const {
    return audited_failure<T>(actor, action, n,
                              Error{Errc::forbidden, std::string("role ") + to_string(actor.role) +
                                                         " may not " + to_string(action)});
  }

  // A change: runs `op` and appends its audit records in the same
  // transaction, so the change and its record commit together or not at all.
  template <class T>
  Result<T> audited(const User& actor, Action action, Note note,
                    const std::function<Result<T>(Tx&, Note&)>& op) const {
    if (!may(actor, action, note.holder_id)) return refused<T>(actor, action, note);
    Note final_note = note;
    Result<T> result = store.in_transaction<T>([&](Tx& tx) -> Result<T> {
      Note n = note;  // a retry starts again from what the caller knew
      auto v = op(tx, n);
      final_note = n;
      if (!v) return v;
      if (auto own = check_own(actor, action, n); !own) return std::unexpected(own.error());
      if (auto a = append_audit_events(tx, events_for(actor, action, n, "ok")); !a)
        return std::unexpected(a.error());
      return v;
    });
    if (!result) return audited_failure<T>(actor, action, final_note, result.error());
    return result;
  }

  // A read: runs `op`, then records the access through the group commit.
  // Nothing read is returned before its audit record is durable; if the
  // record cannot be written, the caller gets that error instead of the data.
  template <class T>
  Result<T> audited_read(const User& actor, Action action, Note note,
                         const std::function<Result<T>(Tx&, Note&)>& op) const {
    if (!may(actor, action, note.holder_id)) return refused<T>(actor, action, note);
    Note final_note = note;
    Result<T> result = store.in_read_transaction<T>([&](Tx& tx) -> Result<T> {
      Note n = note;
      auto v = op(tx, n);
      final_note = n;
      if (!v) return v;
      if (auto own = check_own(actor, action, n); !own) return std::unexpected(own.error());
      return v;
    });
    if (!result) return audited_failure<T>(actor, action, final_note, result.error());
    if (auto a = batcher.record(events_for(actor, action, final_note, "ok")); !a)
      return std::unexpected(a.error());
    return result;
  }
};

}  // namespace sdc::registry
