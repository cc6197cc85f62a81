// The issuer's key folder: root and signer keys and certificates, the
// published signer bundle, and the issuer's settings.
//
//   root.pem  root.key (belongs offline)  signer.pem  signer.key
//   signers.pem (bundle: every signer ever certified)  issuer.json
//   signer.pkcs11 (instead of signer.key: the PKCS#11 URI of a signer key
//                  kept in a token, without any PIN; docs/KEYS.md)
//
// Private keys are written with mode 0600 and never printed.
#pragma once

#include <filesystem>
#include <string>

#include "sdc/credential/credential.h"

namespace sdc {

struct IssuerSettings {
  std::string iss = "USA";
  std::string status_uri = std::string(kDefaultStatusUri);
  std::string office = "HQ";
};

struct PkiOptions {
  IssuerSettings settings;
  std::string authority = "SDC";  // used in certificate names
  int root_years = 20;
  int signer_days = 3 * 365;  // signers are short-lived and rotated
  // Non-empty: make the signer key inside this PKCS#11 token (URI, RFC 7512)
  // instead of signer.key; the key never leaves the token.
  std::string signer_pkcs11;
};

class PkiFolder {
 public:
  explicit PkiFolder(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path root_cert() const { return dir_ / "root.pem"; }
  std::filesystem::path root_key() const { return dir_ / "root.key"; }
  std::filesystem::path signer_cert() const { return dir_ / "signer.pem"; }
  std::filesystem::path signer_key() const { return dir_ / "signer.key"; }
  std::filesystem::path signer_token() const { return dir_ / "signer.pkcs11"; }
  std::filesystem::path bundle() const { return dir_ / "signers.pem"; }
  std::filesystem::path settings() const { return dir_ / "issuer.json"; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// Creates the folder's keys and certificates. Refuses (Errc::conflict) to
// overwrite an existing root or signer key.
Result<void> pki_init(const PkiFolder& folder, const PkiOptions& options, UnixTime now);

// Certifies a new signer with the root key at `root_key`, makes it the
// current signer and appends its certificate to the bundle; older signer
// certificates stay in the bundle so the cards they signed stay valid.
// Returns the new signer's certificate.
Result<crypto::Certificate> pki_rotate(const PkiFolder& folder,
                                       const std::filesystem::path& root_key,
                                       const PkiOptions& options, UnixTime now);

// The folder's current signer: signer.key, or the token key signer.pkcs11
// names when there is no signer.key.
Result<Signer> load_signer(const PkiFolder& folder);

Result<IssuerSettings> load_settings(const PkiFolder& folder);
Result<void> save_settings(const PkiFolder& folder, const IssuerSettings& settings);

}  // namespace sdc
