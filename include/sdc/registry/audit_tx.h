// The audit aggregate of a store transaction: the hash-chained audit log,
// its head, and the auditors' queries. Part of Tx (store.h); a function
// that touches only the audit log may take an AuditTx&.
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sdc/registry/types.h"
#include "sdc/util/bytes.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// The end of the audit chain as the writers see it.
struct AuditHead {
  std::uint64_t seq = 0;
  Bytes hash;  // 32 zero bytes when the chain is empty
};

// Which audit events a query returns. Empty or absent fields do not filter;
// the filters that are given must all hold.
struct AuditFilter {
  enum class Order { oldest_first, newest_first };

  std::string holder_id;         // events about this holder
  std::string actor;             // events by this user id
  std::string action;            // events of this action, e.g. "verify_card"
  std::optional<UnixTime> from;  // at >= from
  std::optional<UnixTime> to;    // at < to
  Order order = Order::oldest_first;
  // Paging cursor: the seq of the last event of the previous page; the next
  // page starts after it in `order`. 0 for the first page.
  std::uint64_t after = 0;
  std::size_t limit = 100;  // at most this many events
};

// A taken audit sequence, or a head that moved, is Errc::conflict and asks
// for a retry (Tx::retry_requested).
class AuditTx {
 public:
  virtual ~AuditTx() = default;

  // Locks the chain's head until the transaction ends; appends after it.
  virtual Result<AuditHead> lock_audit_head() = 0;
  // Appends consecutive events, the first with seq head.seq + 1, and moves
  // the head to the last.
  virtual Result<void> append_audit(std::span<const AuditEvent> events) = 0;
  Result<void> append_audit(const AuditEvent& event) { return append_audit({&event, 1}); }
  // Events with seq >= from_seq, ascending, at most `limit`.
  virtual Result<std::vector<AuditEvent>> audit_events(std::uint64_t from_seq,
                                                       std::size_t limit) = 0;
  // Events matching `filter`, in its order, at most filter.limit. Indexed
  // by holder, by actor and by time.
  virtual Result<std::vector<AuditEvent>> query_audit(const AuditFilter& filter) = 0;
};

}  // namespace sdc::registry
