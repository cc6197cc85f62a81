#include "sdc/registry/holder_logins.h"

#include <algorithm>
#include <cctype>

#include "sdc/registry/audit.h"

namespace sdc::registry {

namespace {

// Document numbers are 9 characters; anything much longer is not one.
constexpr std::size_t kMaxDocumentNumber = 32;
constexpr const char* kAnonymous = "anonymous";

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool trivial_pin(std::string_view pin) {
  if (pin.size() < 2) return true;
  bool period1 = true, period2 = true, up = true, down = true;
  for (std::size_t i = 1; i < pin.size(); ++i) {
    const int d = pin[i] - '0', prev = pin[i - 1] - '0';
    if (d != prev) period1 = false;
    if (i >= 2 && pin[i] != pin[i - 2]) period2 = false;
    if (d != (prev + 1) % 10) up = false;
    if (d != (prev + 9) % 10) down = false;
  }
  return period1 || period2 || up || down;
}

// The document number as printed, in capitals; empty when it cannot be one.
std::string plausible_document_number(std::string_view typed) {
  if (typed.empty() || typed.size() > kMaxDocumentNumber) return {};
  std::string out;
  for (char c : typed) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return {};
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

// The audit action of a holder's sign-in (not an Action: nobody is
// allowed or refused it).
constexpr const char* kLoginAction = "holder_login";

AuditEvent event(std::string actor, std::string action, std::string holder_id, std::string outcome,
                 std::string detail, UnixTime at) {
  AuditEvent e;
  e.at = at;
  e.actor = std::move(actor);
  e.role = to_string(Role::holder);
  e.action = std::move(action);
  e.holder_id = std::move(holder_id);
  e.outcome = std::move(outcome);
  e.detail = std::move(detail);
  return e;
}

AuditEvent event_by(const User& by, Action action, std::string holder_id, std::string outcome,
                    std::string detail, UnixTime at) {
  AuditEvent e = event(by.id, to_string(action), std::move(holder_id), std::move(outcome),
                       std::move(detail), at);
  e.role = to_string(by.role);
  return e;
}

}  // namespace

Result<void> check_new_pin(std::string_view pin) {
  if (pin.size() < HolderLogins::kMinPin || pin.size() > HolderLogins::kMaxPin || !all_digits(pin))
    return fail(Errc::invalid_argument, "new_pin: 6 to 12 digits");
  if (trivial_pin(pin))
    return fail(Errc::invalid_argument,
                "new_pin: too easy to guess (a repeated digit or pair, or a run like 123456)");
  return {};
}

std::string HolderLogins::random_pin() {
  for (;;) {
    std::string pin;
    for (std::size_t i = 0; i < kIssuedPinDigits; ++i)
      pin.push_back(static_cast<char>('0' + random_.uniform(10)));
    if (!trivial_pin(pin)) return pin;
  }
}

Result<void> HolderLogins::audit_alone(AuditEvent e) {
  auto r = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto a = append_audit_event(tx, e); !a) return std::unexpected(a.error());
    return true;
  });
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<void> HolderLogins::refuse(const User& by, Action action, const std::string& holder_id) {
  if (auto a = audit_alone(event_by(by, action, holder_id, "denied", "", clock_.now())); !a)
    return a;
  return fail(Errc::forbidden,
              std::string("role ") + to_string(by.role) + " may not " + to_string(action));
}

