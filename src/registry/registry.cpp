#include "sdc/registry/registry.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <span>
#include <unordered_map>

#include "registry/audited_calls.h"
#include "sdc/credential/status_list.h"
#include "sdc/crypto/crypto.h"

namespace sdc::registry {
namespace {

constexpr int kAllocationAttempts = 64;

// The validity list's deflate level, chosen by measurement
// (docs/PERFORMANCE.md, "Registry service"): every publication deflates
// the whole list inside its write transaction, and offline verifiers
// download the result.
constexpr int kStatusListZlibLevel = 3;

// One card's entry in the validity list, as a change sets it.
struct ListEntry {
  std::uint64_t index = 0;
  CardState state = CardState::valid;
};
constexpr std::string_view kPlaceholderDocument = "000000000";

std::string new_record_id(Random& random) {
  Bytes b(16);
  random.fill(b);
  return hex_encode(b);
}

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (d[i] < '0' || d[i] > '9') return false;
  int m = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

// Every bad field, a line each (validate_holder's form).
Result<HolderRecord> record_from_input(const HolderInput& in, const IssuerSettings& settings) {
  std::string problems;
  auto add = [&](const std::string& p) { problems += (problems.empty() ? "" : "\n") + p; };
  auto a = normalize_a_number(in.a_number);
  if (!a) add(a.error().message);
  HolderRecord r;
  r.a_number = a ? *a : std::string();
  r.family_name = in.family_name;
  r.given_names = in.given_names;
  r.date_of_birth = in.date_of_birth;
  r.sex = in.sex;
  r.nationality = in.nationality;
  r.portrait = in.portrait;
  r.contact = in.contact;
  r.language = in.language;
  if (r.portrait.empty()) add("portrait: required");
  // The card's own rules, so that every enrolled holder can be issued a card.
  Holder h;
  h.document_number = kPlaceholderDocument;
  h.a_number = a ? *a : std::string(9, '0');  // its own problem is said above
  h.family_name = r.family_name;
  h.given_names = r.given_names;
  h.date_of_birth = r.date_of_birth;
  h.sex = r.sex;
  h.nationality = r.nationality;
  h.portrait_sha256 = Bytes(32, 0);
  h.issuing_office = settings.office;
  if (auto v = validate_holder(h); !v) add(v.error().message);
  if (!problems.empty()) return fail(Errc::invalid_argument, problems);
  return r;
}

// `own`: the record is the caller's own (allowed_on_own_record decides).
HolderView view_for(Role role, HolderRecord r, bool own = false) {
  auto sees = [&](Action a) { return own ? allowed_on_own_record(role, a) : allowed(role, a); };
  HolderView v;
  v.identity_shown = sees(Action::read_holder_identity);
  v.a_number_shown = sees(Action::read_a_number);
  if (!v.a_number_shown) r.a_number.clear();
  if (!sees(Action::read_holder_name)) {
    r.family_name.clear();
    r.given_names.clear();
  }
  if (own) r.contact.clear();  // not in DESIGN.md's list for holders
  if (!v.identity_shown) {
    r.date_of_birth.clear();
    r.sex.clear();
    r.nationality.clear();
    r.portrait.clear();
    r.contact.clear();
  }
  v.record = std::move(r);
  return v;
}

}  // namespace

CardholderView cardholder_view_for(Role role, Holder h) {
  CardholderView v;
  v.identity_shown = allowed(role, Action::read_holder_identity);
  v.a_number_shown = allowed(role, Action::read_a_number);
  if (!v.a_number_shown) h.a_number.clear();
  if (!v.identity_shown) {
    h.date_of_birth.clear();
    h.sex.clear();
    h.nationality.clear();
    h.portrait_sha256.clear();
    h.thumbnail.reset();
    h.card_version = 0;
    h.issuing_office.clear();
  }
  v.holder = std::move(h);
  return v;
}

namespace {

CardRecord card_view_for(Role role, CardRecord c) {
  // The barcode carries the A-number: only for roles that may see it.
  if (!allowed(role, Action::read_a_number)) c.barcode.clear();
  return c;
}

}  // namespace

// The registry's private helpers, with access to its options.
struct RegistryOps : AuditedCalls {
  RegistryOps(const RegistryOptions& options, AuditBatcher* b)
      : AuditedCalls{*options.store, *b, *options.clock}, o(options) {}

  const RegistryOptions& o;

  HolderRow seal(const HolderRecord& r) const { return seal_holder(r, *o.cipher, *o.random); }

