// Claims <-> CBOR (credential-v1 §3).
#include <limits>

#include "sdc/cbor/cbor.h"
#include "sdc/credential/credential.h"

namespace sdc {
namespace {

constexpr std::int64_t kIss = 1, kExp = 4, kIat = 6, kStatus = 65535, kSdc = -65537;
enum SdcKey : std::uint64_t {
  kVersion = 1,
  kDocumentNumber,
  kANumber,
  kFamilyName,
  kGivenNames,
  kDateOfBirth,
  kSex,
  kNationality,
  kPortraitDigest,
  kThumbnail,
  kCardVersion,
  kIssuingOffice,
};

Error malformed(std::string m) { return Error{Errc::parse, std::move(m)}; }

// Reads a map key that may be an integer, a text string or anything else
// (skipped). Integer keys beyond int64 are treated as unknown.
struct Key {
  std::optional<std::int64_t> integer;
  std::optional<std::string_view> text;
};
Result<Key> read_key(cbor::Reader& r) {
  auto major = r.peek();
  if (!major) return std::unexpected(major.error());
  Key k;
  if (*major == cbor::Major::unsigned_int || *major == cbor::Major::negative_int) {
    if (auto v = r.read_int()) {
      k.integer = *v;
      return k;
    }
  } else if (*major == cbor::Major::text) {
    auto t = r.read_text();
    if (!t) return std::unexpected(t.error());
    k.text = *t;
    return k;
  }
  if (auto s = r.skip(); !s) return std::unexpected(s.error());
  return k;
}

Result<std::uint64_t> map_header(cbor::Reader& r, const char* what) {
  auto n = r.read_map();
  if (!n) return std::unexpected(malformed(std::string(what) + " is not a map"));
  if (auto u = r.check_unique_keys(*n); !u)
    return std::unexpected(malformed(std::string(what) + ": " + u.error().message));
  return n;
}

template <class T>
Result<T> field(Result<T> v, const char* name) {
  if (!v) return std::unexpected(malformed(std::string(name) + " has the wrong type"));
  return v;
}

UnixTime saturate(std::uint64_t v) {
  return v > static_cast<std::uint64_t>(std::numeric_limits<UnixTime>::max())
             ? std::numeric_limits<UnixTime>::max()
             : static_cast<UnixTime>(v);
}

Result<void> read_status(cbor::Reader& r, Claims& c) {
  auto n = map_header(r, "status");
  if (!n) return std::unexpected(n.error());
  bool found = false;
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto k = read_key(r);
    if (!k) return std::unexpected(k.error());
    if (k->text != "status_list") {
      if (auto s = r.skip(); !s) return s;
      continue;
    }
    auto m = map_header(r, "status_list");
    if (!m) return std::unexpected(m.error());
    bool idx = false, uri = false;
    for (std::uint64_t j = 0; j < *m; ++j) {
      auto kk = read_key(r);
      if (!kk) return std::unexpected(kk.error());
      if (kk->text == "idx") {
        auto v = field(r.read_uint(), "status_list.idx");
        if (!v) return std::unexpected(v.error());
        c.status_index = *v;
        idx = true;
      } else if (kk->text == "uri") {
        auto v = field(r.read_text(), "status_list.uri");
        if (!v) return std::unexpected(v.error());
        c.status_uri = *v;
        uri = true;
      } else if (auto s = r.skip(); !s) {
        return s;
      }
    }
    if (!idx || !uri) return std::unexpected(malformed("status_list lacks idx or uri"));
    found = true;
  }
  if (!found) return std::unexpected(malformed("status lacks status_list"));
  return {};
}

Result<void> read_sdc(cbor::Reader& r, Holder& h) {
  auto n = map_header(r, "sdc claim");
  if (!n) return std::unexpected(n.error());
  std::uint32_t seen = 0;
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto k = read_key(r);
    if (!k) return std::unexpected(k.error());
    if (!k->integer || *k->integer < 1 || *k->integer > static_cast<std::int64_t>(kIssuingOffice)) {
      if (auto s = r.skip(); !s) return s;
      continue;
    }
    auto key = static_cast<SdcKey>(*k->integer);
    seen |= 1u << key;
    auto text = [&](std::string& out, const char* name) -> Result<void> {
      auto v = field(r.read_text(), name);
      if (!v) return std::unexpected(v.error());
      out = *v;
      return {};
    };
    auto bytes = [&](Bytes& out, const char* name) -> Result<void> {
      auto v = field(r.read_bytes(), name);
      if (!v) return std::unexpected(v.error());
      out.assign(v->begin(), v->end());
      return {};
    };
    Result<void> ok;
    switch (key) {
      case kVersion: {
        auto v = field(r.read_uint(), "version");
        if (!v) ok = std::unexpected(v.error());
        break;
      }
      case kDocumentNumber: ok = text(h.document_number, "document_number"); break;
      case kANumber: ok = text(h.a_number, "a_number"); break;
      case kFamilyName: ok = text(h.family_name, "family_name"); break;
      case kGivenNames: ok = text(h.given_names, "given_names"); break;
      case kDateOfBirth: ok = text(h.date_of_birth, "date_of_birth"); break;
      case kSex: ok = text(h.sex, "sex"); break;
      case kNationality: ok = text(h.nationality, "nationality"); break;
      case kPortraitDigest: ok = bytes(h.portrait_sha256, "portrait_sha256"); break;
      case kThumbnail: ok = bytes(h.thumbnail.emplace(), "thumbnail"); break;
      case kCardVersion: {
        auto v = field(r.read_uint(), "card_version");
        if (!v) ok = std::unexpected(v.error());
        else h.card_version = *v;
        break;
      }
      case kIssuingOffice: ok = text(h.issuing_office, "issuing_office"); break;
    }
    if (!ok) return ok;
  }
  static constexpr const char* kNames[] = {"",
                                           "version",
                                           "document_number",
                                           "a_number",
                                           "family_name",
                                           "given_names",
                                           "date_of_birth",
                                           "sex",
                                           "nationality",
                                           "portrait_sha256",
                                           "thumbnail",
                                           "card_version",
                                           "issuing_office"};
  for (std::uint64_t key = kVersion; key <= kIssuingOffice; ++key)
    if (key != kThumbnail && !(seen & (1u << key)))
      return std::unexpected(malformed(std::string("sdc claim lacks ") + kNames[key]));
  return {};
}

}  // namespace

