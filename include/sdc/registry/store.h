// The one narrow storage interface of the registry. Two implementations
// (sqlite_store.h, postgres_store.h) pass the same contract tests.
//
// The store holds rows as the registry gives them: personal data arrives
// already sealed (pii.h) and is never interpreted here. Every change happens
// inside Store::in_transaction(); nothing is written outside one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sdc/bytes.h"
#include "sdc/error.h"
#include "sdc/registry/types.h"

namespace sdc::registry {

// A holder as stored: lookup hashes and sealed blobs.
struct HolderRow {
  std::string id;
  Bytes a_number_hash;  // keyed BLAKE2b, unique
  Bytes name_dob_hash;  // keyed BLAKE2b of family name + date of birth
  Bytes sealed_identity;
  Bytes sealed_portrait;
  std::string language;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;

  bool operator==(const HolderRow&) const = default;
};

// A card as stored: the barcode sealed, everything else in the clear.
struct CardRow {
  std::string document_number;
  std::string holder_id;
  std::uint64_t card_version = 1;
  std::uint64_t status_index = 0;
  CardState state = CardState::valid;
  UnixTime issued_at = 0;
  UnixTime expires_at = 0;
  Bytes sealed_barcode;
  std::string state_reason;
  UnixTime updated_at = 0;

  bool operator==(const CardRow&) const = default;
};

struct CaseStatusRow {
  std::string holder_id;
  std::uint64_t seq = 0;
  CaseStatus status = CaseStatus::unknown;
  std::string effective_date;
  Bytes sealed_reason;
  std::string recorded_by;
  UnixTime recorded_at = 0;

  bool operator==(const CaseStatusRow&) const = default;
};

// The last published validity list.
struct PublishedStatusList {
  UnixTime iat = 0;
  Bytes token;
};

// The end of the audit chain as the writers see it.
struct AuditHead {
  std::uint64_t seq = 0;
  Bytes hash;  // 32 zero bytes when the chain is empty
};

// ---- Accounts, sessions, login throttling, offices (schema version 2) ----

// A service account. Its user row (users table, used by the audit trail)
// has id == user_id and the same role.
struct AccountRow {
  std::string username;  // unique
  std::string user_id;   // unique
  Role role = Role::kiosk;
  std::string password_hash;  // Argon2id encoded string, never a password
  bool disabled = false;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;

  bool operator==(const AccountRow&) const = default;
};

// A bearer session: only the SHA-256 of the token is stored.
struct SessionRow {
  Bytes token_hash;  // 32 bytes
  std::string user_id;
  UnixTime created_at = 0;
  UnixTime expires_at = 0;
  UnixTime revoked_at = 0;  // 0 while not revoked

  bool operator==(const SessionRow&) const = default;
};

// A live session (not expired, not revoked, account enabled) with its account.
struct ActiveSession {
  SessionRow session;
  AccountRow account;
};

// Failed logins per username, shared by every process on the database.
struct LoginThrottleRow {
  std::string username;
  std::uint64_t failures = 0;  // since the last success or lockout
  UnixTime last_failure_at = 0;
  UnixTime locked_until = 0;  // 0 when not locked

  bool operator==(const LoginThrottleRow&) const = default;
};

struct OfficeRow {
  std::string id;
  std::string name;  // unique
  std::string address;
  std::string time_zone;  // IANA name, e.g. America/Chicago
  std::string phone;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;

  bool operator==(const OfficeRow&) const = default;
};

// ---- Audit queries (auditors; schema version 3) ----

// Which audit events a query returns. Empty or absent fields do not filter;
// the filters that are given must all hold.
struct AuditFilter {
  enum class Order { oldest_first, newest_first };

  std::string holder_id;         // events about this holder
  std::string actor;             // events by this user id
  std::optional<UnixTime> from;  // at >= from
  std::optional<UnixTime> to;    // at < to
  Order order = Order::oldest_first;
  // Paging cursor: the seq of the last event of the previous page; the next
  // page starts after it in `order`. 0 for the first page.
  std::uint64_t after = 0;
  std::size_t limit = 100;  // at most this many events
};

// ---- end of audit queries ----

// The operations of one transaction. A Tx is only valid inside the callback
// of Store::in_transaction and only on the calling thread.
//
// Constraint failures (a duplicate document number, status index, A-number
// hash or audit sequence) return Errc::conflict and mark the transaction for
// a retry: in_transaction() rolls back and runs the callback again.
class Tx {
 public:
  virtual ~Tx() = default;

  virtual Result<void> insert_holder(const HolderRow& row) = 0;
  // Replaces every column but id and created_at; Errc::not_found if absent.
  virtual Result<void> update_holder(const HolderRow& row) = 0;
  virtual Result<std::optional<HolderRow>> get_holder(const std::string& id) = 0;
  virtual Result<std::optional<HolderRow>> find_holder_by_a_number_hash(ByteView hash) = 0;
  virtual Result<std::vector<HolderRow>> find_holders_by_name_dob_hash(ByteView hash) = 0;

  virtual Result<void> insert_card(const CardRow& row) = 0;
  // Errc::not_found if there is no such card.
  virtual Result<void> update_card_state(const std::string& document_number, CardState state,
                                         const std::string& reason, UnixTime at) = 0;
  virtual Result<std::optional<CardRow>> get_card(const std::string& document_number) = 0;
  // Oldest version first.
  virtual Result<std::vector<CardRow>> cards_of_holder(const std::string& holder_id) = 0;
  virtual Result<bool> document_number_taken(const std::string& document_number) = 0;
  virtual Result<bool> status_index_taken(std::uint64_t index) = 0;
  // Every card's (status index, state), for building the validity list.
  virtual Result<std::vector<std::pair<std::uint64_t, CardState>>> card_states() = 0;