  Result<HolderRecord> open(const HolderRow& row) const {
    auto identity = o.cipher->open(row.sealed_identity, row.id, "identity");
    if (!identity) return std::unexpected(identity.error());
    auto portrait = o.cipher->open(row.sealed_portrait, row.id, "portrait");
    if (!portrait) return std::unexpected(portrait.error());
    auto j = nlohmann::json::parse(as_chars(*identity), nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return fail(Errc::parse, "holder " + row.id + ": sealed identity is not readable");
    HolderRecord r;
    r.id = row.id;
    auto str = [&j](const char* k) {
      auto it = j.find(k);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    r.a_number = str("a_number");
    r.family_name = str("family_name");
    r.given_names = str("given_names");
    r.date_of_birth = str("date_of_birth");
    r.sex = str("sex");
    r.nationality = str("nationality");
    r.contact = str("contact");
    r.portrait = std::move(*portrait);
    r.language = row.language;
    r.created_at = row.created_at;
    r.updated_at = row.updated_at;
    return r;
  }

  Result<CardRecord> open(const CardRow& row) const {
    auto barcode = o.cipher->open(row.sealed_barcode, row.document_number, "barcode");
    if (!barcode) return std::unexpected(barcode.error());
    CardRecord c;
    c.document_number = row.document_number;
    c.holder_id = row.holder_id;
    c.card_version = row.card_version;
    c.status_index = row.status_index;
    c.state = row.state;
    c.issued_at = row.issued_at;
    c.expires_at = row.expires_at;
    c.barcode = std::string(as_chars(*barcode));
    c.state_reason = row.state_reason;
    c.updated_at = row.updated_at;
    return c;
  }

  Result<CaseStatusEntry> open(const CaseStatusRow& row) const {
    auto reason = o.cipher->open(row.sealed_reason, row.holder_id,
                                 "case_status_reason/" + std::to_string(row.seq));
    if (!reason) return std::unexpected(reason.error());
    return CaseStatusEntry{row.holder_id,
                           row.seq,
                           row.status,
                           row.effective_date,
                           std::string(as_chars(*reason)),
                           row.recorded_by,
                           row.recorded_at};
  }

  Result<HolderRow> holder_row(Tx& tx, const std::string& id) const {
    auto row = tx.get_holder(id);
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(Errc::not_found, "no holder with id " + id);
    return std::move(**row);
  }

  Result<CardRow> card_row(Tx& tx, const std::string& document_number) const {
    auto row = tx.get_card(document_number);
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(Errc::not_found, "no card with document number " + document_number);
    return std::move(**row);
  }

  // A card change's list entries: published in the change's own
  // transaction when publish_interval is 0, else queued, durable with the
  // change, for the next publication (publish_queued), which folds every
  // change since the last one into one signed list.
  Result<void> record_list_changes(Tx& tx, std::span<const ListEntry> changes) const {
    if (o.publish_interval == 0) {
      auto p = publish(tx, changes);
      if (!p) return std::unexpected(p.error());
      return {};
    }
    for (const ListEntry& e : changes)
      if (auto q = tx.queue_status_change(e.index, e.state); !q) return q;
    return {};
  }

  // The list row is locked first, so the entries and queued changes read
  // after it include every committed change and iat is strictly greater
  // than any iat published before, by this or another registry.

  // Publishes the stored entries with the queued changes and then
  // `changes` applied, and stores them: no card is read, so a publication
  // costs the same at any number of cards.
  Result<PublishedStatusList> publish(Tx& tx, std::span<const ListEntry> changes) const {
    auto last = tx.lock_status_list();
    if (!last) return std::unexpected(last.error());
    return publish_after_lock(tx, *last, changes);
  }

  Result<PublishedStatusList> publish_after_lock(Tx& tx,
                                                 const std::optional<PublishedStatusList>& last,
                                                 std::span<const ListEntry> changes) const {
    auto queued = tx.take_status_changes();
    if (!queued) return std::unexpected(queued.error());
    auto bits = tx.status_list_bits();
    if (!bits) return std::unexpected(bits.error());
    // Entries never stored are valid (0); a list made shorter drops the
    // entries past its end, as a rebuild from the cards would.
    bits->resize(o.status_list_size / 4, 0);
    auto list = StatusList::from_bytes(std::move(*bits));
    if (!list) return std::unexpected(list.error());
    for (auto [index, state] : *queued)
      if (index < list->size()) list->set(index, static_cast<std::uint8_t>(state));
    for (const ListEntry& e : changes)
      if (e.index < list->size()) list->set(e.index, static_cast<std::uint8_t>(e.state));
    return sign_and_save(tx, last, *list);
  }

  // Rebuilds the list from every card's state and stores its entries: the
  // first publication, and the repair path should the entries ever differ
  // from the cards. The queued changes are taken first: the cards read
  // after include them.
  Result<PublishedStatusList> republish(Tx& tx) const {
    auto last = tx.lock_status_list();
    if (!last) return std::unexpected(last.error());
    if (auto q = tx.take_status_changes(); !q) return std::unexpected(q.error());
    auto states = tx.card_states();
    if (!states) return std::unexpected(states.error());
    auto list = StatusList::create(o.status_list_size);
    if (!list) return std::unexpected(list.error());
    for (auto [index, state] : *states)
      if (index < list->size()) list->set(index, static_cast<std::uint8_t>(state));
    return sign_and_save(tx, *last, *list);
  }

  Result<PublishedStatusList> sign_and_save(Tx& tx, const std::optional<PublishedStatusList>& last,
                                            const StatusList& list) const {
    UnixTime now = o.clock->now();
    UnixTime iat = now;
    if (last) iat = std::max(iat, last->iat + 1);
    // More than one change a second moves iat ahead of the clock; verifiers
    // refuse a list more than 5 minutes ahead (credential-v1 §6). Past
    // kMaxListLead the change is refused (and rolled back) until the clock
    // catches up, so that the published list always stays usable.
    if (iat > now + Registry::kMaxListLead)
      return fail(Errc::limit,
                  "the validity list is changing faster than once a second; try again in a "
                  "few seconds");
    StatusListClaims claims{o.settings.status_uri, iat, iat + o.status_list_lifetime,
                            o.status_list_ttl};
    auto token = build_status_list_token(list, claims, *o.signer, kStatusListZlibLevel);
    if (!token) return std::unexpected(token.error());
    PublishedStatusList published{iat, std::move(*token)};
    if (auto s = tx.save_status_list(published, list.bytes()); !s)
      return std::unexpected(s.error());
    return published;
  }

  // Issues a card and records `changes` (entries the caller changed in the
  // same transaction) and the new card's entry for the list.
  Result<IssuedCardRecord> issue(Tx& tx, const std::string& holder_id,
                                 std::vector<ListEntry> changes = {}) const {
    auto row = holder_row(tx, holder_id);
    if (!row) return std::unexpected(row.error());
    auto holder = open(*row);
    if (!holder) return std::unexpected(holder.error());
    auto cards = tx.cards_of_holder(holder_id);
    if (!cards) return std::unexpected(cards.error());
    std::uint64_t version = 1;
    for (const CardRow& c : *cards) version = std::max(version, c.card_version + 1);

    // Fresh document number and a random free status index; the UNIQUE
    // constraints catch a concurrent writer and the transaction is retried.
    std::string document_number;
    for (int i = 0; i < kAllocationAttempts && document_number.empty(); ++i) {
      std::string candidate = new_document_number(*o.random);
      auto taken = tx.document_number_taken(candidate);
      if (!taken) return std::unexpected(taken.error());
      if (!*taken) document_number = candidate;
    }
    std::optional<std::uint64_t> index;
    for (int i = 0; i < kAllocationAttempts && !index; ++i) {
      std::uint64_t candidate = o.random->uniform(o.status_list_size);
      auto taken = tx.status_index_taken(candidate);
      if (!taken) return std::unexpected(taken.error());
      if (!*taken) index = candidate;
    }
    if (document_number.empty() || !index)
      return fail(Errc::limit,
                  "no free document number or status index found: the validity "
                  "list is nearly full, enlarge it");

    Holder h;
    h.document_number = document_number;
    h.a_number = holder->a_number;
    h.family_name = holder->family_name;
    h.given_names = holder->given_names;
    h.date_of_birth = holder->date_of_birth;
    h.sex = holder->sex;
    h.nationality = holder->nationality;
    auto digest = crypto::sha256(holder->portrait);
    h.portrait_sha256 = Bytes(digest.begin(), digest.end());
    if (o.thumbnail) h.thumbnail = o.thumbnail(holder->portrait);
    h.card_version = version;
    IssueOptions io;
    io.now = o.clock->now();
    io.valid_days = o.card_valid_days;
    io.status_index = *index;
    io.status_list_size = o.status_list_size;
    auto issued = ::sdc::issue_card(std::move(h), *o.signer, o.settings, io, *o.random);
    if (!issued) return std::unexpected(issued.error());

    CardRow card;
    card.document_number = document_number;
    card.holder_id = holder_id;
    card.card_version = version;
    card.status_index = *index;
    card.state = CardState::valid;
    card.issued_at = issued->claims.iat;
    card.expires_at = issued->claims.exp;
    card.sealed_barcode =
        o.cipher->seal(as_bytes(issued->barcode), document_number, "barcode", *o.random);
    card.state_reason = "issued";
    card.updated_at = io.now;
    if (auto r = tx.insert_card(card); !r) return std::unexpected(r.error());
    changes.push_back({card.status_index, card.state});
    if (auto p = record_list_changes(tx, changes); !p) return std::unexpected(p.error());
    auto rec = open(card);
    if (!rec) return std::unexpected(rec.error());
    return IssuedCardRecord{std::move(*rec), std::move(*issued)};
  }

  Result<CardRecord> change_state(const User& actor, Action action,
                                  const std::string& document_number, std::string_view reason,
                                  CardState from, CardState to) const {
    return audited<CardRecord>(
        actor, action, Note{"", "card " + document_number},
        [&](Tx& tx, Note& n) -> Result<CardRecord> {
          auto card = card_row(tx, document_number);
          if (!card) return std::unexpected(card.error());
          n.holder_id = card->holder_id;
          bool ok = card->state == from ||
                    (to == CardState::invalid && card->state == CardState::suspended);
          if (!ok)
            return fail(Errc::conflict, "card " + document_number + " is " +
                                            to_string(card->state) + ", cannot become " +
                                            to_string(to));
          UnixTime now = o.clock->now();
          if (auto u = tx.update_card_state(document_number, to, std::string(reason), now); !u)
            return std::unexpected(u.error());
          const ListEntry entry{card->status_index, to};
          if (auto p = record_list_changes(tx, {&entry, 1}); !p) return std::unexpected(p.error());
          card->state = to;
          card->state_reason = std::string(reason);
          card->updated_at = now;
          return open(*card);
        });
  }
};

class Registry::CardHolders {
 public:
  std::optional<std::string> find(const std::string& document_number) const {
    std::shared_lock lock(mutex_);
    auto it = map_.find(document_number);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  void remember(const std::string& document_number, const std::string& holder_id) {
    std::lock_guard lock(mutex_);
    if (map_.size() >= kMax) map_.clear();  // bounded; refills from the store
    map_.emplace(document_number, holder_id);
  }

 private:
  static constexpr std::size_t kMax = 100'000;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string> map_;
};

Registry::Registry(RegistryOptions o)
    : o_(std::move(o)),
      batcher_(std::make_unique<AuditBatcher>(*o_.store)),
      card_holders_(std::make_shared<CardHolders>()) {}

Result<void> Registry::authorize(const User& actor, Action action, std::string detail) {
  if (allowed(actor.role, action)) return {};
  return RegistryOps{o_, batcher_.get()}.refused<void>(actor, action, Note{"", std::move(detail)});
}

Result<Registry> Registry::create(RegistryOptions options) {
  if (!options.store || !options.cipher || !options.signer || !options.clock || !options.random)
    return fail(Errc::invalid_argument,
                "registry: store, cipher, signer, clock and random are all required");
  if (options.status_list_size == 0 || options.status_list_size % 4 != 0)
    return fail(Errc::invalid_argument,
                "registry: status list size must be a positive multiple of 4");
  return Registry(std::move(options));
}

Result<HolderRecord> Registry::enroll(const User& actor, const HolderInput& input) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited<HolderRecord>(
      actor, Action::enroll_holder, Note{}, [&](Tx& tx, Note& n) -> Result<HolderRecord> {
        auto rec = record_from_input(input, o_.settings);
        if (!rec) return std::unexpected(rec.error());
        auto existing = tx.find_holder_by_a_number_hash(o_.cipher->a_number_hash(rec->a_number));
        if (!existing) return std::unexpected(existing.error());
        if (*existing)
          return fail(Errc::conflict, "a holder with this A-number is already enrolled (id " +
                                          (*existing)->id + ")");
        rec->id = new_record_id(*o_.random);
        rec->created_at = rec->updated_at = o_.clock->now();
        n.holder_id = rec->id;
        if (auto r = tx.insert_holder(ops.seal(*rec)); !r) return std::unexpected(r.error());
        return *rec;
      });
}

Result<void> Registry::check_holder_input(const HolderInput& input) const {
  auto rec = record_from_input(input, o_.settings);
  if (!rec) return std::unexpected(rec.error());
  return {};
}

Result<HolderView> Registry::get_holder(const User& actor, const std::string& holder_id) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited_read<HolderView>(actor, Action::read_holder_name, Note{holder_id, ""},
                                      [&](Tx& tx, Note&) -> Result<HolderView> {
                                        auto row = ops.holder_row(tx, holder_id);
                                        if (!row) return std::unexpected(row.error());
                                        auto rec = ops.open(*row);
                                        if (!rec) return std::unexpected(rec.error());
                                        return view_for(actor.role, std::move(*rec));
                                      });
}

Result<Bytes> Registry::portrait(const User& actor, const std::string& holder_id) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited_read<Bytes>(actor, Action::read_holder_identity, Note{holder_id, "portrait"},
                                 [&](Tx& tx, Note&) -> Result<Bytes> {
                                   auto row = ops.holder_row(tx, holder_id);
                                   if (!row) return std::unexpected(row.error());
                                   auto rec = ops.open(*row);
                                   if (!rec) return std::unexpected(rec.error());
                                   return std::move(rec->portrait);
                                 });
}

Result<HolderView> Registry::find_by_a_number(const User& actor, std::string_view typed) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited_read<HolderView>(
      actor, Action::find_by_a_number, Note{}, [&](Tx& tx, Note& n) -> Result<HolderView> {
        auto a = normalize_a_number(typed);
        if (!a) return std::unexpected(a.error());
        auto row = tx.find_holder_by_a_number_hash(o_.cipher->a_number_hash(*a));
        if (!row) return std::unexpected(row.error());
        if (!*row) return fail(Errc::not_found, "no holder with this A-number");
        n.holder_id = (*row)->id;
        auto rec = ops.open(**row);
        if (!rec) return std::unexpected(rec.error());
        // A keyed-hash collision is not a match.
        if (!constant_time_equal(as_bytes(rec->a_number), as_bytes(*a)))
          return fail(Errc::not_found, "no holder with this A-number");
        return view_for(actor.role, std::move(*rec));
      });
}

