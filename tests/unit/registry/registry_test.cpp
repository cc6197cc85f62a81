// The registry service on both stores: enrollment, look-ups, encryption at
// rest (threat 14), card lifecycle, status list publication, case status
// and roles (threats 10, 11).
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "sdc/credential/status_list.h"
#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class RegistryContract : public RegistryTestBase {
 protected:
  std::uint8_t listed_state(std::uint64_t index) {
    auto published = registry_->status_list();
    EXPECT_TRUE(published) << published.error().message;
    auto token = parse_status_list_token_unverified(published->token);
    EXPECT_TRUE(token) << token.error().message;
    return token->list.get(index);
  }
};

TEST_P(RegistryContract, EnrollAndFindByTypedANumber) {
  HolderRecord h = enroll(input("A201-555-000"));
  EXPECT_EQ(h.a_number, "201555000");
  EXPECT_EQ(h.id.size(), 32u);
  for (const char* typed : {"201555000", "A201555000", "a 201 555 000", "A-201-555-000"}) {
    auto found = registry_->find_by_a_number(field_, typed);
    ASSERT_TRUE(found) << typed << ": " << found.error().message;
    EXPECT_EQ(found->record, h) << typed;
  }
  HolderRecord old = enroll(input("A12345678", "NORDQVIST"));
  EXPECT_EQ(old.a_number, "012345678");
  auto found = registry_->find_by_a_number(officer_, "A 1234-5678");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->record.id, old.id);
  auto none = registry_->find_by_a_number(officer_, "A999999999");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
  auto dup = registry_->enroll(officer_, input("201555000", "SOMEONE ELSE"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
  auto bad = registry_->enroll(officer_, input("A12"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
}

TEST_P(RegistryContract, FindByNameAndDateOfBirth) {
  HolderRecord a = enroll(input("A201555000", "ERIKSSON", "1974-08-12"));
  HolderRecord b = enroll(input("A201555001", "ERIKSSON", "1980-01-01"));
  auto found = registry_->find_by_name(officer_, "  eriksson ", "1974-08-12");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].record.id, a.id);
  auto with_given = registry_->find_by_name(officer_, "Eriksson", "1980-01-01", "anna  maria");
  ASSERT_TRUE(with_given);
  ASSERT_EQ(with_given->size(), 1u);
  EXPECT_EQ((*with_given)[0].record.id, b.id);
  EXPECT_TRUE(registry_->find_by_name(officer_, "ERIKSSON", "1974-08-12", "JOHAN")->empty());
  EXPECT_TRUE(registry_->find_by_name(officer_, "ERIKSON", "1974-08-12")->empty());
}

TEST_P(RegistryContract, CorrectHolderData) {
  HolderRecord h = enroll(input());
  HolderInput changed = input("A201555000", "ERIKSSON-LUND");
  changed.language = "en";
  auto c = registry_->correct(officer_, h.id, changed);
  ASSERT_TRUE(c) << c.error().message;
  auto got = registry_->get_holder(field_, h.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->record.family_name, "ERIKSSON-LUND");
  EXPECT_EQ(got->record.language, "en");
  EXPECT_EQ(registry_->find_by_name(field_, "ERIKSSON-LUND", "1974-08-12")->size(), 1u);
  EXPECT_TRUE(registry_->find_by_name(field_, "ERIKSSON", "1974-08-12")->empty());
  EXPECT_EQ(registry_->correct(officer_, "nobody", changed).error().code, Errc::not_found);
}

TEST_P(RegistryContract, PersonalDataIsEncryptedAtRest) {
  const std::string family = "KOWALCZYKOWSKA";
  const std::string dob = "1981-07-23";
  const std::string a_number = "987654321";
  HolderInput in = input("A" + a_number, family, dob);
  in.contact = "Apartment 7, Lindenstrasse 19";
  HolderRecord h = enroll(in);
  ASSERT_TRUE(registry_->issue_card(officer_, h.id));
  ASSERT_TRUE(registry_->set_case_status(officer_, h.id, CaseStatus::no_final_order, "2025-02-01",
                                         "hearing moved to Lindenstrasse court"));
  std::string raw = env_->raw_dump();
  ASSERT_FALSE(raw.empty());
  for (const std::string& secret : {family, dob, a_number, std::string("Lindenstrasse")}) {
    EXPECT_EQ(raw.find(secret), std::string::npos) << secret << " stored in the clear";
    EXPECT_EQ(raw.find(hex_encode(as_bytes(secret))), std::string::npos)
        << secret << " stored in the clear (hex)";
  }
  // Still readable through the registry.
  EXPECT_EQ(registry_->get_holder(officer_, h.id)->record.family_name, family);
}

TEST_P(RegistryContract, SealedDataIsBoundToItsRecord) {
  HolderRecord a = enroll(input("A201555000", "ALPHA"));
  HolderRecord b = enroll(input("A201555001", "BETA"));
  // Move a's sealed identity onto b: it must not decrypt there.
  env_->exec("UPDATE holders SET identity = (SELECT identity FROM holders WHERE id = '" + a.id +
             "') WHERE id = '" + b.id + "'");
  auto got = registry_->get_holder(officer_, b.id);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::crypto);
}

