// Issuer rules and barcode issuance.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sdc/credential/cose.h"
#include "sdc/credential/credential.h"
#include "sdc/util/file.h"
#include "sdc/util/zlib.h"

namespace sdc {
namespace {

constexpr std::string_view kDocumentAlphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
constexpr std::size_t kMaxNameBytes = 120;

Error invalid(std::string m) {
  return Error{Errc::invalid_argument, std::move(m)};
}

bool all_of(std::string_view s, auto pred) {
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

int two_digits(std::string_view s) {
  return (s[0] - '0') * 10 + (s[1] - '0');
}

Result<void> validate_date_of_birth(std::string_view d) {
  auto bad = [&](const char* why) {
    return std::unexpected(invalid("date_of_birth '" + std::string(d) + "': " + why));
  };
  if (d.size() != 10 || d[4] != '-' || d[7] != '-')
    return bad("expected YYYY-MM-DD, with XX for unknown parts");
  std::string_view y = d.substr(0, 4), m = d.substr(5, 2), day = d.substr(8, 2);
  if (!all_of(y, is_digit)) return bad("the year must be known");
  bool m_unknown = m == "XX", d_unknown = day == "XX";
  if ((!m_unknown && !all_of(m, is_digit)) || (!d_unknown && !all_of(day, is_digit)))
    return bad("month and day are two digits or XX");
  if (m_unknown && !d_unknown) return bad("a day without a month");
  if (!m_unknown && (two_digits(m) < 1 || two_digits(m) > 12)) return bad("no such month");
  if (!d_unknown) {
    int yy = std::stoi(std::string(y)), mm = two_digits(m), dd = two_digits(day);
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
    if (dd < 1 || dd > kDays[mm - 1] || (mm == 2 && dd == 29 && !leap)) return bad("no such day");
  }
  return {};
}

std::string date_string(UnixTime t) {
  int y;
  unsigned m, d;
  civil_from_days(t >= 0 ? t / 86400 : (t - 86399) / 86400, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

}  // namespace

Result<void> validate_holder(const Holder& h) {
  std::vector<std::string> problems;  // every bad field, not just the first
  if (h.document_number.size() != 9 || !all_of(h.document_number, [](char c) {
        return kDocumentAlphabet.find(c) != std::string_view::npos;
      }))
    problems.push_back(
        "document_number: 9 characters, digits and capital letters other than I, O and Q");
  if (h.a_number.size() != 9 || !all_of(h.a_number, is_digit))
    problems.push_back("a_number: 9 digits, without the A");
  const std::string max_name = "at most " + std::to_string(kMaxNameBytes) + " bytes of UTF-8";
  if (h.family_name.empty())
    problems.push_back("family_name: must not be empty");
  else if (h.family_name.size() > kMaxNameBytes)
    problems.push_back("family_name: " + max_name);
  if (h.given_names.size() > kMaxNameBytes) problems.push_back("given_names: " + max_name);
  if (auto d = validate_date_of_birth(h.date_of_birth); !d) problems.push_back(d.error().message);
  if (h.sex != "F" && h.sex != "M" && h.sex != "X") problems.push_back("sex: F, M or X");
  if (h.nationality.empty() || h.nationality.size() > 3 || !all_of(h.nationality, is_upper))
    problems.push_back("nationality: an ICAO code of 1 to 3 capital letters");
  if (h.portrait_sha256.size() != 32)
    problems.push_back("portrait_sha256: 32 bytes (SHA-256 of the portrait file)");
  if (h.thumbnail && h.thumbnail->size() > 500) problems.push_back("thumbnail: at most 500 bytes");
  if (h.card_version < 1) problems.push_back("card_version: 1 or more");
  if (h.issuing_office.empty() || h.issuing_office.size() > 8 ||
      !all_of(h.issuing_office, [](char c) { return is_upper(c) || is_digit(c) || c == '-'; }))
    problems.push_back("issuing_office: 1 to 8 characters, capital letters, digits or '-'");
  if (problems.empty()) return {};
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
  return std::unexpected(invalid(std::move(message)));
}

Result<std::string> issue_barcode(const Claims& c, const Signer& signer) {
  if (auto v = validate_holder(c.holder); !v) return std::unexpected(v.error());
  if (c.iss.empty() || c.iss.size() > 3 || !all_of(c.iss, is_upper))
    return fail(Errc::invalid_argument, "iss: an ICAO code of 1 to 3 capital letters");
  if (c.iat < 0 || c.exp <= c.iat)
    return fail(Errc::invalid_argument, "the card must expire after it is issued");
  if (c.exp - c.iat > kMaxCardValidity)
    return fail(Errc::invalid_argument, "a card is valid for at most 3,653 days");
  if (c.status_uri.empty()) return fail(Errc::invalid_argument, "status_uri must be set");
  if (c.iat < signer.cert.not_before() || c.iat > signer.cert.not_after())
    return fail(Errc::invalid_argument,
                "the signer certificate is not valid at the issue time: rotate the signer");
  auto cose = cose_sign1(encode_claims(c), signer);
  if (!cose) return std::unexpected(cose.error());
  // Stored blocks: a credential is mostly signature, digest and JPEG
  // thumbnail, which deflate cannot shrink (273 bytes in, 278 out for a card
  // without thumbnail), while deflating costs as much as a third of the
  // signature. The stream stays valid zlib, at 5 bytes more than the input.
  return std::string(kBarcodePrefix) + base45_encode(zlib_compress(*cose, 0));
}

Result<Signer> load_signer(const std::filesystem::path& key_pem,
                           const std::filesystem::path& cert_pem) {
  auto key = crypto::PrivateKey::load(key_pem);
  if (!key) return std::unexpected(key.error());
  auto pem = read_file(cert_pem, 1 << 16);
  if (!pem) return std::unexpected(pem.error());
  auto cert = crypto::Certificate::from_pem(*pem);
  if (!cert) return fail(Errc::crypto, cert_pem.string() + ": " + cert.error().message);
  if (!cert->matches(*key))
    return fail(Errc::crypto, "the signer key does not match its certificate");
  Bytes kid = cert->kid();
  return Signer{std::move(*key), std::move(*cert), std::move(kid)};
}

Result<Signer> load_token_signer(std::string_view pkcs11_uri,
                                 const std::filesystem::path& cert_pem) {
  auto pem = read_file(cert_pem, 1 << 16);
  if (!pem) return std::unexpected(pem.error());
  auto cert = crypto::Certificate::from_pem(*pem);
  if (!cert) return fail(Errc::crypto, cert_pem.string() + ": " + cert.error().message);
  auto key = crypto::Pkcs11Key::open(pkcs11_uri);
  if (!key) return std::unexpected(key.error());
  if (!cert->has_key(key->public_key()))
    return fail(Errc::crypto,
                "the token key " + key->uri() + " does not match " + cert_pem.string());
  Bytes kid = cert->kid();
  return Signer{std::move(*key), std::move(*cert), std::move(kid)};
}

std::string new_document_number(Random& random) {
  std::string out(9, '0');
  for (char& c : out) c = kDocumentAlphabet[random.uniform(kDocumentAlphabet.size())];
  return out;
}

Result<std::string> normalize_a_number(std::string_view typed) {
  std::string digits;
  std::size_t i = 0;
  while (i < typed.size() && typed[i] == ' ') ++i;
  if (i < typed.size() && (typed[i] == 'A' || typed[i] == 'a')) ++i;
  for (; i < typed.size(); ++i) {
    char c = typed[i];
    if (is_digit(c))
      digits.push_back(c);
    else if (c != ' ' && c != '-')
      return fail(Errc::invalid_argument,
                  "a_number: only digits, with an optional leading A, spaces and dashes");
  }
  if (digits.size() == 8) digits.insert(digits.begin(), '0');
  if (digits.size() != 9)
    return fail(Errc::invalid_argument, "a_number: 9 digits (or the old 8-digit form)");
  return digits;
}

std::string printed_expiry_date(UnixTime exp) {
  return date_string(exp - 86400);
}

UnixTime expiry_for(UnixTime iat, int days) {
  UnixTime day = (iat >= 0 ? iat / 86400 : (iat - 86399) / 86400);
  return (day + days) * 86400;
}

Result<MrzLines> card_mrz(const Claims& c) {
  const Holder& h = c.holder;
  MrzFields f;
  f.document_code = "ID";
  f.issuing_state = c.iss;
  f.document_number = h.document_number;
  f.optional_data_1 = "A" + h.a_number;
  auto yymmdd = [](std::string_view iso) {
    std::string out;
    out += iso.substr(2, 2);
    out += iso.substr(5, 2) == "XX" ? "<<" : std::string(iso.substr(5, 2));
    out += iso.substr(8, 2) == "XX" ? "<<" : std::string(iso.substr(8, 2));
    return out;
  };
  if (h.date_of_birth.size() != 10)
    return fail(Errc::invalid_argument, "date_of_birth: expected YYYY-MM-DD");
  f.date_of_birth = yymmdd(h.date_of_birth);
  f.sex = h.sex;
  f.date_of_expiry = yymmdd(printed_expiry_date(c.exp));
  f.nationality = h.nationality;
  f.primary_identifier = h.family_name;
  f.secondary_identifier = h.given_names;
  return mrz_td1(f);
}

nlohmann::json holder_to_json(const Holder& h) {
  nlohmann::json j = {
      {"document_number", h.document_number}, {"a_number", h.a_number},
      {"family_name", h.family_name},         {"given_names", h.given_names},
      {"date_of_birth", h.date_of_birth},     {"sex", h.sex},
      {"nationality", h.nationality},         {"portrait_sha256", hex_encode(h.portrait_sha256)},
      {"card_version", h.card_version},       {"issuing_office", h.issuing_office},
  };
  if (h.thumbnail) j["thumbnail"] = base64_encode(*h.thumbnail);
  return j;
}

nlohmann::json claims_to_json(const Claims& c) {
  return {
      {"iss", c.iss},
      {"issued_at", format_time(c.iat)},
      {"expires_at", format_time(c.exp)},
      {"issue_date", date_string(c.iat)},
      {"expiry_date", printed_expiry_date(c.exp)},
      {"status_index", c.status_index},
      {"status_uri", c.status_uri},
      {"holder", holder_to_json(c.holder)},
  };
}

Result<Holder> holder_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail(Errc::invalid_argument, "holder: expected a JSON object");
  Holder h;
  auto text = [&](const char* name, std::string& out, bool required = true) -> Result<void> {
    auto it = j.find(name);
    if (it == j.end()) {
      if (required) return fail(Errc::invalid_argument, std::string(name) + ": missing");
      return {};
    }
    if (!it->is_string())
      return fail(Errc::invalid_argument, std::string(name) + ": expected a string");
    out = it->get<std::string>();
    return {};
  };
  for (auto [name, field] : {std::pair{"document_number", &h.document_number},
                             {"a_number", &h.a_number},
                             {"family_name", &h.family_name},
                             {"date_of_birth", &h.date_of_birth},
                             {"sex", &h.sex},
                             {"nationality", &h.nationality},
                             {"issuing_office", &h.issuing_office}})
    if (auto r = text(name, *field); !r) return std::unexpected(r.error());
  if (auto r = text("given_names", h.given_names, false); !r) return std::unexpected(r.error());
  std::string digest;
  if (auto r = text("portrait_sha256", digest); !r) return std::unexpected(r.error());
  auto d = hex_decode(digest);
  if (!d || d->size() != 32)
    return fail(Errc::invalid_argument, "portrait_sha256: 64 hexadecimal digits");
  h.portrait_sha256 = std::move(*d);
  std::string thumb;
  if (auto r = text("thumbnail", thumb, false); !r) return std::unexpected(r.error());
  if (!thumb.empty()) {
    auto t = base64_decode(thumb);
    if (!t) return fail(Errc::invalid_argument, "thumbnail: padded base64");
    h.thumbnail = std::move(*t);
  }
  if (auto it = j.find("card_version"); it != j.end()) {
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() < 1)
      return fail(Errc::invalid_argument, "card_version: a whole number from 1");
    h.card_version = it->get<std::uint64_t>();
  }
  return h;
}

Result<Claims> claims_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail(Errc::invalid_argument, "card: expected a JSON object");
  Claims c;
  auto holder = holder_from_json(j.value("holder", nlohmann::json()));
  if (!holder) return std::unexpected(holder.error());
  c.holder = std::move(*holder);
  try {
    c.iss = j.at("iss").get<std::string>();
    auto iat = parse_time(j.at("issued_at").get<std::string>());
    auto exp = parse_time(j.at("expires_at").get<std::string>());
    if (!iat || !exp) return fail(Errc::invalid_argument, "issued_at/expires_at: RFC 3339 times");
    c.iat = *iat;
    c.exp = *exp;
    c.status_index = j.at("status_index").get<std::uint64_t>();
    c.status_uri = j.at("status_uri").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return fail(Errc::invalid_argument, std::string("card: ") + e.what());
  }
  return c;
}

}  // namespace sdc