Result<std::vector<HolderView>> Registry::find_by_name(const User& actor,
                                                       std::string_view family_name,
                                                       std::string_view date_of_birth,
                                                       std::string_view given_names) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited_read<std::vector<HolderView>>(
      actor, Action::find_by_name, Note{}, [&](Tx& tx, Note& n) -> Result<std::vector<HolderView>> {
        auto rows =
            tx.find_holders_by_name_dob_hash(o_.cipher->name_dob_hash(family_name, date_of_birth));
        if (!rows) return std::unexpected(rows.error());
        std::vector<HolderView> out;
        for (const HolderRow& row : *rows) {
          auto rec = ops.open(row);
          if (!rec) return std::unexpected(rec.error());
          if (normalize_name(rec->family_name) != normalize_name(family_name) ||
              rec->date_of_birth != date_of_birth)
            continue;
          if (!given_names.empty() &&
              normalize_name(rec->given_names) != normalize_name(given_names))
            continue;
          if (n.holder_id.empty())
            n.holder_id = rec->id;
          else
            n.more_holders.push_back(rec->id);
          out.push_back(view_for(actor.role, std::move(*rec)));
        }
        n.detail = "matches: " + std::to_string(out.size());
        return out;
      });
}

Result<HolderRecord> Registry::correct(const User& actor, const std::string& holder_id,
                                       const HolderInput& input) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited<HolderRecord>(
      actor, Action::correct_holder, Note{holder_id, ""},
      [&](Tx& tx, Note&) -> Result<HolderRecord> {
        auto row = ops.holder_row(tx, holder_id);
        if (!row) return std::unexpected(row.error());
        auto rec = record_from_input(input, o_.settings);
        if (!rec) return std::unexpected(rec.error());
        auto other = tx.find_holder_by_a_number_hash(o_.cipher->a_number_hash(rec->a_number));
        if (!other) return std::unexpected(other.error());
        if (*other && (*other)->id != holder_id)
          return fail(Errc::conflict, "another holder has this A-number (id " + (*other)->id + ")");
        rec->id = holder_id;
        rec->created_at = row->created_at;
        rec->updated_at = o_.clock->now();
        if (auto u = tx.update_holder(ops.seal(*rec)); !u) return std::unexpected(u.error());
        return *rec;
      });
}