TEST_P(RegistryContract, IssueCardSignsAndPublishes) {
  HolderRecord h = enroll(input());
  auto issued = registry_->issue_card(officer_, h.id);
  ASSERT_TRUE(issued) << issued.error().message;
  const CardRecord& c = issued->card;
  EXPECT_EQ(c.card_version, 1u);
  EXPECT_EQ(c.state, CardState::valid);
  EXPECT_EQ(c.document_number, issued->issued.claims.holder.document_number);
  EXPECT_EQ(c.status_index, issued->issued.claims.status_index);
  EXPECT_LT(c.status_index, 1024u);
  EXPECT_TRUE(c.barcode.starts_with("SDC1:"));
  EXPECT_EQ(issued->issued.claims.holder.a_number, "201555000");
  auto stored = registry_->get_card(officer_, c.document_number);
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, c);
  auto published = registry_->status_list();
  ASSERT_TRUE(published);
  auto token = load_status_list_token(published->token, issuer_.trust);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->list.get(c.status_index), 0);
  EXPECT_EQ(token->claims.iat, kTestNow);
}

TEST_P(RegistryContract, ReissueInvalidatesOldCardAndBumpsVersion) {
  HolderRecord h = enroll(input());
  auto first = registry_->issue_card(officer_, h.id);
  ASSERT_TRUE(first);
  auto second = registry_->reissue_card(officer_, h.id, ReissueReason::stolen);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->card.card_version, 2u);
  EXPECT_EQ(second->issued.claims.holder.card_version, 2u);
  EXPECT_NE(second->card.document_number, first->card.document_number);
  EXPECT_NE(second->card.status_index, first->card.status_index);
  auto old = registry_->get_card(officer_, first->card.document_number);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->state, CardState::invalid);
  EXPECT_EQ(old->state_reason, "reissued: stolen");
  EXPECT_EQ(listed_state(first->card.status_index), 1);
  EXPECT_EQ(listed_state(second->card.status_index), 0);
  auto cards = registry_->cards_of_holder(officer_, h.id);
  ASSERT_TRUE(cards);
  ASSERT_EQ(cards->size(), 2u);
  auto third = registry_->reissue_card(officer_, h.id, ReissueReason::data_changed);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->card.card_version, 3u);
  EXPECT_EQ(registry_->reissue_card(officer_, enroll(input("A300000000")).id, ReissueReason::lost)
                .error()
                .code,
            Errc::not_found);
}

TEST_P(RegistryContract, RevokeSuspendAndLift) {
  HolderRecord h = enroll(input());
  auto card = registry_->issue_card(officer_, h.id);
  ASSERT_TRUE(card);
  const std::string doc = card->card.document_number;
  const std::uint64_t index = card->card.status_index;

  auto s = registry_->suspend_card(officer_, doc, "reported lost");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->state, CardState::suspended);
  EXPECT_EQ(listed_state(index), 2);
  EXPECT_EQ(registry_->suspend_card(officer_, doc, "again").error().code, Errc::conflict);

  auto l = registry_->lift_suspension(officer_, doc, "found");
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->state, CardState::valid);
  EXPECT_EQ(listed_state(index), 0);
  EXPECT_EQ(registry_->lift_suspension(officer_, doc, "again").error().code, Errc::conflict);

  auto r = registry_->revoke_card(officer_, doc, "order of the court");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->state, CardState::invalid);
  EXPECT_EQ(listed_state(index), 1);
  EXPECT_EQ(registry_->revoke_card(officer_, doc, "again").error().code, Errc::conflict);
  EXPECT_EQ(registry_->suspend_card(officer_, doc, "x").error().code, Errc::conflict);
  EXPECT_EQ(registry_->revoke_card(officer_, "NOSUCHDOC", "x").error().code, Errc::not_found);
}

