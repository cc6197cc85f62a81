#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "sdc/cbor/cbor.h"
#include "sdc/credential/cose.h"
#include "sdc/credential/verify.h"
#include "sdc/util/zlib.h"
#include "support/test_issuer.h"

namespace sdc {
namespace {

using testing::kTestNow;
using testing::sample_claims;
using testing::SeededRandom;
using testing::TestIssuer;

StatusListCache list_with(const TestIssuer& issuer, std::uint64_t index, std::uint8_t value,
                          std::string uri = std::string(kDefaultStatusUri),
                          UnixTime iat = kTestNow) {
  auto list = *StatusList::create(4096);
  list.set(index, value);
  auto token = *build_status_list_token(list, {uri, iat, iat + 86400, 3600}, issuer.signer);
  StatusListCache cache;
  cache.offer(*load_status_list_token(token, issuer.trust));
  return cache;
}

TEST(RoundTrip, IssueThenVerifyIsValidWithTheSameHolder) {
  auto issuer = TestIssuer::make();
  Claims c = sample_claims();
  c.status_uri = std::string(kDefaultStatusUri);
  auto barcode = issue_barcode(c, issuer.signer);
  ASSERT_TRUE(barcode) << barcode.error().message;
  auto cache = list_with(issuer, 5, 1);
  Verification v = verify_barcode(*barcode, issuer.trust, &cache, kTestNow + 60);
  EXPECT_EQ(v.result, VerifyResult::valid) << v.detail;
  EXPECT_EQ(v.status.validity, Validity::valid);
  ASSERT_TRUE(v.claims);
  EXPECT_EQ(*v.claims, c);
}

TEST(RoundTrip, BarcodeUsesOnlyQrAlphanumericCharacters) {
  auto issuer = TestIssuer::make();
  auto barcode = *issue_barcode(sample_claims(), issuer.signer);
  for (char ch : barcode)
    EXPECT_NE(std::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(ch),
              std::string_view::npos)
        << ch;
}

TEST(RoundTrip, ManyGeneratedHoldersIncludingUnicodeLongAndUnknownDates) {
  auto issuer = TestIssuer::make();
  SeededRandom random(42);
  const std::vector<std::string> families = {
      "ERIKSSON",     "NGUYỄN",         "Ó'BRIAIN-ÅSTRÖM",    "ДОСТОЕВСКИЙ",
      "ΠΑΠΑΔΟΠΟΥΛΟΣ", "GARCÍA MÁRQUEZ", std::string(120, 'W')};
  const std::vector<std::string> givens = {"", "ANNA MARIA", "JOSÉ", "ŁUKASZ",
                                           std::string(120, 'Z')};
  const std::vector<std::string> dobs = {"1974-08-12", "1990-XX-XX", "2001-02-XX", "2000-02-29"};
  const std::vector<std::string> sexes = {"F", "M", "X"};
  int n = 0;
  for (const auto& family : families)
    for (const auto& given : givens)
      for (const auto& dob : dobs) {
        Claims c = sample_claims();
        c.holder.family_name = family;
        c.holder.given_names = given;
        c.holder.date_of_birth = dob;
        c.holder.sex = sexes[n % 3];
        c.holder.document_number = new_document_number(random);
        c.holder.card_version = 1 + n % 5;
        if (n % 2) c.holder.thumbnail = Bytes(500, static_cast<std::uint8_t>(n));
        c.status_index = random.uniform(4096);
        auto barcode = issue_barcode(c, issuer.signer);
        ASSERT_TRUE(barcode) << barcode.error().message;
        Verification v = verify_barcode(*barcode, issuer.trust, nullptr, kTestNow);
        ASSERT_EQ(v.result, VerifyResult::valid) << v.detail;
        EXPECT_EQ(v.status.validity, Validity::unknown);
        EXPECT_EQ(*v.claims, c);
        EXPECT_TRUE(card_mrz(c)) << family << " / " << given;
        ++n;
      }
  EXPECT_EQ(n, 7 * 5 * 4);
}

// Where `part` (a view into `whole`) starts in it.
std::size_t offset_in(const Bytes& whole, ByteView part) {
  return static_cast<std::size_t>(part.data() - whole.data());
}

bool inside(std::size_t i, std::size_t start, std::size_t size) {
  return i >= start && i < start + size;
}

// A forged card must be turned away by one of the checks up to the
// signature's, never reach the checks of an authentic card (NOT_YET_VALID,
// EXPIRED, ... VALID) and never hand out claims.
bool rejected_before_authenticity(const Verification& v) {
  return v.result >= VerifyResult::malformed && v.result <= VerifyResult::bad_signature &&
         !v.claims.has_value();
}

// The alteration leaves nothing for an earlier check to find (the COSE
// structure parses, names ES256 and the signer, the claims decode with the
// original dates): the signature check alone must catch it.
bool only_the_signature_can_tell(const Bytes& altered, const Claims& original, ByteView kid) {
  auto cose = parse_cose_sign1(altered);
  if (!cose || !cose->alg_is_es256 || !cose->kid) return false;
  if (!std::ranges::equal(*cose->kid, kid)) return false;
  auto claims = decode_claims(cose->payload);
  return claims && claims->iat == original.iat && claims->exp == original.exp;
}

TEST(RoundTrip, EverySingleByteChangeToTheSignedBytesIsRejected) {
  auto issuer = TestIssuer::make();
  const Claims claims = sample_claims();
  auto barcode = *issue_barcode(claims, issuer.signer);
  const Bytes cose = *zlib_inflate(*base45_decode(barcode.substr(5)), kMaxInflatedBarcode);
  auto parsed = parse_cose_sign1(cose);
  ASSERT_TRUE(parsed) << parsed.error().message;

  // The signed bytes (the protected header and the payload) as the issuer
  // makes them, built here from the claims and the signer's kid.
  cbor::Writer header;
  header.map(2).uint(1).integer(-7).uint(4).bytes(issuer.signer.kid);
  const Bytes payload = encode_claims(claims);
  ASSERT_TRUE(std::ranges::equal(parsed->protected_bytes, header.data()));
  ASSERT_TRUE(std::ranges::equal(parsed->payload, payload));
  const std::size_t header_at = offset_in(cose, parsed->protected_bytes);
  const std::size_t payload_at = offset_in(cose, parsed->payload);
  const std::size_t signature_at = offset_in(cose, parsed->signature);

  std::size_t signed_positions = 0;
  std::set<std::size_t> caught_by_signature;  // positions whose ^ 0x01 only the signature caught
  for (std::size_t i = 0; i < cose.size(); ++i) {
    const bool is_signed =
        inside(i, header_at, header.data().size()) || inside(i, payload_at, payload.size());
    const bool is_signature = inside(i, signature_at, parsed->signature.size());
    if (is_signed) ++signed_positions;
    for (std::uint8_t delta : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
      Bytes altered = cose;
      altered[i] = static_cast<std::uint8_t>(altered[i] ^ delta);
      const std::string text = "SDC1:" + base45_encode(zlib_compress(altered));
      const Verification v = verify_barcode(text, issuer.trust, nullptr, kTestNow);
      const std::string where = "byte " + std::to_string(i) + " ^ " + std::to_string(delta) + ": " +
                                to_string(v.result) + " (" + v.detail + ")";
      ASSERT_TRUE(rejected_before_authenticity(v)) << where;
      if (is_signature ||
          (is_signed && only_the_signature_can_tell(altered, claims, issuer.signer.kid))) {
        ASSERT_EQ(v.result, VerifyResult::bad_signature) << where;
        if (is_signed && delta == 0x01) caught_by_signature.insert(i);
      }
    }
  }
  EXPECT_EQ(signed_positions, header.data().size() + payload.size());
  // A letter of the family name changed to its neighbour leaves valid CBOR
  // and valid claims: the signature check, and only it, must catch it.
  const std::string_view family = claims.holder.family_name;
  const auto name_at = std::ranges::search(parsed->payload, as_bytes(family));
  ASSERT_FALSE(name_at.empty());
  const std::size_t family_at =
      payload_at + static_cast<std::size_t>(name_at.begin() - parsed->payload.begin());
  for (std::size_t i = family_at; i < family_at + family.size(); ++i)
    EXPECT_TRUE(caught_by_signature.contains(i)) << "family name byte at " << i;
}

TEST(RoundTrip, ResultsFollowTheSpecOrder) {
  auto issuer = TestIssuer::make();
  Claims c = sample_claims();
  auto barcode = *issue_barcode(c, issuer.signer);
  EXPECT_EQ(verify_barcode(barcode, issuer.trust, nullptr, c.iat - 301).result,
            VerifyResult::not_yet_valid);
  EXPECT_EQ(verify_barcode(barcode, issuer.trust, nullptr, c.iat - 299).result,
            VerifyResult::valid);
  EXPECT_EQ(verify_barcode(barcode, issuer.trust, nullptr, c.exp).result, VerifyResult::expired);
  EXPECT_EQ(verify_barcode(barcode, issuer.trust, nullptr, c.exp - 1).result, VerifyResult::valid);
  auto revoked = list_with(issuer, c.status_index, 1, c.status_uri);
  EXPECT_EQ(verify_barcode(barcode, issuer.trust, &revoked, kTestNow).result,
            VerifyResult::revoked);
  auto suspended = list_with(issuer, c.status_index, 2, c.status_uri);
  Verification s = verify_barcode(barcode, issuer.trust, &suspended, kTestNow);
  EXPECT_EQ(s.result, VerifyResult::suspended);
  EXPECT_EQ(s.status.validity, Validity::suspended);
  EXPECT_EQ(verify_barcode("SDC2:" + barcode.substr(5), issuer.trust, nullptr, kTestNow).result,
            VerifyResult::not_sdc);
  EXPECT_EQ(verify_barcode("SDC1:", issuer.trust, nullptr, kTestNow).result,
            VerifyResult::malformed);
}

TEST(RoundTrip, AnotherIssuersCardIsUnknownSigner) {
  auto a = TestIssuer::make();
  auto b = TestIssuer::make();
  auto barcode = *issue_barcode(sample_claims(), a.signer);
  EXPECT_EQ(verify_barcode(barcode, b.trust, nullptr, kTestNow).result,
            VerifyResult::unknown_signer);
}

TEST(Issuer, RefusesInvalidHolderFields) {
  auto issuer = TestIssuer::make();
  auto check = [&](auto mutate, const char* field) {
    Claims c = sample_claims();
    mutate(c);
    auto r = issue_barcode(c, issuer.signer);
    ASSERT_FALSE(r) << field;
    EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
  };
  check([](Claims& c) { c.holder.document_number = "DK400000O"; }, "document_number");
  check([](Claims& c) { c.holder.a_number = "A20155500"; }, "a_number");
  check([](Claims& c) { c.holder.date_of_birth = "1974-13-01"; }, "date_of_birth");
  check([](Claims& c) { c.holder.date_of_birth = "1974-XX-12"; }, "date_of_birth");
  check([](Claims& c) { c.holder.date_of_birth = "2001-02-29"; }, "date_of_birth");
  check([](Claims& c) { c.holder.sex = "Q"; }, "sex");
  check([](Claims& c) { c.holder.nationality = "usa"; }, "nationality");
  check([](Claims& c) { c.holder.thumbnail = Bytes(501); }, "thumbnail");
  check([](Claims& c) { c.holder.issuing_office = "TOOLONGCODE"; }, "issuing_office");
  check([](Claims& c) { c.exp = c.iat + kMaxCardValidity + 1; }, "3,653");
}

TEST(Issuer, NamesEveryInvalidHolderFieldALineEach) {
  Holder h = testing::sample_holder();
  h.given_names = std::string(121, 'X');
  h.sex = "Q";
  h.nationality = "usa";
  auto r = validate_holder(h);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_EQ(r.error().message,
            "given_names: at most 120 bytes of UTF-8\nsex: F, M or X\n"
            "nationality: an ICAO code of 1 to 3 capital letters");
  EXPECT_TRUE(validate_holder(testing::sample_holder()));
}

TEST(Issuer, DocumentNumbersUseTheAlphabetAndDiffer) {
  SeededRandom random(7);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto n = new_document_number(random);
    ASSERT_EQ(n.size(), 9u);
    EXPECT_EQ(n.find_first_of("IOQ"), std::string::npos);
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Issuer, ANumbersAreAcceptedAsTyped) {
  EXPECT_EQ(*normalize_a_number("A123-456-789"), "123456789");
  EXPECT_EQ(*normalize_a_number("a 12345678"), "012345678");
  EXPECT_EQ(*normalize_a_number("123 456 789"), "123456789");
  EXPECT_FALSE(normalize_a_number("A1234"));
  EXPECT_FALSE(normalize_a_number("B123456789"));
}

TEST(Issuer, IssueCardFillsInWhatIsLeftOpen) {
  auto issuer = TestIssuer::make();
  SeededRandom random(1);
  Holder h = testing::sample_holder();
  h.document_number.clear();
  h.issuing_office.clear();
  IssueOptions o;
  o.now = kTestNow;
  auto card = issue_card(h, issuer.signer, IssuerSettings{}, o, random);
  ASSERT_TRUE(card) << card.error().message;
  EXPECT_EQ(card->claims.holder.document_number.size(), 9u);
  EXPECT_EQ(card->claims.holder.issuing_office, "HQ");
  EXPECT_EQ(card->claims.status_uri, kDefaultStatusUri);
  EXPECT_LT(card->claims.status_index, kDefaultStatusListSize);
  EXPECT_EQ(card->claims.exp, expiry_for(kTestNow, kDefaultValidDays));
  auto j = card->to_json();
  EXPECT_EQ(j["mrz"].size(), 3u);
  EXPECT_EQ(j["mrz"][0].get<std::string>().substr(0, 5), "IDUSA");
  EXPECT_EQ(j["expiry_date"], printed_expiry_date(card->claims.exp));
  auto back = claims_from_json(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, card->claims);
}

}  // namespace
}  // namespace sdc