template <class T>
Result<T> Registry::list_changed(Result<T> r) const {
  if (r && o_.publish_interval > 0 && list_listener_) list_listener_();
  return r;
}

void Registry::on_list_change(std::function<void()> listener) {
  list_listener_ = std::move(listener);
}

Result<IssuedCardRecord> Registry::issue_card(const User& actor, const std::string& holder_id) {
  RegistryOps ops{o_, batcher_.get()};
  return list_changed(
      ops.audited<IssuedCardRecord>(actor, Action::issue_card, Note{holder_id, ""},
                                    [&](Tx& tx, Note& n) -> Result<IssuedCardRecord> {
                                      auto r = ops.issue(tx, holder_id);
                                      if (r) n.detail = "card " + r->card.document_number;
                                      return r;
                                    }));
}

Result<IssuedCardRecord> Registry::reissue_card(const User& actor, const std::string& holder_id,
                                                ReissueReason reason) {
  RegistryOps ops{o_, batcher_.get()};
  return list_changed(ops.audited<IssuedCardRecord>(
      actor, Action::reissue_card, Note{holder_id, std::string("reason ") + to_string(reason)},
      [&](Tx& tx, Note& n) -> Result<IssuedCardRecord> {
        auto cards = tx.cards_of_holder(holder_id);
        if (!cards) return std::unexpected(cards.error());
        if (cards->empty())
          return fail(Errc::not_found, "holder " + holder_id + " has no card to reissue");
        std::string replaced;
        std::vector<ListEntry> invalidated;
        for (const CardRow& c : *cards) {
          if (c.state == CardState::invalid) continue;
          auto u =
              tx.update_card_state(c.document_number, CardState::invalid,
                                   std::string("reissued: ") + to_string(reason), o_.clock->now());
          if (!u) return std::unexpected(u.error());
          invalidated.push_back({c.status_index, CardState::invalid});
          replaced += (replaced.empty() ? "" : ",") + c.document_number;
        }
        // One publication: the replaced cards' entries and the new card's.
        auto r = ops.issue(tx, holder_id, std::move(invalidated));
        if (r)
          n.detail = std::string("reason ") + to_string(reason) + "; card " +
                     r->card.document_number + " replaces " +
                     (replaced.empty() ? std::string("none") : replaced);
        return r;
      }));
}