TEST_P(RegistryContract, ConcurrentIssuanceNeverRepeatsNumbersOrIndices) {
  // Two registries on two stores over one database, four threads each.
  auto second_store = env_->open();
  ASSERT_TRUE(second_store);
  auto second = make_registry(**second_store);
  std::vector<std::string> holders;
  for (int i = 0; i < 8; ++i)
    holders.push_back(enroll(input("A4000000" + std::to_string(10 + i))).id);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 5;
  std::vector<std::vector<CardRecord>> issued(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Registry& reg = t % 2 == 0 ? *registry_ : *second;
      for (int i = 0; i < kPerThread; ++i) {
        auto c = reg.issue_card(officer_, holders[static_cast<std::size_t>((t + i) % 8)]);
        if (!c) {
          errors[t] = c.error().message;
          return;
        }
        issued[t].push_back(c->card);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> docs;
  std::set<std::uint64_t> indices;
  std::set<std::pair<std::string, std::uint64_t>> versions;
  std::size_t total = 0;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    for (const CardRecord& c : issued[t]) {
      ++total;
      docs.insert(c.document_number);
      indices.insert(c.status_index);
      versions.insert({c.holder_id, c.card_version});
    }
  }
  EXPECT_EQ(total, std::size_t{kThreads * kPerThread});
  EXPECT_EQ(docs.size(), total);
  EXPECT_EQ(indices.size(), total);
  EXPECT_EQ(versions.size(), total);
  // The final list knows every card.
  auto published = registry_->status_list();
  ASSERT_TRUE(published);
  auto token = parse_status_list_token_unverified(published->token);
  ASSERT_TRUE(token);
  for (std::uint64_t i : indices) EXPECT_EQ(token->list.get(i), 0);
}

TEST_P(RegistryContract, StatusListIatStrictlyIncreasesAcrossInstances) {
  auto second_store = env_->open();
  ASSERT_TRUE(second_store);
  auto second = make_registry(**second_store);
  // The clock stands still: iat must still move forward on every publish.
  std::vector<UnixTime> iats;
  for (int i = 0; i < 6; ++i) {
    auto p = (i % 2 == 0 ? registry_ : second)->publish_status_list();
    ASSERT_TRUE(p) << p.error().message;
    iats.push_back(p->iat);
  }
  for (std::size_t i = 1; i < iats.size(); ++i) EXPECT_GT(iats[i], iats[i - 1]);
  EXPECT_EQ(iats.front(), kTestNow);

  // And from threads at once.
  std::vector<std::vector<UnixTime>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto p = (t % 2 == 0 ? registry_ : second)->publish_status_list();
        if (p) seen[t].push_back(p->iat);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<UnixTime> all(iats.begin(), iats.end());
  std::size_t count = iats.size();
  for (const auto& s : seen) {
    EXPECT_EQ(s.size(), 5u);
    for (std::size_t i = 1; i < s.size(); ++i) EXPECT_GT(s[i], s[i - 1]);
    all.insert(s.begin(), s.end());
    count += s.size();
  }
  EXPECT_EQ(all.size(), count);  // no iat published twice
  auto last = second->status_list();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->iat, *all.rbegin());
}

