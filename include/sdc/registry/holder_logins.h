// Holders sign in with their card's document number and a PIN (THREATS.md
// 10 and 15). An enrollment officer issues the PIN, printed once in a PIN
// letter; the holder may choose another. The PIN is kept only as an
// Argon2id string (hashed under Accounts' bound on hashes at once); a wrong
// PIN counts against the holder, and kMaxFailures of them lock the PIN
// until an officer issues a new one. Unknown document numbers cost the same
// Argon2id work (Accounts' dummy hash). A signed-in holder is a User with
// Role::holder and id holder_user_id(holder_id), with an ordinary bearer
// session (Accounts::authenticate finds it); that role may only read its own
// record (Registry::own_record) and change its own PIN.
//
// Every call is audited in the same hash chain: issue_pin / reset_pin,
// holder_login, change_own_pin, with the outcome; never a PIN. A refusal is
// audited before Errc::forbidden is returned.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sdc/registry/accounts.h"
#include "sdc/registry/store.h"
#include "sdc/registry/types.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// A PIN a holder may choose: kMinPin to kMaxPin ASCII digits and not
// trivial. Trivial: one digit repeated (000000), two digits alternating
// (121212), or every digit one more or one less than the one before, 9
// and 0 counting as neighbours (123456, 987654, 890123). The message names
// the field "new_pin".
Result<void> check_new_pin(std::string_view pin);

// Thread-safe. `store`, `accounts`, `clock` and `random` must outlive it.
class HolderLogins {
 public:
  static constexpr std::size_t kMinPin = 6;
  static constexpr std::size_t kMaxPin = 12;
  static constexpr std::size_t kIssuedPinDigits = 8;  // what a PIN letter prints
  static constexpr std::uint64_t kMaxFailures = 5;    // then locked until a new PIN is issued
  static constexpr UnixTime kSessionLifetime = 3600;  // a holder's session: one hour

  HolderLogins(Store& store, Accounts& accounts, const Clock& clock, Random& random)
      : store_(store), accounts_(accounts), clock_(clock), random_(random) {}

  // A new random PIN of kIssuedPinDigits digits (never a trivial one) for
  // the PIN letter, returned once and kept only as its hash. Replaces any
  // earlier PIN, ends a lockout, and revokes the holder's sessions.
  // Errc::forbidden (audited) unless `by` may issue_pin (enrollment
  // officers); Errc::not_found for an unknown holder. Audited as issue_pin
  // (the holder's first PIN) or reset_pin (a replacement), in the same
  // transaction.
  struct PinLetter {
    std::string pin;
    bool reset = false;  // true when an earlier PIN was replaced
  };
  Result<PinLetter> issue_pin(const User& by, const std::string& holder_id);

  enum class LoginOutcome { ok, refused, locked };
  struct Login {
    LoginOutcome outcome = LoginOutcome::refused;
    std::string token;  // ok: the bearer token, shown once
    UnixTime expires_at = 0;
    std::string holder_id;  // ok: who signed in
  };
  // Accepted when `document_number` is the holder's current card (the
  // highest card version), that card is not invalid (revoked or replaced),
  // the holder has a PIN that is not locked, and `pin` matches it.
  // A suspended or expired card is accepted: a suspension is a check of the
  // card, expiry a date on it, and the holder still has to see their
  // hearings and appointments. A wrong PIN, or a right PIN with a card that
  // is not accepted, counts as a failure of that holder; the
  // kMaxFailures-th locks the PIN (outcome locked, now and until a new PIN
  // is issued, even with the right PIN). Unknown document numbers are
  // checked against a dummy hash and refused. Audited as holder_login:
  // outcome ok (actor the holder's user), refused or locked (actor
  // "anonymous", the card's holder named when the card is known), detail
  // the document number.
  Result<Login> login(std::string_view document_number, std::string_view pin);

  // The signed-in holder replaces their PIN: `current_pin` must match
  // (a wrong one counts as a failed login, and may lock the PIN:
  // Errc::unauthorized, or Errc::limit once locked), `new_pin` must pass
  // check_new_pin (Errc::invalid_argument). Errc::forbidden unless `holder`
  // has Role::holder. Audited as change_own_pin.
  Result<void> set_pin(const User& holder, std::string_view current_pin, std::string_view new_pin);

 private:
  Result<void> refuse(const User& by, Action action, const std::string& holder_id);
  Result<void> audit_alone(AuditEvent e);
  std::string random_pin();

  Store& store_;
  Accounts& accounts_;
  const Clock& clock_;
  Random& random_;
};

}  // namespace sdc::registry