Result<CardRecord> Registry::revoke_card(const User& actor, const std::string& document_number,
                                         std::string_view reason) {
  return list_changed(RegistryOps{o_, batcher_.get()}.change_state(
      actor, Action::revoke_card, document_number, reason, CardState::valid, CardState::invalid));
}

Result<CardRecord> Registry::suspend_card(const User& actor, const std::string& document_number,
                                          std::string_view reason) {
  return list_changed(
      RegistryOps{o_, batcher_.get()}.change_state(actor, Action::suspend_card, document_number,
                                                   reason, CardState::valid, CardState::suspended));
}

Result<CardRecord> Registry::lift_suspension(const User& actor, const std::string& document_number,
                                             std::string_view reason) {
  return list_changed(
      RegistryOps{o_, batcher_.get()}.change_state(actor, Action::lift_suspension, document_number,
                                                   reason, CardState::suspended, CardState::valid));
}

Result<CardRecord> Registry::get_card(const User& actor, const std::string& document_number) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited_read<CardRecord>(actor, Action::read_card_validity,
                                      Note{"", "card " + document_number},
                                      [&](Tx& tx, Note& n) -> Result<CardRecord> {
                                        auto row = ops.card_row(tx, document_number);
                                        if (!row) return std::unexpected(row.error());
                                        n.holder_id = row->holder_id;
                                        auto c = ops.open(*row);
                                        if (!c) return std::unexpected(c.error());
                                        return card_view_for(actor.role, std::move(*c));
                                      });
}

Result<std::vector<CardRecord>> Registry::cards_of_holder(const User& actor,
                                                          const std::string& holder_id) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited_read<std::vector<CardRecord>>(
      actor, Action::read_card_validity, Note{holder_id, ""},
      [&](Tx& tx, Note&) -> Result<std::vector<CardRecord>> {
        if (auto h = ops.holder_row(tx, holder_id); !h) return std::unexpected(h.error());
        auto rows = tx.cards_of_holder(holder_id);
        if (!rows) return std::unexpected(rows.error());
        std::vector<CardRecord> out;
        for (const CardRow& row : *rows) {
          auto c = ops.open(row);
          if (!c) return std::unexpected(c.error());
          out.push_back(card_view_for(actor.role, std::move(*c)));
        }
        return out;
      });
}

