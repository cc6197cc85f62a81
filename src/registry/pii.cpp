#include "sdc/registry/pii.h"

#include <sodium.h>

#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>

#include "sdc/util/file.h"
#include "sdc/util/secret_file.h"

namespace sdc::registry {
namespace {

constexpr std::string_view kKeyFileTag = "sdc-pii-keys-v1";

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no CSPRNG: nothing safe can run
  });
}

Bytes keyed_hash(const std::array<std::uint8_t, 32>& key, std::string_view domain,
                 std::string_view text) {
  ensure_sodium();
  Bytes out(32);
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.data(), key.size(), out.size());
  auto d = as_bytes(domain);
  crypto_generichash_update(&st, d.data(), d.size());
  const std::uint8_t sep = 0;
  crypto_generichash_update(&st, &sep, 1);
  auto t = as_bytes(text);
  crypto_generichash_update(&st, t.data(), t.size());
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

Bytes associated_data(std::string_view record_id, std::string_view field) {
  std::string ad = "sdc-pii-v1\n";
  ad += record_id;
  ad += '\n';
  ad += field;
  auto b = as_bytes(ad);
  return Bytes(b.begin(), b.end());
}

}  // namespace

PiiKeys::~PiiKeys() {
  sodium_memzero(seal_key_.data(), seal_key_.size());
  sodium_memzero(lookup_key_.data(), lookup_key_.size());
}

PiiKeys PiiKeys::generate(Random& random) {
  PiiKeys k;
  random.fill(k.seal_key_);
  random.fill(k.lookup_key_);
  return k;
}

Result<PiiKeys> PiiKeys::load(const std::filesystem::path& path) {
  auto text = read_secret_file(path, 4096);
  if (!text) return fail(text.error().code, "personal-data key file " + text.error().message);
  WipeOnExit wipe(*text);
  std::string_view rest = *text;
  auto next_line = [&rest]() {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    return line;
  };
  if (next_line() != kKeyFileTag)
    return fail(Errc::parse, "personal-data key file " + path.string() + ": not an sdc key file");
  PiiKeys k;
  for (auto* key : {&k.seal_key_, &k.lookup_key_}) {
    auto bytes = hex_decode(next_line());
    if (!bytes || bytes->size() != 32)
      return fail(Errc::parse,
                  "personal-data key file " + path.string() + ": expected two 32-byte keys in hex");
    std::copy(bytes->begin(), bytes->end(), key->begin());
    sodium_memzero(bytes->data(), bytes->size());
  }
  return k;
}

Result<void> PiiKeys::save(const std::filesystem::path& path) const {
  std::error_code ec;
  if (std::filesystem::exists(path, ec))
    return fail(Errc::conflict, "personal-data key file " + path.string() + " already exists");
  std::string text = std::string(kKeyFileTag) + "\n" + hex_encode(seal_key_) + "\n" +
                     hex_encode(lookup_key_) + "\n";
  auto r = write_file_atomic(path, text, FileMode::owner_only);
  sodium_memzero(text.data(), text.size());
  return r;
}

Bytes PiiCipher::seal(ByteView plaintext, std::string_view record_id, std::string_view field,
                      Random& random) const {
  ensure_sodium();
  Bytes ad = associated_data(record_id, field);
  Bytes out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
            crypto_aead_xchacha20poly1305_ietf_ABYTES);
  std::span<std::uint8_t> nonce(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  random.fill(nonce);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + nonce.size(), &clen, plaintext.data(),
                                             plaintext.size(), ad.data(), ad.size(), nullptr,
                                             nonce.data(), keys_.seal_key_.data());
  out.resize(nonce.size() + clen);
  return out;
}

Result<Bytes> PiiCipher::open(ByteView sealed, std::string_view record_id,
                              std::string_view field) const {
  ensure_sodium();
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (sealed.size() < kNonce + kTag)
    return fail(Errc::crypto, "sealed " + std::string(field) + " of record " +
                                  std::string(record_id) + ": too short");
  Bytes ad = associated_data(record_id, field);
  Bytes out(sealed.size() - kNonce - kTag);
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &mlen, nullptr, sealed.data() + kNonce,
                                                 sealed.size() - kNonce, ad.data(), ad.size(),
                                                 sealed.data(), keys_.seal_key_.data()) != 0)
    return fail(Errc::crypto, "sealed " + std::string(field) + " of record " +
                                  std::string(record_id) +
                                  ": does not decrypt (altered, moved, or another key)");
  out.resize(mlen);
  return out;
}

Bytes PiiCipher::a_number_hash(std::string_view a_number_9) const {
  return keyed_hash(keys_.lookup_key_, "sdc-a-number-v1", a_number_9);
}

Bytes PiiCipher::name_dob_hash(std::string_view family_name, std::string_view date_of_birth) const {
  std::string text = normalize_name(family_name);
  text += '\0';
  text += date_of_birth;
  return keyed_hash(keys_.lookup_key_, "sdc-name-dob-v1", text);
}

std::string normalize_name(std::string_view name) {
  std::string out;
  bool space = false;
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

HolderRow seal_holder(const HolderRecord& r, const PiiCipher& cipher, Random& random) {
  nlohmann::json j = {{"a_number", r.a_number},
                      {"family_name", r.family_name},
                      {"given_names", r.given_names},
                      {"date_of_birth", r.date_of_birth},
                      {"sex", r.sex},
                      {"nationality", r.nationality},
                      {"contact", r.contact}};
  std::string identity = j.dump();
  HolderRow row;
  row.id = r.id;
  row.a_number_hash = cipher.a_number_hash(r.a_number);
  row.name_dob_hash = cipher.name_dob_hash(r.family_name, r.date_of_birth);
  row.sealed_identity = cipher.seal(as_bytes(identity), r.id, "identity", random);
  row.sealed_portrait = cipher.seal(r.portrait, r.id, "portrait", random);
  row.language = r.language;
  row.created_at = r.created_at;
  row.updated_at = r.updated_at;
  sodium_memzero(identity.data(), identity.size());
  return row;
}

}  // namespace sdc::registry