TEST_P(RegistryContract, CaseStatusKeepsHistory) {
  HolderRecord h = enroll(input());
  auto none = registry_->get_case_status(field_, h.id);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, CaseStatus::unknown);
  EXPECT_EQ(none->seq, 0u);
  ASSERT_TRUE(registry_->set_case_status(officer_, h.id, CaseStatus::no_final_order, "2024-01-10",
                                         "initial"));
  clock_.set(kTestNow + 100);
  ASSERT_TRUE(registry_->set_case_status(officer_, h.id, CaseStatus::final_order_of_removal,
                                         "2025-03-04", "order of the immigration judge"));
  clock_.set(kTestNow + 200);
  ASSERT_TRUE(registry_->set_case_status(officer_, h.id,
                                         CaseStatus::removal_stayed_or_protection_granted,
                                         "2025-06-01", "stay granted"));
  auto current = registry_->get_case_status(field_, h.id);
  ASSERT_TRUE(current);
  EXPECT_EQ(current->status, CaseStatus::removal_stayed_or_protection_granted);
  EXPECT_EQ(current->seq, 3u);
  EXPECT_EQ(current->reason, "stay granted");
  auto history = registry_->case_status_history(auditor_, h.id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[1].status, CaseStatus::final_order_of_removal);
  EXPECT_EQ((*history)[1].effective_date, "2025-03-04");
  EXPECT_EQ((*history)[1].recorded_by, "u-officer");
  EXPECT_EQ((*history)[1].recorded_at, kTestNow + 100);
  EXPECT_EQ(registry_->set_case_status(officer_, h.id, CaseStatus::unknown, "2025-13-01", "")
                .error()
                .code,
            Errc::invalid_argument);
  EXPECT_EQ(registry_->get_case_status(field_, "nobody").error().code, Errc::not_found);
}

TEST_P(RegistryContract, ListIatNeverRunsFarAheadOfTheClock) {
  // The clock stands still: every change needs a new, larger iat.
  HolderRecord h = enroll(input());
  auto card = registry_->issue_card(officer_, h.id);
  ASSERT_TRUE(card) << card.error().message;
  const std::string doc = card->card.document_number;
  auto first = registry_->status_list();
  ASSERT_TRUE(first);
  bool suspended = false;
  int accepted = 0;
  Result<CardRecord> last = fail(Errc::internal, "no change made");
  for (int i = 0; i < Registry::kMaxListLead + 10; ++i) {
    last = suspended ? registry_->lift_suspension(officer_, doc, "found")
                     : registry_->suspend_card(officer_, doc, "reported lost");
    if (!last) break;
    suspended = !suspended;
    ++accepted;
  }
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code, Errc::limit) << last.error().message;
  auto held = registry_->status_list();
  ASSERT_TRUE(held);
  EXPECT_EQ(held->iat, kTestNow + Registry::kMaxListLead);
  EXPECT_EQ(accepted, static_cast<int>(held->iat - first->iat));
  // The refused change left nothing behind.
  auto now = registry_->get_card(officer_, doc);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->state, suspended ? CardState::suspended : CardState::valid);
  // Once the clock moves on, changes go through again.
  clock_.set(kTestNow + 5);
  auto again = suspended ? registry_->lift_suspension(officer_, doc, "found")
                         : registry_->suspend_card(officer_, doc, "reported lost");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(registry_->status_list()->iat, held->iat + 1);
}

TEST_P(RegistryContract, VerificationAnswersCaseStatusToFieldOfficersOnly) {
  HolderRecord h = enroll(input());
  auto card = registry_->issue_card(officer_, h.id);
  ASSERT_TRUE(card) << card.error().message;
  const std::string doc = card->card.document_number;

  // No status recorded yet: unknown, seq 0.
  auto first = registry_->record_verification(field_, doc, "VALID");
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(*first);
  EXPECT_EQ((*first)->status, CaseStatus::unknown);
  EXPECT_EQ((*first)->seq, 0u);
  EXPECT_EQ((*first)->holder_id, h.id);

  ASSERT_TRUE(registry_->set_case_status(officer_, h.id, CaseStatus::final_order_of_removal,
                                         "2025-03-04", "order of the immigration judge"));
  auto second = registry_->record_verification(field_, doc, "VALID");
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->status, CaseStatus::final_order_of_removal);
  EXPECT_EQ((*second)->reason, "order of the immigration judge");

  // A screener's verification records the card, and shows no status.
  auto screened = registry_->record_verification(screener_, doc, "VALID");
  ASSERT_TRUE(screened);
  EXPECT_FALSE(*screened);
  // An unknown card: recorded, nothing to show.
  auto unknown = registry_->record_verification(field_, "NOSUCHDOC", "BAD_SIGNATURE");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
  // A barcode that gave no card (forged, unreadable): recorded, nothing read
  // or shown, even to a field officer.
  auto forged = registry_->record_verification(field_, "", "BAD_SIGNATURE");
  ASSERT_TRUE(forged);
  EXPECT_FALSE(*forged);
  // Administrators do not verify cards; the refusal is recorded.
  EXPECT_EQ(registry_->record_verification(admin_, doc, "VALID").error().code, Errc::forbidden);

  auto trail = registry_->audit_events(auditor_, 1, 100);
  ASSERT_TRUE(trail);
  std::vector<std::string> seen;  // action, role and holder of each verification-time record
  for (const AuditEvent& e : *trail)
    if (e.action == "verify_card" || e.action == "read_case_status")
      seen.push_back(e.action + " " + e.role + " " + e.holder_id + " " + e.outcome);
  const std::string field = "field_officer " + h.id + " ok";
  EXPECT_EQ(seen,
            (std::vector<std::string>{
                "verify_card " + field, "read_case_status " + field, "verify_card " + field,
                "read_case_status " + field, "verify_card checkpoint_screener " + h.id + " ok",
                "verify_card field_officer  ok", "verify_card field_officer  ok",
                "verify_card administrator  denied"}));
  std::vector<std::string> details;
  for (const AuditEvent& e : *trail)
    if (e.action == "verify_card" && e.holder_id.empty() && e.outcome == "ok")
      details.push_back(e.detail);
  EXPECT_EQ(details, (std::vector<std::string>{"card NOSUCHDOC; result BAD_SIGNATURE",
                                               "no card read; result BAD_SIGNATURE"}));
}

