// The registry service: holders, cards, case status and the published
// validity list, each call checked against the caller's role and audited
// (who, when, what, outcome) in the same transaction as the change.
//
// Guide to the headers:
//   registry/types.h     domain records, roles, allowed()
//   registry/accounts.h  service accounts, sessions, login throttling
//   registry/offices.h   offices; registry/time_zones.h the zones they name
//   registry/admin_audit.h   audit records of administration
//   registry/store.h     the storage interface (Store, Tx), with a narrow
//                        interface per aggregate (holder_tx.h, card_tx.h,
//                        audit_tx.h, account_tx.h, office_tx.h)
//   store_sqlite/sqlite_store.h, store_postgres/postgres_store.h   its two
//                        implementations
//   registry/pii.h       encryption of personal data, lookup hashes
//   registry/audit.h     the audit chain, checkpoints, verify_audit()
//   registry/audit_batcher.h   group commit of the records of reads and
//                        verifications, which are durable before the answer
//   registry/holder_logins.h   holders' PINs and sign-in (Role::holder)
//   registry/icalendar.h, holder_calendar.h   a holder's dates as iCalendar
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/credential/credential.h"
#include "sdc/credential/issuer.h"
#include "sdc/credential/pki.h"
#include "sdc/registry/audit.h"
#include "sdc/registry/audit_batcher.h"
#include "sdc/registry/pii.h"
#include "sdc/registry/store.h"
#include "sdc/registry/types.h"

namespace sdc::registry {

struct RegistryOptions {
  Store* store = nullptr;             // not owned; must outlive the Registry
  const PiiCipher* cipher = nullptr;  // not owned
  const Signer* signer = nullptr;     // not owned
  IssuerSettings settings;
  const Clock* clock = nullptr;  // not owned
  Random* random = nullptr;      // not owned; thread-safe
  int card_valid_days = kDefaultValidDays;
  std::uint64_t status_list_size = kDefaultStatusListSize;  // positive multiple of 4
  UnixTime status_list_lifetime = 2 * 86400;                // token exp - iat
  std::uint64_t status_list_ttl = 3600;                     // seconds verifiers may cache
  // Seconds between publications of the validity list. 0: every card
  // change signs and publishes the list in its own transaction (at most
  // about one change a second then, see kMaxListLead). Positive: a change
  // only queues its entries, durable with it, and publish_queued() signs
  // one list for every change since the last, at most once per interval
  // across every registry on the store (StatusListPublisher calls it).
  UnixTime publish_interval = 0;
  // Makes the barcode thumbnail (spec claim 10) of an enrolled portrait
  // file; nullopt when the portrait cannot give one. Unset: cards carry no
  // thumbnail. Called while a card is issued; must be thread-safe.
  std::function<std::optional<Bytes>(ByteView portrait)> thumbnail;
};

// What enroll and correct take: the holder's data as entered.
struct HolderInput {
  std::string a_number;  // as typed
  std::string family_name;
  std::string given_names;
  std::string date_of_birth;
  std::string sex;
  std::string nationality;
  Bytes portrait;
  std::string contact;
  std::string language;
};

// A holder as a role may see it: fields the role may not see are empty.
struct HolderView {
  HolderRecord record;
  bool identity_shown = false;
  bool a_number_shown = false;
};

// The holder claims of a verified card as a role may see them (DESIGN.md):
// name and document number for every role that may verify; date of birth,
// sex, nationality, portrait digest and thumbnail, card version and office
// for roles that may see identity; the A-number only for roles that may see
// it. Fields not shown are cleared.
struct CardholderView {
  Holder holder;
  bool identity_shown = false;
  bool a_number_shown = false;
};
CardholderView cardholder_view_for(Role role, Holder holder);

// A holder's own record, as DESIGN.md lets a holder see it
// (allowed_on_own_record): identity and A-number (contact not shown), the
// current card without its barcode, the current case status without its
// reason or who recorded it, and who accessed the record (the audit trail
// about the holder, newest first: when, role, the actor's office name,
// action, purpose, outcome; no actor ids, no details).
// One access to a holder's record, as the holder sees it (no actor id, no detail).
struct RecordAccess {
  UnixTime at = 0;
  std::string role;    // the actor's role, e.g. "field_officer"
  std::string office;  // the actor's office NAME; empty when the actor has none
  std::string action;  // the audit action, e.g. "verify_card"
  std::string
      purpose;  // a stable key for what the access was for, e.g. "verification", "record_read",
                // "case_status", "appointments", "check_in", "sign_in", "administration"
  std::string outcome;  // "ok", "denied", ...

