// The storage interface of the registry. Two implementations
// (sqlite_store.h, postgres_store.h) pass the same contract tests.
//
// The store holds rows as the registry gives them: personal data arrives
// already sealed (pii.h) and is never interpreted here. Every change happens
// inside Store::in_transaction(); nothing is written outside one.
//
// A transaction's operations are grouped by aggregate, one narrow interface
// each: holder_tx.h (holders, case status), card_tx.h (cards, the published
// validity list), audit_tx.h (the audit chain), account_tx.h (users,
// accounts, sessions, login throttling), office_tx.h (offices, their
// closures), schedule_tx.h (reporting requirements, appointments, slot
// places), notification_tx.h (the outbox), hearing_tx.h (the court
// calendar's hearings), holder_login_tx.h (holders' PINs) and
// check_in_tx.h (check-ins). Tx is all of them.
#pragma once

#include <functional>
#include <string>

#include "sdc/registry/account_tx.h"
#include "sdc/registry/audit_tx.h"
#include "sdc/registry/card_tx.h"
#include "sdc/registry/check_in_tx.h"
#include "sdc/registry/holder_tx.h"
#include "sdc/registry/holder_login_tx.h"
#include "sdc/registry/notification_tx.h"
#include "sdc/registry/office_tx.h"
#include "sdc/registry/hearing_tx.h"
#include "sdc/registry/schedule_tx.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// The operations of one transaction. A Tx is only valid inside the callback
// of Store::in_transaction and only on the calling thread.
//
// Constraint failures (a duplicate document number, status index, A-number
// hash or audit sequence) return Errc::conflict and mark the transaction for
// a retry: in_transaction() rolls back and runs the callback again. A taken
// username, user id or office name is Errc::conflict without a retry.
class Tx : public HolderTx,
           public CardTx,
           public AuditTx,
           public AccountTx,
           public OfficeTx,
           public ScheduleTx,
           public NotificationTx,
           public HearingTx,
           public HolderLoginTx,
           public CheckInTx {
 public:
  ~Tx() override = default;

  bool retry_requested() const { return retry_; }

 protected:
  void request_retry() { retry_ = true; }

 private:
  bool retry_ = false;
};

// Thread-safe: several threads may call in_transaction() at once.
class Store {
 public:
  virtual ~Store() = default;

  // Brings the schema to the newest version. Idempotent; safe against
  // another process migrating the same database at the same time.
  virtual Result<void> migrate() = 0;
  // The highest applied migration; 0 for an empty database.
  virtual Result<int> schema_version() = 0;
  // "sqlite" or "postgres".
  virtual std::string backend() const = 0;

  // Runs `body` in one transaction and commits if it returns a value; rolls
  // back if it returns an error. Retries a few times when the transaction
  // hit a constraint conflict or a serialization failure.
  template <class T>
  Result<T> in_transaction(const std::function<Result<T>(Tx&)>& body) {
    return run_returning<T>(&Store::run_transaction, body);
  }

  // Runs `body`, which only reads, in one transaction that sees a single
  // committed state. A store may run it beside writers and other readers,
  // and may refuse a write from inside it (SQLite does).
  template <class T>
  Result<T> in_read_transaction(const std::function<Result<T>(Tx&)>& body) {
    return run_returning<T>(&Store::run_read_transaction, body);
  }

  // The number of attempts in_transaction() makes before giving up.
  static constexpr int kMaxAttempts = 8;

 protected:
  virtual Result<void> run_transaction(const std::function<Result<void>(Tx&)>& body) = 0;
  virtual Result<void> run_read_transaction(const std::function<Result<void>(Tx&)>& body) {
    return run_transaction(body);
  }

 private:
  using Run = Result<void> (Store::*)(const std::function<Result<void>(Tx&)>&);
  // `body`'s value out of a run that only says whether it committed.
  template <class T>
  Result<T> run_returning(Run run, const std::function<Result<T>(Tx&)>& body) {
    Result<T> out = fail(Errc::internal, "transaction did not run");
    auto r = (this->*run)([&](Tx& tx) -> Result<void> {
      out = body(tx);
      if (!out) return std::unexpected(out.error());
      return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
  }
};

}  // namespace sdc::registry