Bytes encode_claims(const Claims& c) {
  const Holder& h = c.holder;
  cbor::Writer w;
  w.map(5);
  w.uint(kIss).text(c.iss);
  w.uint(kIat).uint(static_cast<std::uint64_t>(c.iat));
  w.uint(kExp).uint(static_cast<std::uint64_t>(c.exp));
  w.uint(kStatus).map(1).text("status_list").map(2).text("idx").uint(c.status_index).text("uri").text(
      c.status_uri);
  w.integer(kSdc).map(h.thumbnail ? 12 : 11);
  w.uint(kVersion).uint(1);
  w.uint(kDocumentNumber).text(h.document_number);
  w.uint(kANumber).text(h.a_number);
  w.uint(kFamilyName).text(h.family_name);
  w.uint(kGivenNames).text(h.given_names);
  w.uint(kDateOfBirth).text(h.date_of_birth);
  w.uint(kSex).text(h.sex);
  w.uint(kNationality).text(h.nationality);
  w.uint(kPortraitDigest).bytes(h.portrait_sha256);
  if (h.thumbnail) w.uint(kThumbnail).bytes(*h.thumbnail);
  w.uint(kCardVersion).uint(h.card_version);
  w.uint(kIssuingOffice).text(h.issuing_office);
  return std::move(w).take();
}

Result<Claims> decode_claims(ByteView payload) {
  cbor::Reader r(payload);
  auto n = map_header(r, "claims");
  if (!n) return std::unexpected(n.error());
  Claims c;
  unsigned seen = 0;
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto k = read_key(r);
    if (!k) return std::unexpected(k.error());
    Result<void> ok;
    switch (k->integer.value_or(0)) {
      case kIss: {
        auto v = field(r.read_text(), "iss");
        if (!v) return std::unexpected(v.error());
        c.iss = *v;
        seen |= 1;
        continue;
      }
      case kIat:
      case kExp: {
        bool iat = *k->integer == kIat;
        auto v = field(r.read_uint(), iat ? "iat" : "exp");
        if (!v) return std::unexpected(v.error());
        (iat ? c.iat : c.exp) = saturate(*v);
        seen |= iat ? 2 : 4;
        continue;
      }
      case kStatus:
        ok = read_status(r, c);
        seen |= 8;
        break;
      case kSdc:
        ok = read_sdc(r, c.holder);
        seen |= 16;
        break;
      default:
        ok = r.skip();
    }
    if (!ok) return std::unexpected(malformed(ok.error().message));
  }
  if (!r.at_end()) return std::unexpected(malformed("bytes after the claims"));
  static constexpr const char* kNames[] = {"iss", "iat", "exp", "status", "sdc"};
  for (unsigned b = 0; b < 5; ++b)
    if (!(seen & (1u << b))) return std::unexpected(malformed(std::string("claims lack ") + kNames[b]));
  return c;
}

}  // namespace sdc
