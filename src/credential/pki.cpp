#include "sdc/credential/pki.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "sdc/util/file.h"

namespace sdc {
namespace {

Result<crypto::Certificate> certify_signer(const PkiFolder& folder, const crypto::Certificate& root,
                                           const crypto::PrivateKey& root_key, const PkiOptions& o,
                                           UnixTime now) {
  std::optional<crypto::PrivateKey> file_key;
  std::optional<crypto::Pkcs11Key> token_key;
  if (o.signer_pkcs11.empty()) {
    auto key = crypto::PrivateKey::generate_p256();
    if (!key) return std::unexpected(key.error());
    file_key = std::move(*key);
  } else {
    auto key = crypto::Pkcs11Key::generate_p256(o.signer_pkcs11);
    if (!key) return std::unexpected(key.error());
    token_key = std::move(*key);
  }
  EVP_PKEY* public_key = file_key ? file_key->get() : token_key->public_key();
  // Back-dated by a day so that cards issued "now" on a slightly slow clock verify.
  auto cert = crypto::make_signer_certificate(
      public_key, root, root_key, o.authority + " Document Signer", o.settings.iss.substr(0, 2),
      now - 86400, now + static_cast<UnixTime>(o.signer_days) * 86400);
  if (!cert) return std::unexpected(cert.error());
  // One of signer.key and signer.pkcs11: the other, from an earlier signer, goes.
  std::error_code ec;
  if (file_key) {
    if (auto r = file_key->save(folder.signer_key()); !r) return std::unexpected(r.error());
    std::filesystem::remove(folder.signer_token(), ec);
  } else {
    if (auto r = write_file_atomic(folder.signer_token(), token_key->uri() + "\n"); !r)
      return std::unexpected(r.error());
    std::filesystem::remove(folder.signer_key(), ec);
  }
  if (auto r = write_file_atomic(folder.signer_cert(), cert->to_pem()); !r)
    return std::unexpected(r.error());
  return cert;
}

}  // namespace

Result<void> pki_init(const PkiFolder& folder, const PkiOptions& o, UnixTime now) {
  std::error_code ec;
  std::filesystem::create_directories(folder.dir(), ec);
  if (ec) return fail(Errc::io, "cannot create " + folder.dir().string() + ": " + ec.message());
  if (std::filesystem::exists(folder.root_key()) || std::filesystem::exists(folder.signer_key()) ||
      std::filesystem::exists(folder.signer_token()))
    return fail(Errc::conflict,
                folder.dir().string() + " already holds issuer keys; not overwriting them");
  if (o.settings.iss.empty() || o.settings.iss.size() > 3)
    return fail(Errc::invalid_argument, "iss: an ICAO code of 1 to 3 capital letters");
  auto root_key = crypto::PrivateKey::generate_p256();
  if (!root_key) return std::unexpected(root_key.error());
  auto root = crypto::make_root_certificate(
      *root_key, o.authority + " Root", o.settings.iss.substr(0, 2), now - 86400,
      now + static_cast<UnixTime>(o.root_years) * 365 * 86400);
  if (!root) return std::unexpected(root.error());
  if (auto r = root_key->save(folder.root_key()); !r) return r;
  if (auto r = write_file_atomic(folder.root_cert(), root->to_pem()); !r) return r;
  auto signer = certify_signer(folder, *root, *root_key, o, now);
  if (!signer) return std::unexpected(signer.error());
  if (auto r = write_file_atomic(folder.bundle(), signer->to_pem()); !r) return r;
  return save_settings(folder, o.settings);
}

Result<crypto::Certificate> pki_rotate(const PkiFolder& folder,
                                       const std::filesystem::path& root_key_path,
                                       const PkiOptions& o, UnixTime now) {
  auto root_pem = read_file(folder.root_cert(), 1 << 20);
  if (!root_pem) return std::unexpected(root_pem.error());
  auto root = crypto::Certificate::from_pem(*root_pem);
  if (!root) return std::unexpected(root.error());
  auto root_key = crypto::PrivateKey::load(root_key_path);
  if (!root_key) return std::unexpected(root_key.error());
  if (!root->matches(*root_key))
    return fail(Errc::crypto,
                root_key_path.string() + " is not the key of " + folder.root_cert().string());
  auto bundle = read_file(folder.bundle(), 16 << 20);
  if (!bundle) return std::unexpected(bundle.error());
  auto signer = certify_signer(folder, *root, *root_key, o, now);
  if (!signer) return std::unexpected(signer.error());
  std::string updated = *bundle;
  if (!updated.empty() && updated.back() != '\n') updated += '\n';
  updated += signer->to_pem();
  if (auto r = write_file_atomic(folder.bundle(), updated); !r) return std::unexpected(r.error());
  return signer;
}

Result<Signer> load_signer(const PkiFolder& folder) {
  if (std::filesystem::exists(folder.signer_key()) ||
      !std::filesystem::exists(folder.signer_token()))
    return load_signer(folder.signer_key(), folder.signer_cert());
  auto uri = read_file(folder.signer_token(), 4096);
  if (!uri) return std::unexpected(uri.error());
  std::string text = *uri;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return load_token_signer(text, folder.signer_cert());
}

Result<IssuerSettings> load_settings(const PkiFolder& folder) {
  IssuerSettings s;
  if (!std::filesystem::exists(folder.settings())) return s;
  auto text = read_file(folder.settings(), 1 << 16);
  if (!text) return std::unexpected(text.error());
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(Errc::parse, folder.settings().string() + " is not a JSON object");
  try {
    s.iss = j.value("iss", s.iss);
    s.status_uri = j.value("status_uri", s.status_uri);
    s.office = j.value("office", s.office);
  } catch (const nlohmann::json::exception&) {
    return fail(Errc::parse,
                folder.settings().string() + ": iss, status_uri and office are strings");
  }
  return s;
}

Result<void> save_settings(const PkiFolder& folder, const IssuerSettings& s) {
  nlohmann::json j = {{"iss", s.iss}, {"status_uri", s.status_uri}, {"office", s.office}};
  return write_file_atomic(folder.settings(), j.dump(2) + "\n");
}

}  // namespace sdc
