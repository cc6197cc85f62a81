// The Tx of the SQLite store: one class, its aggregates defined in
// holders.cpp, cards.cpp, audit.cpp, accounts.cpp and offices.cpp, the
// statement running they share in sqlite_tx.cpp. Internal to store/sqlite.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sdc/registry/store.h"
#include "sdc/util/error.h"
#include "store/sqlite/sqlite_handle.h"

namespace sdc::registry::sqlite {

// An Errc::io error with SQLite's message for `db`'s last failure.
Error sqlite_error(sqlite3* db, std::string_view what);

// One transaction on one connection, which the caller has begun and will
// end. Uses the connection's statement cache; only on the thread that holds
// the connection.
class SqliteTx final : public Tx {
 public:
  SqliteTx(sqlite3* db, StmtCache& cache) : db_(db), cache_(cache) {}

  // HolderTx (holders.cpp)
  Result<void> insert_holder(const HolderRow& r) override;
  Result<void> update_holder(const HolderRow& r) override;
  Result<std::optional<HolderRow>> get_holder(const std::string& id) override;
  Result<std::optional<HolderRow>> find_holder_by_a_number_hash(ByteView hash) override;
  Result<std::vector<HolderRow>> find_holders_by_name_dob_hash(ByteView hash) override;
  Result<void> insert_case_status(const CaseStatusRow& r) override;
  Result<std::vector<CaseStatusRow>> case_status_history(const std::string& holder_id) override;

  // CardTx (cards.cpp)
  Result<void> insert_card(const CardRow& r) override;
  Result<void> update_card_state(const std::string& document_number, CardState state,
                                 const std::string& reason, UnixTime at) override;
  Result<std::optional<CardRow>> get_card(const std::string& document_number) override;
  Result<std::vector<CardRow>> cards_of_holder(const std::string& holder_id) override;
  Result<bool> document_number_taken(const std::string& document_number) override;
  Result<bool> status_index_taken(std::uint64_t index) override;
  Result<std::vector<std::pair<std::uint64_t, CardState>>> card_states() override;
  Result<std::optional<PublishedStatusList>> lock_status_list() override;
  Result<Bytes> status_list_bits() override;
  Result<void> save_status_list_bits(ByteView bits) override;
  Result<void> queue_status_change(std::uint64_t index, CardState state) override;
  Result<std::vector<std::pair<std::uint64_t, CardState>>> take_status_changes() override;
  Result<bool> status_changes_queued() override;
  Result<void> save_status_list(const PublishedStatusList& list, ByteView bits) override;

  // AuditTx (audit.cpp)
  Result<AuditHead> lock_audit_head() override;
  using Tx::append_audit;
  Result<void> append_audit(std::span<const AuditEvent> events) override;
  Result<std::vector<AuditEvent>> audit_events(std::uint64_t from_seq, std::size_t limit) override;
  Result<std::vector<AuditEvent>> query_audit(const AuditFilter& filter) override;

  // AccountTx (accounts.cpp)
  Result<void> upsert_user(const User& u) override;
  Result<std::optional<User>> get_user(const std::string& id) override;
  Result<void> insert_account(const AccountRow& r) override;
  Result<std::optional<AccountRow>> get_account(const std::string& username) override;
  Result<std::vector<AccountRow>> list_accounts() override;
  Result<void> set_account_disabled(const std::string& username, bool disabled,
                                    UnixTime at) override;
  Result<void> insert_session(const SessionRow& r) override;
  Result<std::optional<ActiveSession>> find_active_session(ByteView token_hash,
                                                           UnixTime now) override;
  Result<bool> revoke_session(ByteView token_hash, UnixTime at) override;
  Result<std::uint64_t> revoke_sessions_of_user(const std::string& user_id, UnixTime at) override;
  Result<std::optional<LoginThrottleRow>> get_login_throttle(const std::string& username) override;
  Result<LoginThrottleRow> count_login_failure(const std::string& username, UnixTime now,
                                               UnixTime window_start) override;
  Result<void> lock_login(const std::string& username, UnixTime until) override;
  Result<void> clear_login_throttle(const std::string& username) override;
  Result<std::uint64_t> purge_login_state(UnixTime now, UnixTime window_start) override;