Result<std::optional<CaseStatusEntry>> Registry::record_verification(
    const User& actor, const std::string& document_number, std::string_view outcome) {
  using Answer = std::optional<CaseStatusEntry>;
  RegistryOps ops{o_, batcher_.get()};
  Note note{"",
            (document_number.empty() ? std::string("no card read") : "card " + document_number) +
                "; result " + std::string(outcome)};
  if (!allowed(actor.role, Action::verify_card))
    return ops.refused<Answer>(actor, Action::verify_card, note);
  const bool with_status = allowed(actor.role, Action::read_case_status);
  struct Seen {
    std::string holder_id;  // empty: no such card here
    std::optional<CaseStatusRow> current;
  };
  std::optional<std::string> known = card_holders_->find(document_number);
  auto look_up = [&]() -> Result<Seen> {
    if (document_number.empty()) return Seen{};                    // no card to read
    if (known && !with_status) return Seen{*known, std::nullopt};  // nothing to read
    return o_.store->in_read_transaction<Seen>([&](Tx& tx) -> Result<Seen> {
      Seen s;
      if (known) {
        s.holder_id = *known;
      } else {
        auto card = tx.get_card(document_number);
        if (!card) return std::unexpected(card.error());
        if (!*card) return s;
        s.holder_id = (*card)->holder_id;
      }
      if (!with_status) return s;
      auto history = tx.case_status_history(s.holder_id);
      if (!history) return std::unexpected(history.error());
      if (!history->empty()) s.current = std::move(history->back());
      return s;
    });
  };
  auto seen = look_up();
  if (!seen) return ops.audited_failure<Answer>(actor, Action::verify_card, note, seen.error());
  if (!known && !seen->holder_id.empty()) card_holders_->remember(document_number, seen->holder_id);
  note.holder_id = seen->holder_id;
  std::vector<AuditEvent> events = ops.events_for(actor, Action::verify_card, note, "ok");
  Answer status;
  if (with_status && !seen->holder_id.empty()) {
    Note read{seen->holder_id, "current"};
    if (seen->current) {
      auto open = ops.open(*seen->current);
      if (!open)
        return ops.audited_failure<Answer>(actor, Action::read_case_status, read, open.error());
      status = std::move(*open);
    } else {
      status = CaseStatusEntry{};
      status->holder_id = seen->holder_id;
    }
    for (AuditEvent& e : ops.events_for(actor, Action::read_case_status, read, "ok"))
      events.push_back(std::move(e));
  }
  // Nothing is answered unless the records are durable.
  if (auto a = batcher_->record(std::move(events)); !a) return std::unexpected(a.error());
  return status;
}

Result<CaseStatusEntry> Registry::set_case_status(const User& actor, const std::string& holder_id,
                                                  CaseStatus status,
                                                  std::string_view effective_date,
                                                  std::string_view reason) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited<CaseStatusEntry>(
      actor, Action::set_case_status, Note{holder_id, std::string("status ") + to_string(status)},
      [&](Tx& tx, Note&) -> Result<CaseStatusEntry> {
        if (!valid_date(effective_date))
          return fail(Errc::invalid_argument, "effective date: YYYY-MM-DD");
        if (auto h = ops.holder_row(tx, holder_id); !h) return std::unexpected(h.error());
        auto history = tx.case_status_history(holder_id);
        if (!history) return std::unexpected(history.error());
        CaseStatusRow row;
        row.holder_id = holder_id;
        row.seq = history->empty() ? 1 : history->back().seq + 1;
        row.status = status;
        row.effective_date = std::string(effective_date);
        row.sealed_reason =
            o_.cipher->seal(as_bytes(reason), holder_id,
                            "case_status_reason/" + std::to_string(row.seq), *o_.random);
        row.recorded_by = actor.id;
        row.recorded_at = o_.clock->now();
        if (auto r = tx.insert_case_status(row); !r) return std::unexpected(r.error());
        return ops.open(row);
      });
}

Result<CaseStatusEntry> Registry::get_case_status(const User& actor, const std::string& holder_id) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited_read<CaseStatusEntry>(actor, Action::read_case_status,
                                           Note{holder_id, "current"},
                                           [&](Tx& tx, Note&) -> Result<CaseStatusEntry> {
                                             if (auto h = ops.holder_row(tx, holder_id); !h)
                                               return std::unexpected(h.error());
                                             auto history = tx.case_status_history(holder_id);
                                             if (!history) return std::unexpected(history.error());
                                             if (history->empty()) {
                                               CaseStatusEntry none;
                                               none.holder_id = holder_id;
                                               return none;
                                             }
                                             return ops.open(history->back());
                                           });
}

Result<std::vector<CaseStatusEntry>> Registry::case_status_history(const User& actor,
                                                                   const std::string& holder_id) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited_read<std::vector<CaseStatusEntry>>(
      actor, Action::read_case_status, Note{holder_id, "history"},
      [&](Tx& tx, Note&) -> Result<std::vector<CaseStatusEntry>> {
        if (auto h = ops.holder_row(tx, holder_id); !h) return std::unexpected(h.error());
        auto history = tx.case_status_history(holder_id);
        if (!history) return std::unexpected(history.error());
        std::vector<CaseStatusEntry> out;
        for (const CaseStatusRow& row : *history) {
          auto e = ops.open(row);
          if (!e) return std::unexpected(e.error());
          out.push_back(std::move(*e));
        }
        return out;
      });
}

