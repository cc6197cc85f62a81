// The holder-login aggregate of a store transaction: one PIN per holder
// (schema version 7), its failed attempts and its lockout. Part of Tx
// (store.h); a function that touches only holder logins may take a
// HolderLoginTx&. Sessions of holders are the sessions of account_tx.h,
// for the holder's user (holder_user_id).
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sdc/registry/account_tx.h"
#include "sdc/registry/types.h"
#include "sdc/util/bytes.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// A holder's PIN. Its user row (users table) has id == user_id and role
// holder.
struct HolderPinRow {
  std::string holder_id;       // unique; the holder must exist
  std::string user_id;         // unique: holder_user_id(holder_id)
  std::string pin_hash;        // Argon2id encoded string, never a PIN
  std::uint64_t failures = 0;  // wrong PINs since the PIN was set or last accepted
  UnixTime last_failure_at = 0;
  UnixTime locked_at = 0;  // 0 while not locked; locked until a new PIN is set
  std::string set_by;      // user id of who set the PIN (an officer, or the holder)
  UnixTime set_at = 0;
  UnixTime created_at = 0;

  bool operator==(const HolderPinRow&) const = default;
};

// A live session of a holder whose PIN is not locked.
struct ActiveHolderSession {
  SessionRow session;
  std::string holder_id;
};

class HolderLoginTx {
 public:
  virtual ~HolderLoginTx() = default;

  virtual Result<std::optional<HolderPinRow>> get_holder_pin(const std::string& holder_id) = 0;
  // Inserts the row or replaces the PIN of an existing one: the hash,
  // set_by and set_at from `row`; failures, last_failure_at and locked_at
  // cleared (a new PIN ends a lockout). created_at is kept on a
  // replacement. The holder and the user row must exist.
  virtual Result<void> put_holder_pin(const HolderPinRow& row) = 0;
  // Counts one wrong PIN at `now` and returns the new row; sets locked_at
  // to `now` when the count reaches `lock_after` (and keeps an earlier
  // locked_at). Locks the row until the transaction ends, so concurrent
  // failures all count. Errc::not_found when the holder has no PIN.
  virtual Result<HolderPinRow> count_holder_pin_failure(const std::string& holder_id, UnixTime now,
                                                        std::uint64_t lock_after) = 0;
  // Forgets the wrong PINs after an accepted one (not a lockout).
  virtual Result<void> clear_holder_pin_failures(const std::string& holder_id) = 0;
  // The session with this token hash if it is live at `now`, belongs to a
  // holder's user and that holder's PIN is not locked; nullopt otherwise.
  virtual Result<std::optional<ActiveHolderSession>> find_active_holder_session(ByteView token_hash,
                                                                                UnixTime now) = 0;
};

}  // namespace sdc::registry
