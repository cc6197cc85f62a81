// Personal data at rest: XChaCha20-Poly1305 with the record id (and the
// field's name) as associated data, so a sealed blob cannot be moved to
// another record; and keyed BLAKE2b lookup hashes, so the database can be
// searched by A-number or by name and date of birth without holding them.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"
#include "sdc/registry/store.h"

namespace sdc::registry {

// Two independent 32-byte keys, kept in a file outside the database with
// mode 0600:
//   sdc-pii-keys-v1
//   <64 hex digits: encryption key>
//   <64 hex digits: lookup-hash key>
class PiiKeys {
 public:
  static PiiKeys generate(Random& random);
  // Refuses a file that group or others can read.
  static Result<PiiKeys> load(const std::filesystem::path& path);
  // Writes atomically with mode 0600; refuses to overwrite (Errc::conflict).
  Result<void> save(const std::filesystem::path& path) const;

  PiiKeys(const PiiKeys&) = default;
  PiiKeys& operator=(const PiiKeys&) = default;
  ~PiiKeys();

 private:
  PiiKeys() = default;
  friend class PiiCipher;
  std::array<std::uint8_t, 32> seal_key_{};
  std::array<std::uint8_t, 32> lookup_key_{};
};

// Thread-safe (const).
class PiiCipher {
 public:
  explicit PiiCipher(PiiKeys keys) : keys_(std::move(keys)) {}

  // nonce(24) || ciphertext || tag(16). `record_id` and `field` are bound
  // as associated data.
  Bytes seal(ByteView plaintext, std::string_view record_id, std::string_view field,
             Random& random) const;
  // Errc::crypto if the blob was altered or belongs to another record/field.
  Result<Bytes> open(ByteView sealed, std::string_view record_id, std::string_view field) const;

  // 32-byte keyed hashes. The A-number must be normalised (9 digits); names
  // are compared case-insensitively with spaces collapsed.
  Bytes a_number_hash(std::string_view a_number_9) const;
  Bytes name_dob_hash(std::string_view family_name, std::string_view date_of_birth) const;

 private:
  PiiKeys keys_;
};

// Upper case ASCII, trimmed, runs of spaces, dashes and apostrophes kept but
// inner whitespace collapsed to one space.
std::string normalize_name(std::string_view name);

// A holder's record as the store keeps it: the identity fields sealed as
// one JSON document, the portrait sealed apart, the lookup hashes beside
// them. The A-number must already be normalised.
HolderRow seal_holder(const HolderRecord& record, const PiiCipher& cipher, Random& random);

}  // namespace sdc::registry