Result<PublishedStatusList> Registry::status_list() {
  RegistryOps ops{o_, batcher_.get()};
  auto published = o_.store->in_read_transaction<std::optional<PublishedStatusList>>(
      [](Tx& tx) { return tx.lock_status_list(); });
  if (!published) return std::unexpected(published.error());
  if (*published) return std::move(**published);
  // None yet: publish the first, unless another writer just did.
  return o_.store->in_transaction<PublishedStatusList>([&](Tx& tx) -> Result<PublishedStatusList> {
    auto last = tx.lock_status_list();
    if (!last) return std::unexpected(last.error());
    if (*last) return std::move(**last);
    return ops.republish(tx);
  });
}

Result<Registry::QueuedPublication> Registry::publish_queued() {
  RegistryOps ops{o_, batcher_.get()};
  const UnixTime interval = std::max<UnixTime>(o_.publish_interval, 1);
  // What is due: nothing queued, or queued and when. A read, without the
  // write lock, so an idle publisher costs one SELECT per look.
  auto look = [&](Tx& tx) -> Result<QueuedPublication> {
    auto queued = tx.status_changes_queued();
    if (!queued) return std::unexpected(queued.error());
    if (!*queued) return QueuedPublication{};
    auto last = tx.lock_status_list();
    if (!last) return std::unexpected(last.error());
    return QueuedPublication{std::nullopt, *last ? (*last)->iat + interval : o_.clock->now()};
  };
  auto due = o_.store->in_read_transaction<QueuedPublication>(look);
  if (!due || due->due == 0 || due->due > o_.clock->now()) return due;
  return o_.store->in_transaction<QueuedPublication>([&](Tx& tx) -> Result<QueuedPublication> {
    // Again under the list's lock: another registry may have published.
    auto last = tx.lock_status_list();
    if (!last) return std::unexpected(last.error());
    if (*last && (*last)->iat + interval > o_.clock->now())
      return QueuedPublication{std::nullopt, (*last)->iat + interval};
    auto queued = tx.status_changes_queued();
    if (!queued) return std::unexpected(queued.error());
    if (!*queued) return QueuedPublication{};
    auto list = ops.publish_after_lock(tx, *last, {});
    if (!list) return std::unexpected(list.error());
    return QueuedPublication{std::move(*list), 0};
  });
}

Result<PublishedStatusList> Registry::publish_status_list() {
  RegistryOps ops{o_, batcher_.get()};
  return o_.store->in_transaction<PublishedStatusList>([&](Tx& tx) { return ops.republish(tx); });
}

std::string_view access_purpose(Action action) {
  switch (action) {
    case Action::verify_card:
    case Action::read_card_validity:
      return "verification";
    case Action::read_holder_name:
    case Action::read_holder_identity:
    case Action::read_a_number:
    case Action::find_by_a_number:
    case Action::find_by_name:
    case Action::read_own_record:
      return "record_read";
    case Action::enroll_holder:
    case Action::correct_holder:
    case Action::change_own_language:
      return "enrollment";
    case Action::issue_card:
    case Action::reissue_card:
    case Action::revoke_card:
    case Action::suspend_card:
    case Action::lift_suspension:
      return "card";
    case Action::set_case_status:
    case Action::read_case_status:
      return "case_status";
    case Action::set_reporting:
    case Action::read_schedule:
    case Action::book_appointment:
      return "appointments";
    case Action::import_hearings:
    case Action::read_hearings:
    case Action::read_next_hearing:
      return "hearings";
    case Action::check_in_card:
    case Action::check_in_holder:
    case Action::check_in_own:
    case Action::read_compliance:
      return "check_in";
    case Action::issue_pin:
    case Action::change_own_pin:
      return "sign_in";
    case Action::read_audit:
    case Action::read_users:
    case Action::manage_users:
      return "administration";
  }
  return "other";
}

std::string_view access_purpose(std::string_view action) {
  for (int i = 0;; ++i) {
    const auto a = static_cast<Action>(i);
    const std::string_view name = to_string(a);
    if (name == "unknown") break;
    if (name == action) return access_purpose(a);
  }
  // Audit actions outside Action (holder_logins.cpp, reminders.cpp).
  if (action == "holder_login" || action == "reset_pin") return "sign_in";
  if (action == "send_reminder") return "appointments";
  return "other";
}