TEST_P(RegistryContract, RolesLimitWhatEachSees) {
  HolderRecord h = enroll(input());
  auto card = registry_->issue_card(officer_, h.id);
  ASSERT_TRUE(card);

  // Screener: identity and validity, never the A-number or case status.
  EXPECT_EQ(registry_->get_case_status(screener_, h.id).error().code, Errc::forbidden);
  EXPECT_EQ(registry_->find_by_a_number(screener_, "A201555000").error().code, Errc::forbidden);
  auto seen = registry_->get_holder(screener_, h.id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->record.family_name, "ERIKSSON");
  EXPECT_EQ(seen->record.date_of_birth, "1974-08-12");
  EXPECT_EQ(seen->record.a_number, "");
  EXPECT_FALSE(seen->a_number_shown);
  auto screener_card = registry_->get_card(screener_, card->card.document_number);
  ASSERT_TRUE(screener_card);
  EXPECT_EQ(screener_card->state, CardState::valid);
  EXPECT_EQ(screener_card->barcode, "");  // it carries the A-number

  // Kiosk: the name only.
  auto k = registry_->get_holder(kiosk_, h.id);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->record.family_name, "ERIKSSON");
  EXPECT_EQ(k->record.date_of_birth, "");
  EXPECT_TRUE(k->record.portrait.empty());
  EXPECT_EQ(k->record.a_number, "");

  // Administrator: no personal data at all.
  EXPECT_EQ(registry_->get_holder(admin_, h.id).error().code, Errc::forbidden);
  EXPECT_EQ(registry_->find_by_name(admin_, "ERIKSSON", "1974-08-12").error().code,
            Errc::forbidden);
  EXPECT_EQ(registry_->get_card(admin_, card->card.document_number).error().code, Errc::forbidden);

  // Field officers check, they do not issue.
  EXPECT_EQ(registry_->issue_card(field_, h.id).error().code, Errc::forbidden);
  EXPECT_EQ(registry_->revoke_card(field_, card->card.document_number, "x").error().code,
            Errc::forbidden);
  EXPECT_TRUE(registry_->get_case_status(field_, h.id));

  // Only auditors read the trail; refusals are in it.
  EXPECT_EQ(registry_->audit_events(officer_, 1, 100).error().code, Errc::forbidden);
  auto trail = registry_->audit_events(auditor_, 1, 1000);
  ASSERT_TRUE(trail) << trail.error().message;
  int denied = 0;
  for (const AuditEvent& e : *trail) {
    if (e.outcome == "denied") ++denied;
    EXPECT_EQ(e.detail.find("ERIKSSON"), std::string::npos);
    EXPECT_EQ(e.detail.find("201555000"), std::string::npos);
  }
  EXPECT_EQ(denied, 8);
}