  // OfficeTx (offices.cpp)
  Result<void> insert_office(const OfficeRow& r) override;
  Result<void> update_office(const OfficeRow& r) override;
  Result<std::optional<OfficeRow>> get_office(const std::string& id) override;
  Result<std::vector<OfficeRow>> list_offices() override;
  Result<void> delete_office(const std::string& id) override;
  Result<void> insert_closure(const OfficeClosure& closure) override;
  Result<void> delete_closure(const std::string& office_id, const std::string& date) override;
  Result<std::vector<OfficeClosure>> closures(const std::string& office_id,
                                              const std::string& from_date,
                                              const std::string& to_date) override;

  // ScheduleTx (schedule.cpp)
  Result<void> put_reporting(const ReportingRow& row) override;
  Result<std::optional<ReportingRow>> get_reporting(const std::string& holder_id) override;
  Result<bool> take_slot_place(const std::string& office_id, UnixTime starts_at,
                               int capacity) override;
  Result<void> release_slot_place(const std::string& office_id, UnixTime starts_at) override;
  Result<std::vector<std::pair<UnixTime, int>>> taken_places(const std::string& office_id,
                                                             UnixTime from, UnixTime to) override;
  Result<void> insert_appointment(const AppointmentRow& row) override;
  Result<void> update_appointment(const AppointmentRow& row) override;
  Result<std::optional<AppointmentRow>> get_appointment(const std::string& id) override;
  Result<std::vector<AppointmentRow>> appointments_of_holder(const std::string& holder_id) override;
  Result<std::vector<AppointmentRow>> booked_appointments(const std::string& office_id,
                                                          UnixTime from, UnixTime to) override;

  // NotificationTx (notifications.cpp)
  Result<bool> insert_notification(const NotificationRow& row) override;
  Result<std::vector<NotificationRow>> notifications_of_holder(
      const std::string& holder_id) override;
  Result<std::vector<NotificationRow>> claim_due_notifications(UnixTime now, std::size_t limit,
                                                               UnixTime lease_until) override;
  Result<bool> mark_notification_sent(const std::string& id, UnixTime at) override;
  Result<bool> mark_notification_failed(const std::string& id, int attempts,
                                        UnixTime next_attempt_at, bool final) override;

  // HearingTx (hearings.cpp)
  Result<void> insert_hearing(const HearingRow& r) override;
  Result<void> update_hearing(const HearingRow& r) override;
  Result<std::optional<HearingRow>> find_hearing(ByteView a_number_hash,
                                                 const std::string& hearing_id) override;
  Result<std::vector<HearingRow>> hearings_of(ByteView a_number_hash) override;
  Result<std::vector<HearingRow>> scheduled_hearings_between(UnixTime from, UnixTime to) override;

  // HolderLoginTx (holder_logins.cpp)
  Result<std::optional<HolderPinRow>> get_holder_pin(const std::string& holder_id) override;
  Result<void> put_holder_pin(const HolderPinRow& r) override;
  Result<HolderPinRow> count_holder_pin_failure(const std::string& holder_id, UnixTime now,
                                                std::uint64_t lock_after) override;
  Result<void> clear_holder_pin_failures(const std::string& holder_id) override;
  Result<std::optional<ActiveHolderSession>> find_active_holder_session(ByteView token_hash,
                                                                        UnixTime now) override;

  // CheckInTx (check_ins.cpp)
  Result<void> insert_check_in(const CheckInRow& r) override;
  Result<std::vector<CheckInRow>> check_ins_of_holder(const std::string& holder_id) override;

 private:
  Result<Stmt> prepare(const std::string& sql) { return cache_.prepare(sql); }

  // Steps a statement that returns no rows (or whose rows are not read).
  Result<void> done(Stmt& s, std::string_view what);
  // The error for a failed step; asks for a retry on a taken unique value
  // or a busy database.
  std::unexpected<Error> step_error(int rc, std::string_view what);

  template <class T, class Bind, class Read>
  Result<std::vector<T>> many(const std::string& sql, Bind&& bind, Read&& read) {
    auto s = prepare(sql);
    if (!s) return std::unexpected(s.error());
    bind(*s);
    std::vector<T> out;
    for (;;) {
      int rc = s->step();
      if (rc == SQLITE_DONE) return out;
      if (rc != SQLITE_ROW) return step_error(rc, "query");
      out.push_back(read(*s));
    }
  }

  template <class T, class Bind, class Read>
  Result<std::optional<T>> one(const std::string& sql, Bind&& bind, Read&& read) {
    auto rows = many<T>(sql, std::forward<Bind>(bind), std::forward<Read>(read));
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<T>();
    return std::optional<T>(std::move(rows->front()));
  }

  sqlite3* db_;
  StmtCache& cache_;
};

}  // namespace sdc::registry::sqlite
