#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "sdc/credential/pki.h"
#include "sdc/crypto/pkcs11.h"

namespace sdc::cli {
namespace {

// Where the signer key is, as the commands print it: the file, or the token URI without its PIN.
std::string signer_key_shown(const PkiFolder& folder, const std::string& pkcs11) {
  return pkcs11.empty() ? folder.signer_key().string()
                        : crypto::pkcs11_uri_without_pin(pkcs11).value_or("");
}

}  // namespace

void register_pki(CLI::App& app) {
  auto* pki = app.add_subcommand("pki", "Manage the issuer's root and signer keys");
  pki->require_subcommand(1);

  auto* init = pki->add_subcommand(
      "init", "Create root and signer keys, certificates and the signer bundle");
  auto dir = std::make_shared<std::string>();
  auto settings = std::make_shared<IssuerSettings>();
  auto now = std::make_shared<std::string>();
  init->add_option("--dir", *dir, "Folder for the keys (created)")->required();
  init->add_option("--iss", settings->iss, "Issuing state, ICAO code")->capture_default_str();
  init->add_option("--status-uri", settings->status_uri, "URI of the validity list cards point to")
      ->capture_default_str();
  init->add_option("--office", settings->office, "Default issuing office code")
      ->capture_default_str();
  auto pkcs11 = std::make_shared<std::string>();
  init->add_option("--pkcs11", *pkcs11,
                   "Make the signer key inside this PKCS#11 token (RFC 7512 URI with module-path; "
                   "PIN from pin-source=FILE or SDC_PKCS11_PIN) instead of signer.key");
  add_now_option(init, *now);
  on_run(init, [=] {
    auto t = resolve_now(*now);
    if (!t) return usage_error(t.error());
    PkiOptions o;
    o.settings = *settings;
    o.signer_pkcs11 = *pkcs11;
    PkiFolder folder(*dir);
    if (auto r = pki_init(folder, o, *t); !r) return usage_error(r.error());
    auto signer_pem = read_text_file(folder.signer_cert());
    auto cert = crypto::Certificate::from_pem(signer_pem.value_or(""));
    print_json({{"dir", *dir},
                {"root", folder.root_cert().string()},
                {"signer", folder.signer_cert().string()},
                {"signers", folder.bundle().string()},
                {"signer_kid", cert ? hex_encode(cert->kid()) : ""},
                {"signer_key", signer_key_shown(folder, *pkcs11)},
                {"iss", settings->iss},
                {"status_uri", settings->status_uri}});
    std::cerr
        << "sdc: " << folder.root_key().string()
        << " is the root private key. It belongs offline: move it to removable media kept in a "
           "safe, and bring it back only to certify a new signer (sdc pki rotate --root-key).\n";
    return int{kOk};
  });

  auto* rotate = pki->add_subcommand("rotate", "Certify a new signer key and add it to the bundle");
  auto rdir = std::make_shared<std::string>();
  auto root_key = std::make_shared<std::string>();
  auto rnow = std::make_shared<std::string>();
  rotate->add_option("--dir", *rdir, "The issuer's key folder")->required();
  rotate->add_option("--root-key", *root_key, "The root private key (kept offline)")->required();
  auto rpkcs11 = std::make_shared<std::string>();
  rotate->add_option("--pkcs11", *rpkcs11,
                     "Make the new signer key inside this PKCS#11 token (as for pki init) instead "
                     "of signer.key");
  add_now_option(rotate, *rnow);
  on_run(rotate, [=] {
    auto t = resolve_now(*rnow);
    if (!t) return usage_error(t.error());
    PkiFolder folder(*rdir);
    auto s = load_settings(folder);
    if (!s) return usage_error(s.error());
    PkiOptions o;
    o.settings = *s;
    o.signer_pkcs11 = *rpkcs11;
    auto cert = pki_rotate(folder, *root_key, o, *t);
    if (!cert) return usage_error(cert.error());
    print_json({{"signer_kid", hex_encode(cert->kid())},
                {"signer_key", signer_key_shown(folder, *rpkcs11)},
                {"valid_from", format_time(cert->not_before())},
                {"valid_until", format_time(cert->not_after())},
                {"signers", folder.bundle().string()}});
    return int{kOk};
  });
}

}  // namespace sdc::cli