  bool operator==(const RecordAccess&) const = default;
};

// What an access was for, as a stable key a holder's portal can translate:
// "verification", "record_read", "enrollment", "card", "case_status",
// "appointments", "hearings", "check_in", "sign_in", "administration".
// Every Action has one; an audit action string that names no Action is
// "other".
std::string_view access_purpose(Action action);
std::string_view access_purpose(std::string_view action);

struct OwnRecord {
  HolderView holder;
  std::optional<CardRecord> card;  // the highest card version; nullopt before any card
  CaseStatusEntry case_status;     // CaseStatus::unknown, seq 0, when none was recorded
  std::vector<RecordAccess> accesses;
};

struct IssuedCardRecord {
  CardRecord card;
  IssuedCard issued;  // claims, barcode, MRZ
};

// Thread-safe: several threads (and several processes on one database) may
// call every method at once.
class Registry {
 public:
  // Fails if a required option is missing.
  static Result<Registry> create(RegistryOptions options);

  // Whether `actor`'s role may do `action`. A refusal is audited (outcome
  // "denied", with `detail`) before Errc::forbidden is returned, so a caller
  // that must refuse before it reads a request's input asks here first.
  // Every other method checks its own action too.
  Result<void> authorize(const User& actor, Action action, std::string detail = {});

  Result<HolderRecord> enroll(const User& actor, const HolderInput& input);
  // What enroll would refuse in `input`, every bad field a line
  // ("<field>: why", Errc::invalid_argument), without reading or writing
  // anything: for a form that shows every problem at once.
  Result<void> check_holder_input(const HolderInput& input) const;
  Result<HolderView> get_holder(const User& actor, const std::string& holder_id);
  // The holder's enrolled portrait file (Action::read_holder_identity), as a
  // field officer compares it with the person; audited as a read of the
  // holder's record. Errc::not_found for an unknown holder.
  Result<Bytes> portrait(const User& actor, const std::string& holder_id);
  // The A-number as typed; Errc::not_found if nobody has it.
  Result<HolderView> find_by_a_number(const User& actor, std::string_view typed);
  // Family name (case and spacing ignored) and date of birth; given names,
  // if not empty, must match too.
  Result<std::vector<HolderView>> find_by_name(const User& actor, std::string_view family_name,
                                               std::string_view date_of_birth,
                                               std::string_view given_names = {});
  Result<HolderRecord> correct(const User& actor, const std::string& holder_id,
                               const HolderInput& input);

  // Allocates a document number and a random free status index, signs and
  // stores the card and publishes or queues its list entry
  // (publish_interval), in one transaction.
  Result<IssuedCardRecord> issue_card(const User& actor, const std::string& holder_id);
  // Marks the holder's current valid or suspended card(s) invalid and issues
  // the next card version.
  Result<IssuedCardRecord> reissue_card(const User& actor, const std::string& holder_id,
                                        ReissueReason reason);
  Result<CardRecord> revoke_card(const User& actor, const std::string& document_number,
                                 std::string_view reason);
  Result<CardRecord> suspend_card(const User& actor, const std::string& document_number,
                                  std::string_view reason);
  Result<CardRecord> lift_suspension(const User& actor, const std::string& document_number,
                                     std::string_view reason);
  Result<CardRecord> get_card(const User& actor, const std::string& document_number);
  Result<std::vector<CardRecord>> cards_of_holder(const User& actor, const std::string& holder_id);
  // Records that `actor` verified a card (outcome as the verifier saw it).
  // For a role that may read case status, also answers the card holder's
  // current case status (CaseStatus::unknown, seq 0, when none was
  // recorded), audited as a read of it; for other roles, and for a card the
  // registry does not know, nullopt. One read and one audit commit. An
  // empty document_number records a verification that read no card (a
  // barcode that is not a card's, or whose signature failed): audited,
  // nothing read.
  Result<std::optional<CaseStatusEntry>> record_verification(const User& actor,
                                                             const std::string& document_number,
                                                             std::string_view outcome);