  virtual Result<void> insert_case_status(const CaseStatusRow& row) = 0;
  // Oldest first.
  virtual Result<std::vector<CaseStatusRow>> case_status_history(const std::string& holder_id) = 0;

  // Locks the published-list row until the transaction ends, so that two
  // registries on one database never publish the same or a smaller iat.
  virtual Result<std::optional<PublishedStatusList>> lock_status_list() = 0;

  // ---- Validity list entries (schema version 4) ----
  //
  // The list's packed 2-bit entries are kept beside its token, so that a
  // card change rewrites only its own entries instead of reading every card.
  // The registry keeps them equal to the cards table in every transaction
  // that changes a card's state.

  // The stored entries (index i in bits 2(i%4)..2(i%4)+1 of byte i/4).
  // Empty before any were saved; shorter than the list when the entries past
  // the end were never set. Read after lock_status_list().
  virtual Result<Bytes> status_list_bits() = 0;
  // Saves a token and the entries it was built from. Errc::conflict (and a
  // retry) unless list.iat is greater than the stored iat.
  virtual Result<void> save_status_list(const PublishedStatusList& list, ByteView bits) = 0;
  // Replaces the stored entries and leaves the token as it is (migrations).
  virtual Result<void> save_status_list_bits(ByteView bits) = 0;

  // ---- end of validity list entries ----

  // Locks the chain's head until the transaction ends; appends after it.
  virtual Result<AuditHead> lock_audit_head() = 0;
  // Appends consecutive events, the first with seq head.seq + 1, and moves
  // the head to the last.
  virtual Result<void> append_audit(std::span<const AuditEvent> events) = 0;
  Result<void> append_audit(const AuditEvent& event) { return append_audit({&event, 1}); }
  // Events with seq >= from_seq, ascending, at most `limit`.
  virtual Result<std::vector<AuditEvent>> audit_events(std::uint64_t from_seq,
                                                       std::size_t limit) = 0;

  // ---- Audit queries (auditors; schema version 3) ----
  // Events matching `filter`, in its order, at most filter.limit. Indexed
  // by holder, by actor and by time.
  virtual Result<std::vector<AuditEvent>> query_audit(const AuditFilter& filter) = 0;
  // ---- end of audit queries ----

  virtual Result<void> upsert_user(const User& user) = 0;
  virtual Result<std::optional<User>> get_user(const std::string& id) = 0;

  // ---- Accounts, sessions, login throttling, offices (schema version 2) ----
  //
  // A taken username, user id or office name is Errc::conflict without a
  // retry: trying again cannot help.

  // The account's user row must exist (upsert_user) in the same transaction.
  virtual Result<void> insert_account(const AccountRow& row) = 0;
  virtual Result<std::optional<AccountRow>> get_account(const std::string& username) = 0;
  // By username.
  virtual Result<std::vector<AccountRow>> list_accounts() = 0;
  // Errc::not_found if there is no such account.
  virtual Result<void> set_account_disabled(const std::string& username, bool disabled,
                                            UnixTime at) = 0;

  virtual Result<void> insert_session(const SessionRow& row) = 0;
  // The session with this token hash if it is live at `now` and its account
  // is enabled; nullopt otherwise.
  virtual Result<std::optional<ActiveSession>> find_active_session(ByteView token_hash,
                                                                   UnixTime now) = 0;
  // Marks a live session revoked; false if there was none to revoke.
  virtual Result<bool> revoke_session(ByteView token_hash, UnixTime at) = 0;
  // Revokes every live session of the user; returns how many.
  virtual Result<std::uint64_t> revoke_sessions_of_user(const std::string& user_id,
                                                        UnixTime at) = 0;

  virtual Result<std::optional<LoginThrottleRow>> get_login_throttle(
      const std::string& username) = 0;
  // Counts one failed login at `now` and returns the new row; failures older
  // than `window_start` are forgotten first. Locks the row until the
  // transaction ends, so concurrent failures all count.
  virtual Result<LoginThrottleRow> count_login_failure(const std::string& username, UnixTime now,
                                                       UnixTime window_start) = 0;
  // Locks the username out until `until` and starts counting afresh.
  virtual Result<void> lock_login(const std::string& username, UnixTime until) = 0;
  virtual Result<void> clear_login_throttle(const std::string& username) = 0;
  // Deletes sessions that expired before `now` and throttle rows neither
  // locked at `now` nor failed since `window_start`; returns rows deleted.
  virtual Result<std::uint64_t> purge_login_state(UnixTime now, UnixTime window_start) = 0;

  virtual Result<void> insert_office(const OfficeRow& row) = 0;
  // Replaces every column but id and created_at; Errc::not_found if absent.
  virtual Result<void> update_office(const OfficeRow& row) = 0;
  virtual Result<std::optional<OfficeRow>> get_office(const std::string& id) = 0;
  // By name.
  virtual Result<std::vector<OfficeRow>> list_offices() = 0;
  // Errc::not_found if absent. No table refers to an office yet; one that
  // does must make this Errc::conflict while such a row exists.
  virtual Result<void> delete_office(const std::string& id) = 0;

  // ---- end of accounts, sessions, login throttling, offices ----

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
