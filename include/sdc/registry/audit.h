// The audit trail: a hash chain in the database, and signed checkpoints of
// its head in a file outside it. `verify_audit` recomputes the chain and
// holds it against every checkpoint, so it finds an edited, inserted or
// deleted record, a cut-off tail, and a chain recomputed from scratch (the
// checkpoint key is not in the database).
//
// Checkpoint file, one line per checkpoint, appended atomically:
//   sdc-audit-checkpoint-v1 <seq> <hash hex> <time> <Ed25519 signature hex>
// The signature covers "sdc-audit-checkpoint-v1\n<seq>\n<hash hex>\n<time>\n".
#pragma once

#include <array>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"
#include "sdc/registry/store.h"

namespace sdc::registry {

// SHA-256 over a length-prefixed encoding of every field but `hash`,
// including prev_hash.
Bytes audit_event_hash(const AuditEvent& event);

// The outcome an audit record gives a failed call: "denied" for a refusal,
// else the error's code ("not_found", "conflict", ...).
std::string audit_outcome(const Error& error);

// Appends `event` (seq, prev_hash and hash are filled in) after the locked
// head, inside the caller's transaction.
Result<AuditEvent> append_audit_event(Tx& tx, AuditEvent event);
// The same for several events, chained in order, with one head update.
Result<std::vector<AuditEvent>> append_audit_events(Tx& tx, std::vector<AuditEvent> events);
// The same, filling in the caller's events in place. Safe to run again on
// the same events in a retried transaction: every filled-in field is
// computed afresh from the head.
Result<void> chain_audit_events(Tx& tx, std::span<AuditEvent> events);

// Ed25519 key for checkpoints; the secret half never goes in the database.
class CheckpointKey {
 public:
  static Result<CheckpointKey> generate();
  // A file holding the 32-byte seed in hex; mode 0600.
  static Result<CheckpointKey> load(const std::filesystem::path& path);
  Result<void> save(const std::filesystem::path& path) const;
  ~CheckpointKey();
  CheckpointKey(const CheckpointKey&) = default;
  CheckpointKey& operator=(const CheckpointKey&) = default;

  const std::array<std::uint8_t, 32>& public_key() const { return public_key_; }
  Bytes sign(ByteView message) const;

 private:
  CheckpointKey() = default;
  std::array<std::uint8_t, 64> secret_key_{};
  std::array<std::uint8_t, 32> public_key_{};
};

struct AuditCheckpoint {
  std::uint64_t seq = 0;
  Bytes hash;
  UnixTime at = 0;
};

// Reads the chain's head and appends a signed checkpoint line to `file`.
// Call at intervals (and at shutdown); between checkpoints an attacker who
// recomputes the newest records is not yet detected.
Result<AuditCheckpoint> write_audit_checkpoint(Store& store, const std::filesystem::path& file,
                                               const CheckpointKey& key, UnixTime now);

// The checkpoints of a checkpoint file's text, in file order. Every line
// must be well formed, signed with `public_key`, and no earlier in the
// chain than the line before it; empty lines are skipped. Otherwise an
// error naming the line: Errc::parse (malformed, goes back) or Errc::crypto
// (signature). Never throws; any input is safe.
Result<std::vector<AuditCheckpoint>> parse_audit_checkpoints(
    std::string_view text, const std::array<std::uint8_t, 32>& public_key);

struct AuditReport {
  bool intact = false;
  std::uint64_t records = 0;
  std::uint64_t checkpoints = 0;
  std::uint64_t first_bad_seq = 0;  // 0 when intact or when the problem is the tail
  std::string problem;              // empty when intact
};

// Errors are for a store or file that cannot be read at all; a broken
// chain is a report with intact == false and the problem named.
Result<AuditReport> verify_audit(Store& store, const std::filesystem::path& checkpoint_file,
                                 const std::array<std::uint8_t, 32>& public_key);

}  // namespace sdc::registry
