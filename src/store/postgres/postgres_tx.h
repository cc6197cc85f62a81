// The Tx of the PostgreSQL store: one class, its aggregates defined in
// holders.cpp, cards.cpp, audit.cpp, accounts.cpp and offices.cpp, the
// statement running they share in postgres_tx.cpp. Internal to
// store/postgres.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sdc/registry/store.h"
#include "sdc/util/error.h"
#include "store/postgres/pg_handle.h"

namespace sdc::registry::pg {

class Statement {
 public:
  // Runs one statement on `conn`. A taken unique value, a serialization
  // failure or a deadlock is Errc::conflict and sets `retry`.
  static Result<Rows> exec(PGconn* conn, const std::string& sql, const Params& p, bool& retry);
};

// One transaction on one connection, which the caller has begun and will
// end. Only on the thread that holds the connection.
class PostgresTx final : public Tx {
 public:
  explicit PostgresTx(PGconn* conn) : conn_(conn) {}

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
  // Statement::exec, asking for a retry when it says so.
  Result<Rows> exec(const std::string& sql, const Params& p);
  Result<void> command(const std::string& sql, const Params& p);

  template <class T, class Read>
  Result<std::vector<T>> many(const std::string& sql, const Params& p, Read&& read) {
    auto rows = exec(sql, p);
    if (!rows) return std::unexpected(rows.error());
    std::vector<T> out;
    out.reserve(static_cast<std::size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) out.push_back(read(*rows, i));
    return out;
  }

  template <class T, class Read>
  Result<std::optional<T>> one(const std::string& sql, const Params& p, Read&& read) {
    auto rows = many<T>(sql, p, std::forward<Read>(read));
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<T>();
    return std::optional<T>(std::move(rows->front()));
  }

  PGconn* conn_;
};

}  // namespace sdc::registry::pg
