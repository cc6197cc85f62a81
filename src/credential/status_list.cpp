#include "sdc/credential/status_list.h"

#include "sdc/cbor/cbor.h"
#include "sdc/credential/cose.h"
#include "sdc/credential/credential.h"
#include "sdc/crypto/crypto.h"
#include "sdc/credential/trust.h"
#include "sdc/util/zlib.h"

namespace sdc {
namespace {

constexpr std::int64_t kSub = 2, kExp = 4, kIat = 6, kTtl = 65534, kStatusList = 65533;

Error unusable(std::string m) {
  return Error{Errc::parse, "status list: " + std::move(m)};
}

}  // namespace

Result<StatusList> StatusList::create(std::size_t entries) {
  if (entries == 0 || entries % 4 != 0)
    return fail(Errc::invalid_argument, "a status list has a positive multiple of 4 entries");
  return StatusList(Bytes(entries / 4, 0));
}

Result<StatusList> StatusList::from_bytes(Bytes packed) {
  if (packed.empty()) return fail(Errc::parse, "status list: the list is empty");
  return StatusList(std::move(packed));
}

std::uint8_t StatusList::get(std::size_t index) const {
  return static_cast<std::uint8_t>((bytes_[index / 4] >> (2 * (index % 4))) & 3);
}

void StatusList::set(std::size_t index, std::uint8_t value) {
  auto shift = 2 * (index % 4);
  auto& b = bytes_[index / 4];
  b = static_cast<std::uint8_t>((b & ~(3u << shift)) | ((value & 3u) << shift));
}

const char* to_string(Validity v) {
  switch (v) {
    case Validity::valid:
      return "VALID";
    case Validity::invalid:
      return "INVALID";
    case Validity::suspended:
      return "SUSPENDED";
    case Validity::unknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

Result<Bytes> build_status_list_token(const StatusList& list, const StatusListClaims& claims,
                                      const Signer& signer, int zlib_level) {
  if (zlib_level < 1 || zlib_level > 9)
    return fail(Errc::invalid_argument, "a status list is deflated at a level from 1 to 9");
  if (claims.uri.empty()) return fail(Errc::invalid_argument, "a status list needs a uri");
  if (claims.exp <= claims.iat || claims.iat < 0)
    return fail(Errc::invalid_argument, "a status list must expire after it is issued");
  cbor::Writer w;
  w.map(claims.ttl ? 5 : 4);
  w.uint(kSub).text(claims.uri);
  w.uint(kIat).uint(static_cast<std::uint64_t>(claims.iat));
  w.uint(kExp).uint(static_cast<std::uint64_t>(claims.exp));
  if (claims.ttl) w.uint(kTtl).uint(*claims.ttl);
  w.uint(kStatusList)
      .map(2)
      .text("bits")
      .uint(2)
      .text("lst")
      .bytes(zlib_compress(list.bytes(), zlib_level));
  return cose_sign1(w.data(), signer, kStatusListContentType);
}

namespace {

struct ParsedToken {
  CoseSign1 cose;
  StatusListToken token;
};

Result<StatusListToken> parse_payload(const CoseSign1& cose) {
  cbor::Reader r(cose.payload);
  auto n = r.read_map();
  if (!n) return std::unexpected(unusable("the payload is not a CWT claims map"));
  if (auto u = r.check_unique_keys(*n); !u) return std::unexpected(unusable(u.error().message));
  StatusListClaims claims;
  std::optional<StatusList> list_read;
  bool sub = false, iat = false, exp = false, lst = false;
  std::uint64_t bits = 0;
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto major = r.peek();
    if (!major) return std::unexpected(unusable(major.error().message));
    std::optional<std::int64_t> key;
    if (*major == cbor::Major::unsigned_int || *major == cbor::Major::negative_int)
      if (auto k = r.read_int()) key = *k;
    if (!key && !r.skip()) return std::unexpected(unusable("broken claim key"));
    auto wrong = [](const char* name) {
      return std::unexpected(unusable(std::string(name) + " has the wrong type"));
    };
    if (key == kSub) {
      auto v = r.read_text();
      if (!v) return wrong("sub");
      claims.uri = *v;
      sub = true;
    } else if (key == kIat || key == kExp || key == kTtl) {
      auto v = r.read_uint();
      if (!v || *v > static_cast<std::uint64_t>(INT64_MAX)) return wrong("iat/exp/ttl");
      if (key == kIat)
        claims.iat = static_cast<UnixTime>(*v), iat = true;
      else if (key == kExp)
        claims.exp = static_cast<UnixTime>(*v), exp = true;
      else
        claims.ttl = *v;
    } else if (key == kStatusList) {
      auto m = r.read_map();
      if (!m) return wrong("status_list");
      if (auto u = r.check_unique_keys(*m); !u) return std::unexpected(unusable(u.error().message));
      for (std::uint64_t j = 0; j < *m; ++j) {
        std::string_view name;
        auto key_major = r.peek();
        if (!key_major) return wrong("status_list key");
        if (*key_major == cbor::Major::text) {
          auto text = r.read_text();
          if (!text) return wrong("status_list key");
          name = *text;
        } else if (!r.skip()) {
          return wrong("status_list key");
        }
        if (name == "bits") {
          auto v = r.read_uint();
          if (!v) return wrong("bits");
          bits = *v;
        } else if (name == "lst") {
          auto v = r.read_bytes();
          if (!v) return wrong("lst");
          auto inflated = zlib_inflate(*v, kMaxInflatedStatusList);
          if (!inflated) return std::unexpected(unusable("lst: " + inflated.error().message));
          auto list = StatusList::from_bytes(std::move(*inflated));
          if (!list) return std::unexpected(list.error());
          list_read = std::move(*list);
          lst = true;
        } else if (!r.skip()) {
          return wrong("status_list value");
        }
      }
    } else if (!r.skip()) {
      return std::unexpected(unusable("broken claim"));
    }
  }
  if (!r.at_end()) return std::unexpected(unusable("bytes after the claims"));
  if (!sub || !iat || !exp || !lst)
    return std::unexpected(
        unusable("a required claim (sub, iat, exp, status_list.lst) is missing"));
  if (bits != 2) return std::unexpected(unusable("bits is " + std::to_string(bits) + ", not 2"));
  StatusListToken t{std::move(claims), std::move(*list_read), {}};
  if (cose.kid) t.kid.assign(cose.kid->begin(), cose.kid->end());
  return t;
}

Result<ParsedToken> parse(ByteView token) {
  auto cose = parse_cose_sign1(token);
  if (!cose) return std::unexpected(unusable(cose.error().message));
  auto t = parse_payload(*cose);
  if (!t) return std::unexpected(t.error());
  return ParsedToken{*cose, std::move(*t)};
}

}  // namespace

Result<StatusListToken> parse_status_list_token_unverified(ByteView token) {
  auto p = parse(token);
  if (!p) return std::unexpected(p.error());
  return std::move(p->token);
}

Result<StatusListToken> load_status_list_token(ByteView token, const TrustStore& trust) {
  auto p = parse(token);
  if (!p) return std::unexpected(p.error());
  const CoseSign1& cose = p->cose;
  if (!cose.alg_is_es256) return std::unexpected(unusable("the algorithm is not ES256"));
  if (cose.content_type != kStatusListContentType)
    return std::unexpected(unusable("the type header is not application/statuslist+cwt"));
  if (!cose.kid) return std::unexpected(unusable("no kid"));
  const TrustedSigner* signer = trust.find(*cose.kid);
  if (!signer) return std::unexpected(unusable("signed by an unknown signer"));
  if (auto why = TrustStore::check_at(*signer, p->token.claims.iat); !why.empty())
    return std::unexpected(unusable("signer not trusted: " + why));
  if (!signer->verifier->verify(cose_sig_structure(cose.protected_bytes, cose.payload),
                                cose.signature))
    return std::unexpected(unusable("the signature does not verify"));
  return std::move(p->token);
}

StatusAnswer lookup_status(const StatusListToken& token, std::string_view card_uri,
                           std::uint64_t index, UnixTime now) {
  StatusAnswer a;
  a.as_of = token.claims.iat;
  if (token.claims.uri != card_uri) {
    a.reason = "the list is for " + token.claims.uri + ", not the card's " + std::string(card_uri);
  } else if (token.claims.iat > now + kClockSkew) {
    a.reason = "the list was issued in the future (" + format_time(token.claims.iat) + ")";
  } else if (now >= token.claims.exp) {
    a.reason = "the list expired at " + format_time(token.claims.exp);
  } else if (index >= token.list.size()) {
    a.reason = "the card's index " + std::to_string(index) + " lies outside the list of " +
               std::to_string(token.list.size()) + " entries";
  } else {
    switch (token.list.get(index)) {
      case 0:
        a.validity = Validity::valid;
        break;
      case 1:
        a.validity = Validity::invalid;
        break;
      case 2:
        a.validity = Validity::suspended;
        break;
      default:
        a.reason = "the list holds the undefined value 3 for this card";
    }
  }
  return a;
}

StatusListCache::Offer StatusListCache::offer(StatusListToken token) {
  auto it = lists_.find(token.claims.uri);
  if (it != lists_.end() && it->second.claims.iat > token.claims.iat) return Offer::kept_newer;
  std::string uri = token.claims.uri;
  lists_.insert_or_assign(std::move(uri), std::move(token));
  return Offer::stored;
}

const StatusListToken* StatusListCache::find(std::string_view uri) const {
  auto it = lists_.find(uri);
  return it == lists_.end() ? nullptr : &it->second;
}

}  // namespace sdc