TEST_P(RegistryContract, EveryReadAndChangeIsAudited) {
  HolderRecord h = enroll(input());
  ASSERT_TRUE(registry_->find_by_a_number(field_, "A201555000"));
  EXPECT_FALSE(registry_->find_by_a_number(field_, "A201555999"));
  ASSERT_TRUE(registry_->record_verification(screener_, "NOSUCHDOC", "VALID"));
  auto trail = registry_->audit_events(auditor_, 1, 100);
  ASSERT_TRUE(trail);
  ASSERT_EQ(trail->size(), 4u);  // the auditor's own read is recorded after
  EXPECT_EQ((*trail)[0].action, "enroll_holder");
  EXPECT_EQ((*trail)[0].actor, "u-officer");
  EXPECT_EQ((*trail)[0].holder_id, h.id);
  EXPECT_EQ((*trail)[0].outcome, "ok");
  EXPECT_EQ((*trail)[1].action, "find_by_a_number");
  EXPECT_EQ((*trail)[1].holder_id, h.id);
  EXPECT_EQ((*trail)[2].outcome, "not_found");
  EXPECT_EQ((*trail)[3].action, "verify_card");
  EXPECT_EQ((*trail)[3].role, "checkpoint_screener");
  EXPECT_EQ((*trail)[3].at, kTestNow);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryContract, ::testing::ValuesIn(store_backends()),
                         backend_name);

TEST(RegistryRoles, FollowTheDesignTable) {
  using R = Role;
  using A = Action;
  EXPECT_TRUE(allowed(R::enrollment_officer, A::enroll_holder));
  EXPECT_TRUE(allowed(R::enrollment_officer, A::set_case_status));
  EXPECT_FALSE(allowed(R::enrollment_officer, A::read_audit));
  EXPECT_TRUE(allowed(R::field_officer, A::read_case_status));
  EXPECT_FALSE(allowed(R::field_officer, A::issue_card));
  EXPECT_FALSE(allowed(R::checkpoint_screener, A::read_case_status));
  EXPECT_FALSE(allowed(R::checkpoint_screener, A::read_a_number));
  EXPECT_TRUE(allowed(R::checkpoint_screener, A::read_card_validity));
  EXPECT_TRUE(allowed(R::kiosk, A::read_holder_name));
  EXPECT_FALSE(allowed(R::kiosk, A::read_holder_identity));
  EXPECT_FALSE(allowed(R::kiosk, A::read_case_status));
  EXPECT_TRUE(allowed(R::auditor, A::read_audit));
  EXPECT_TRUE(allowed(R::auditor, A::read_users));
  EXPECT_FALSE(allowed(R::auditor, A::manage_users));
  EXPECT_TRUE(allowed(R::administrator, A::manage_users));
  for (A a : {A::read_holder_name, A::read_holder_identity, A::read_a_number, A::find_by_a_number,
              A::find_by_name, A::read_card_validity, A::read_case_status, A::enroll_holder,
              A::issue_card})
    EXPECT_FALSE(allowed(R::administrator, a)) << to_string(a);
}

TEST(RegistryPii, KeyFileMustBeOwnerOnly) {
  auto dir = std::filesystem::temp_directory_path() /
             ("sdc-pii-" + hex_encode(Bytes{static_cast<std::uint8_t>(::getpid() & 0xff),
                                            static_cast<std::uint8_t>(std::rand() & 0xff)}));
  std::filesystem::create_directories(dir);
  auto path = dir / "pii.key";
  auto keys = PiiKeys::generate(crypto::system_random());
  ASSERT_TRUE(keys.save(path));
  EXPECT_EQ(keys.save(path).error().code, Errc::conflict);
  auto loaded = PiiKeys::load(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  PiiCipher a(keys), b(*loaded);
  Bytes sealed = a.seal(as_bytes("secret"), "rec1", "identity", crypto::system_random());
  EXPECT_EQ(as_chars(*b.open(sealed, "rec1", "identity")), "secret");
  EXPECT_FALSE(b.open(sealed, "rec2", "identity"));
  EXPECT_FALSE(b.open(sealed, "rec1", "portrait"));
  EXPECT_EQ(a.a_number_hash("201555000"), b.a_number_hash("201555000"));
  EXPECT_NE(a.a_number_hash("201555000"), a.a_number_hash("201555001"));
  PiiCipher other(PiiKeys::generate(crypto::system_random()));
  EXPECT_NE(a.a_number_hash("201555000"), other.a_number_hash("201555000"));
  std::filesystem::permissions(path, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  EXPECT_EQ(PiiKeys::load(path).error().code, Errc::crypto);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sdc::testing