Result<OwnRecord> Registry::own_record(const User& holder) {
  RegistryOps ops{o_, batcher_.get()};
  const auto holder_id = own_holder_id(holder);
  if (!holder_id) return ops.refused<OwnRecord>(holder, Action::read_own_record, Note{});
  return ops.audited_read<OwnRecord>(
      holder, Action::read_own_record, Note{*holder_id, ""},
      [&](Tx& tx, Note&) -> Result<OwnRecord> {
        OwnRecord out;
        auto row = ops.holder_row(tx, *holder_id);
        if (!row) return std::unexpected(row.error());
        auto rec = ops.open(*row);
        if (!rec) return std::unexpected(rec.error());
        out.holder = view_for(holder.role, std::move(*rec), true);
        if (allowed_on_own_record(holder.role, Action::read_card_validity)) {
          auto cards = tx.cards_of_holder(*holder_id);
          if (!cards) return std::unexpected(cards.error());
          const CardRow* newest = nullptr;
          for (const CardRow& c : *cards)
            if (!newest || c.card_version > newest->card_version) newest = &c;
          if (newest) {
            auto c = ops.open(*newest);
            if (!c) return std::unexpected(c.error());
            c->barcode.clear();
            out.card = std::move(*c);
          }
        }
        out.case_status.holder_id = *holder_id;
        if (allowed_on_own_record(holder.role, Action::read_case_status)) {
          auto history = tx.case_status_history(*holder_id);
          if (!history) return std::unexpected(history.error());
          if (!history->empty()) {
            auto c = ops.open(history->back());
            if (!c) return std::unexpected(c.error());
            out.case_status = std::move(*c);
            out.case_status.reason.clear();
            out.case_status.recorded_by.clear();
          }
        }
        AuditFilter f;
        f.holder_id = *holder_id;
        f.order = AuditFilter::Order::newest_first;
        f.limit = kOwnAccesses;
        auto trail = tx.query_audit(f);
        if (!trail) return std::unexpected(trail.error());
        // The actor's office name, looked up once per actor: accounts are
        // read only if an actor is not a holder, offices once each.
        std::optional<std::map<std::string, std::string>> office_of_user;  // user id -> office id
        std::map<std::string, std::string> office_name;                    // office id -> name
        auto office_for = [&](const std::string& actor) -> Result<std::string> {
          if (actor.empty() || actor.starts_with("holder-")) return std::string{};
          if (!office_of_user) {
            auto accounts = tx.list_accounts();
            if (!accounts) return std::unexpected(accounts.error());
            office_of_user.emplace();
            for (const AccountRow& a : *accounts) (*office_of_user)[a.user_id] = a.office_id;
          }
          auto it = office_of_user->find(actor);
          if (it == office_of_user->end() || it->second.empty()) return std::string{};
          auto name = office_name.find(it->second);
          if (name == office_name.end()) {
            auto office = tx.get_office(it->second);
            if (!office) return std::unexpected(office.error());
            name = office_name.emplace(it->second, *office ? (*office)->name : std::string{}).first;
          }
          return name->second;
        };
        for (AuditEvent& e : *trail) {
          auto office = office_for(e.actor);
          if (!office) return std::unexpected(office.error());
          RecordAccess a;
          a.at = e.at;
          a.role = std::move(e.role);
          a.office = std::move(*office);
          a.purpose = std::string(access_purpose(e.action));
          a.action = std::move(e.action);
          a.outcome = std::move(e.outcome);
          out.accesses.push_back(std::move(a));
        }
        return out;
      });
}

Result<void> Registry::set_own_language(const User& holder, std::string_view language) {
  RegistryOps ops{o_, batcher_.get()};
  const auto holder_id = own_holder_id(holder);
  if (!holder_id) return ops.refused<void>(holder, Action::change_own_language, Note{});
  const bool code =
      (language.size() == 2 || language.size() == 3) &&
      std::all_of(language.begin(), language.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!code)
    return ops.audited_failure<void>(
        holder, Action::change_own_language, Note{*holder_id, ""},
        Error{Errc::invalid_argument, "language: a language code such as \"es\""});
  return ops.audited<void>(holder, Action::change_own_language,
                           Note{*holder_id, "language " + std::string(language)},
                           [&](Tx& tx, Note&) -> Result<void> {
                             auto row = ops.holder_row(tx, *holder_id);
                             if (!row) return std::unexpected(row.error());
                             auto rec = ops.open(*row);
                             if (!rec) return std::unexpected(rec.error());
                             rec->language = std::string(language);
                             rec->updated_at = o_.clock->now();
                             return tx.update_holder(ops.seal(*rec));
                           });
}

Result<std::vector<AuditEvent>> Registry::audit_events(const User& actor, std::uint64_t from_seq,
                                                       std::size_t limit) {
  RegistryOps ops{o_, batcher_.get()};
  return ops.audited_read<std::vector<AuditEvent>>(
      actor, Action::read_audit, Note{"", "from " + std::to_string(from_seq)},
      [&](Tx& tx, Note&) { return tx.audit_events(from_seq, limit); });
}

// ---- Audit queries (auditors) ----

Result<std::vector<AuditEvent>> Registry::audit_query(const User& actor, AuditFilter filter) {
  filter.limit = std::clamp<std::size_t>(filter.limit, 1, kMaxAuditPage);
  // What was asked, for the auditor's own record: ids and times only.
  std::string asked = "audit query";
  if (!filter.holder_id.empty()) asked += " holder " + filter.holder_id;
  if (!filter.actor.empty()) asked += " user " + filter.actor;
  if (!filter.action.empty()) asked += " action " + filter.action;
  if (filter.from) asked += " from " + std::to_string(*filter.from);
  if (filter.to) asked += " to " + std::to_string(*filter.to);
  if (filter.after) asked += " after " + std::to_string(filter.after);
  asked += filter.order == AuditFilter::Order::newest_first ? " newest first" : " oldest first";
  RegistryOps ops{o_, batcher_.get()};
  // A query about a holder is an access to that holder's record.
  return ops.audited_read<std::vector<AuditEvent>>(
      actor, Action::read_audit, Note{filter.holder_id, asked},
      [&](Tx& tx, Note& n) -> Result<std::vector<AuditEvent>> {
        if (filter.from && filter.to && *filter.from >= *filter.to)
          return fail(Errc::invalid_argument, "to: must be later than from");
        auto events = tx.query_audit(filter);
        if (events) n.detail = asked + "; " + std::to_string(events->size()) + " events";
        return events;
      });
}

// ---- end of audit queries ----

}  // namespace sdc::registry