  Result<CaseStatusEntry> set_case_status(const User& actor, const std::string& holder_id,
                                          CaseStatus status, std::string_view effective_date,
                                          std::string_view reason);
  // The current entry; CaseStatus::unknown with seq 0 when none was recorded.
  Result<CaseStatusEntry> get_case_status(const User& actor, const std::string& holder_id);
  Result<std::vector<CaseStatusEntry>> case_status_history(const User& actor,
                                                           const std::string& holder_id);

  // The newest published token (public data: no role, no audit); builds
  // and publishes one if none exists yet.
  Result<PublishedStatusList> status_list();
  // Publishes the queued card changes (publish_interval > 0) if there are
  // any and the last list is at least publish_interval old: one signed list
  // for all of them. `list` is the list published now; otherwise `due` is
  // when the queued changes may be published (0: nothing is queued).
  struct QueuedPublication {
    std::optional<PublishedStatusList> list;
    UnixTime due = 0;
  };
  Result<QueuedPublication> publish_queued();
  // Called after every card change that queued list entries (not with
  // publish_interval 0), from the caller's thread: a publisher's wake-up.
  // Set it before the registry is shared between threads.
  void on_list_change(std::function<void()> listener);
  // Rebuilds the list from every card's state, signs and publishes it now,
  // and stores its entries (the queued changes are in the cards). Card
  // changes publish by themselves or through publish_queued(), from the
  // stored entries; this is the repair path (and what a bulk load of cards
  // behind the registry's back must call). Reads every card.
  Result<PublishedStatusList> publish_status_list();

  // ---- Holders (Role::holder, signed in through holder_logins.h) ----
  // The signed-in holder's own record; the holder comes from the user
  // (own_holder_id), never from the request, so no holder can name
  // another. Errc::forbidden (audited) for every other role. Audited as
  // read_own_record with the holder as actor. The newest kOwnAccesses
  // audit records are shown.
  static constexpr std::size_t kOwnAccesses = 50;
  Result<OwnRecord> own_record(const User& holder);
  // The signed-in holder chooses the language of the portal and of their
  // reminders: a language code (2 or 3 lower-case letters, e.g. "es");
  // Errc::invalid_argument otherwise. Audited as change_own_language.
  Result<void> set_own_language(const User& holder, std::string_view language);
  // ---- end of holders ----

  Result<std::vector<AuditEvent>> audit_events(const User& actor, std::uint64_t from_seq,
                                               std::size_t limit);

  // ---- Audit queries (auditors) ----
  // The trail filtered by holder, by user and/or by time, one page at a
  // time (AuditFilter::after); limit is clamped to 1..kMaxAuditPage. Only
  // auditors; the query is itself audited, and a query about a holder is
  // recorded as an access to that holder's record.
  static constexpr std::size_t kMaxAuditPage = 1000;
  // How far (seconds) a published list's iat may run ahead of the clock
  // when changes come faster than one a second (iat strictly increases);
  // a change that would go further is refused with Errc::limit.
  static constexpr UnixTime kMaxListLead = 120;
  Result<std::vector<AuditEvent>> audit_query(const User& actor, AuditFilter filter);

  // The group commit of audit-only events (reads, verifications, refusals),
  // for its counters.
  const AuditBatcher& audit_batcher() const { return *batcher_; }
  // The same group commit, for the domain classes beside the registry
  // (Scheduling) whose reads and refusals it records.
  AuditBatcher& audit_batcher() { return *batcher_; }
  // ---- end of audit queries ----

 private:
  // Which holder a card belongs to never changes: verifications remember
  // it (bounded) rather than read it again.
  class CardHolders;

  explicit Registry(RegistryOptions o);
  template <class T>
  Result<T> list_changed(Result<T> r) const;
  RegistryOptions o_;
  std::function<void()> list_listener_;
  std::unique_ptr<AuditBatcher> batcher_;
  std::shared_ptr<CardHolders> card_holders_;
};

}  // namespace sdc::registry