Result<HolderLogins::PinLetter> HolderLogins::issue_pin(const User& by,
                                                        const std::string& holder_id) {
  if (!allowed(by.role, Action::issue_pin)) {
    auto r = refuse(by, Action::issue_pin, holder_id);
    return std::unexpected(r.error());
  }
  PinLetter letter;
  letter.pin = random_pin();
  auto hash = accounts_.hash_password(letter.pin);
  if (!hash) return std::unexpected(hash.error());
  const UnixTime now = clock_.now();
  const std::string user_id = holder_user_id(holder_id);
  auto done = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    auto holder = tx.get_holder(holder_id);
    if (!holder) return std::unexpected(holder.error());
    if (!*holder) return fail(Errc::not_found, "no holder with id " + holder_id);
    auto existing = tx.get_holder_pin(holder_id);
    if (!existing) return std::unexpected(existing.error());
    if (auto u = tx.upsert_user(User{user_id, "holder", Role::holder}); !u)
      return std::unexpected(u.error());
    HolderPinRow row;
    row.holder_id = holder_id;
    row.user_id = user_id;
    row.pin_hash = *hash;
    row.set_by = by.id;
    row.set_at = now;
    row.created_at = *existing ? (*existing)->created_at : now;
    if (auto p = tx.put_holder_pin(row); !p) return std::unexpected(p.error());
    if (auto r = tx.revoke_sessions_of_user(user_id, now); !r) return std::unexpected(r.error());
    AuditEvent e = event_by(by, Action::issue_pin, holder_id, "ok",
                            existing->has_value() ? "reset" : "first", now);
    if (existing->has_value()) e.action = "reset_pin";
    if (auto a = append_audit_event(tx, e); !a) return std::unexpected(a.error());
    return existing->has_value();
  });
  if (!done) {
    if (auto a = audit_alone(
            event_by(by, Action::issue_pin, holder_id, audit_outcome(done.error()), "", now));
        !a)
      return std::unexpected(a.error());
    return std::unexpected(done.error());
  }
  accounts_.forget_sessions_of(user_id);
  letter.reset = *done;
  return letter;
}

Result<HolderLogins::Login> HolderLogins::login(std::string_view document_number,
                                                std::string_view pin) {
  const UnixTime now = clock_.now();
  const std::string doc = plausible_document_number(document_number);
  const bool plausible = !doc.empty() && pin.size() <= kMaxPin && all_digits(pin);
  Login out;

  struct Seen {
    std::string holder_id;       // empty for an unknown card
    bool card_accepted = false;  // the holder's current card, not invalid
    std::optional<HolderPinRow> pin;
  };
  Seen seen;
  if (plausible) {
    auto s = store_.in_read_transaction<Seen>([&](Tx& tx) -> Result<Seen> {
      Seen found;
      auto card = tx.get_card(doc);
      if (!card) return std::unexpected(card.error());
      if (!*card) return found;
      found.holder_id = (*card)->holder_id;
      auto cards = tx.cards_of_holder(found.holder_id);
      if (!cards) return std::unexpected(cards.error());
      std::uint64_t newest = 0;
      for (const CardRow& c : *cards) newest = std::max(newest, c.card_version);
      found.card_accepted = (*card)->card_version == newest && (*card)->state != CardState::invalid;
      auto p = tx.get_holder_pin(found.holder_id);
      if (!p) return std::unexpected(p.error());
      found.pin = std::move(*p);
      return found;
    });
    if (!s) return std::unexpected(s.error());
    seen = std::move(*s);
  }
  const std::string detail = doc.empty() ? std::string("card unreadable") : "card " + doc;
  if (seen.pin && seen.pin->locked_at != 0) {
    out.outcome = LoginOutcome::locked;
    if (auto a =
            audit_alone(event(kAnonymous, kLoginAction, seen.holder_id, "locked", detail, now));
        !a)
      return std::unexpected(a.error());
    return out;
  }
  // The same Argon2id work whether or not the card and the PIN exist.
  std::string hash;
  if (seen.pin) {
    hash = seen.pin->pin_hash;
  } else {
    auto d = accounts_.dummy_hash();
    if (!d) return std::unexpected(d.error());
    hash = *d;
  }
  const bool pin_ok = accounts_.check_password(hash, plausible ? std::string(pin) : std::string());
  const bool ok = plausible && seen.pin && seen.card_accepted && pin_ok;
  if (!ok) {
    auto w = store_.in_transaction<LoginOutcome>([&](Tx& tx) -> Result<LoginOutcome> {
      LoginOutcome outcome = LoginOutcome::refused;
      if (seen.pin) {
        auto row = tx.count_holder_pin_failure(seen.holder_id, now, kMaxFailures);
        if (!row) return std::unexpected(row.error());
        if (row->locked_at != 0) outcome = LoginOutcome::locked;
      }
      AuditEvent e = event(kAnonymous, kLoginAction, seen.holder_id,
                           outcome == LoginOutcome::locked ? "locked" : "refused", detail, now);
      if (auto a = append_audit_event(tx, e); !a) return std::unexpected(a.error());
      return outcome;
    });
    if (!w) return std::unexpected(w.error());
    out.outcome = *w;
    return out;
  }
  const std::string user_id = holder_user_id(seen.holder_id);
  auto session = accounts_.new_session(user_id, now, kSessionLifetime);
  auto w = store_.in_transaction<LoginOutcome>([&](Tx& tx) -> Result<LoginOutcome> {
    // A lockout that landed while the PIN was being checked wins.
    auto p = tx.get_holder_pin(seen.holder_id);
    if (!p) return std::unexpected(p.error());
    if (!*p || (*p)->locked_at != 0 || (*p)->pin_hash != seen.pin->pin_hash)
      return LoginOutcome::refused;
    if (auto c = tx.clear_holder_pin_failures(seen.holder_id); !c)
      return std::unexpected(c.error());
    if (auto s = tx.insert_session(session.row); !s) return std::unexpected(s.error());
    AuditEvent e = event(user_id, kLoginAction, seen.holder_id, "ok", detail, now);
    if (auto a = append_audit_event(tx, e); !a) return std::unexpected(a.error());
    return LoginOutcome::ok;
  });
  if (!w) return std::unexpected(w.error());
  if (*w != LoginOutcome::ok) return out;
  out.outcome = LoginOutcome::ok;
  out.token = std::move(session.token);
  out.expires_at = session.row.expires_at;
  out.holder_id = seen.holder_id;
  return out;
}

Result<void> HolderLogins::set_pin(const User& holder, std::string_view current_pin,
                                   std::string_view new_pin) {
  const auto holder_id = own_holder_id(holder);
  if (!allowed(holder.role, Action::change_own_pin) || !holder_id)
    return refuse(holder, Action::change_own_pin, holder_id.value_or(""));
  const UnixTime now = clock_.now();
  auto failed = [&](const Error& e) -> Result<void> {
    if (auto a = audit_alone(
            event_by(holder, Action::change_own_pin, *holder_id, audit_outcome(e), "", now));
        !a)
      return a;
    return std::unexpected(e);
  };
  if (auto c = check_new_pin(new_pin); !c) return failed(c.error());
  auto row = store_.in_read_transaction<std::optional<HolderPinRow>>(
      [&](Tx& tx) { return tx.get_holder_pin(*holder_id); });
  if (!row) return std::unexpected(row.error());
  if (!*row) return failed(Error{Errc::not_found, "no PIN for this holder"});
  if ((*row)->locked_at != 0)
    return failed(Error{Errc::limit, "PIN locked after too many wrong PINs: ask an officer"});
  const bool current_ok = current_pin.size() <= kMaxPin && all_digits(current_pin) &&
                          accounts_.check_password((*row)->pin_hash, std::string(current_pin));
  if (!current_ok) {
    auto w = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      auto r = tx.count_holder_pin_failure(*holder_id, now, kMaxFailures);
      if (!r) return std::unexpected(r.error());
      const bool locked = r->locked_at != 0;
      if (auto a = append_audit_event(tx, event_by(holder, Action::change_own_pin, *holder_id,
                                                   locked ? "locked" : "refused", "", now));
          !a)
        return std::unexpected(a.error());
      return locked;
    });
    if (!w) return std::unexpected(w.error());
    if (*w) accounts_.forget_sessions_of(holder.id);
    return *w ? fail(Errc::limit, "PIN locked after too many wrong PINs: ask an officer")
              : fail(Errc::unauthorized, "current_pin: wrong PIN");
  }
  auto hash = accounts_.hash_password(std::string(new_pin));
  if (!hash) return std::unexpected(hash.error());
  auto w = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    auto p = tx.get_holder_pin(*holder_id);
    if (!p) return std::unexpected(p.error());
    if (!*p || (*p)->locked_at != 0 || (*p)->pin_hash != (*row)->pin_hash)
      return fail(Errc::conflict, "the PIN changed meanwhile; sign in again");
    HolderPinRow next = **p;
    next.pin_hash = *hash;
    next.set_by = holder.id;
    next.set_at = now;
    if (auto r = tx.put_holder_pin(next); !r) return std::unexpected(r.error());
    if (auto a = append_audit_event(
            tx, event_by(holder, Action::change_own_pin, *holder_id, "ok", "", now));
        !a)
      return std::unexpected(a.error());
    return true;
  });
  if (!w) return failed(w.error());
  return {};
}

}  // namespace sdc::registry
