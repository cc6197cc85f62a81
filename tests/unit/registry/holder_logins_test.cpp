// Holders sign in with document number + PIN (HolderLogins) and read only
// their own record (Registry::own_record), on both stores.
#include "sdc/registry/holder_logins.h"

#include <gtest/gtest.h>

#include <set>

#include "sdc/registry/accounts.h"
#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class HolderLoginsTest : public RegistryTestBase {
 protected:
  void SetUp() override {
    RegistryTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    accounts_ = std::make_unique<Accounts>(*store_, clock_, crypto::system_random());
    ASSERT_TRUE(accounts_->prepare());
    logins_ = std::make_unique<HolderLogins>(*store_, *accounts_, clock_, crypto::system_random());
  }

  // An enrolled holder with a card; returns (holder id, document number).
  std::pair<std::string, std::string> holder_with_card(const std::string& a_number) {
    auto h = enroll(input(a_number));
    auto c = registry_->issue_card(officer_, h.id);
    EXPECT_TRUE(c) << c.error().message;
    return {h.id, c ? c->card.document_number : std::string()};
  }

  std::string issue_pin(const std::string& holder_id) {
    auto p = logins_->issue_pin(officer_, holder_id);
    EXPECT_TRUE(p) << p.error().message;
    return p ? p->pin : std::string();
  }

  HolderLogins::LoginOutcome login(const std::string& doc, const std::string& pin) {
    auto r = logins_->login(doc, pin);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->outcome : HolderLogins::LoginOutcome::refused;
  }

  std::vector<AuditEvent> trail() {
    auto r = store_->in_read_transaction<std::vector<AuditEvent>>(
        [](Tx& tx) { return tx.audit_events(1, 100000); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<AuditEvent>{};
  }

  std::optional<HolderPinRow> pin_row(const std::string& holder_id) {
    auto r = store_->in_read_transaction<std::optional<HolderPinRow>>(
        [&](Tx& tx) { return tx.get_holder_pin(holder_id); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::nullopt;
  }

  // No audit record holds the PIN, nor (for an 8-digit one, which random
  // bytes of the dump cannot match by chance) any stored byte.
  void expect_pin_nowhere(const std::string& pin) {
    for (const AuditEvent& e : trail()) {
      EXPECT_EQ(e.detail.find(pin), std::string::npos) << e.action << " " << e.detail;
      EXPECT_EQ(e.actor.find(pin), std::string::npos);
    }
    if (pin.size() >= 8) {
      EXPECT_EQ(env_->raw_dump().find(pin), std::string::npos);
    }
  }

  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<HolderLogins> logins_;
};

TEST(HolderPin, ChosenPinsAreDigitsAndNotTrivial) {
  for (const char* ok : {"135790", "20260101", "918273", "000001", "123457", "999999999998"})
    EXPECT_TRUE(check_new_pin(ok)) << ok;
  for (const char* bad : {"", "12345", "1234567890123", "12a456", " 13579", "000000", "111111",
                          "121212", "909090", "123456", "654321", "890123", "0123456789", "987654"})
    EXPECT_FALSE(check_new_pin(bad)) << bad;
  auto e = check_new_pin("123456");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::invalid_argument);
  EXPECT_EQ(e.error().message.rfind("new_pin:", 0), 0u);
}

TEST_P(HolderLoginsTest, OnlyEnrollmentOfficersIssuePinsAndEveryRefusalIsAudited) {
  auto [h, doc] = holder_with_card("A201-555-001");
  for (const User* u : {&field_, &screener_, &kiosk_, &auditor_, &admin_}) {
    auto r = logins_->issue_pin(*u, h);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::forbidden);
    const auto t = trail();
    ASSERT_FALSE(t.empty());
    EXPECT_EQ(t.back().actor, u->id);
    EXPECT_EQ(t.back().action, "issue_pin");
    EXPECT_EQ(t.back().outcome, "denied");
    EXPECT_EQ(t.back().holder_id, h);
  }
  EXPECT_FALSE(pin_row(h).has_value());
  auto unknown = logins_->issue_pin(officer_, "00000000000000000000000000000000");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);

  auto first = logins_->issue_pin(officer_, h);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->pin.size(), HolderLogins::kIssuedPinDigits);
  EXPECT_TRUE(check_new_pin(first->pin)) << "an issued PIN is never trivial";
  EXPECT_FALSE(first->reset);
  EXPECT_EQ(trail().back().action, "issue_pin");
  EXPECT_EQ(trail().back().outcome, "ok");
  auto second = logins_->issue_pin(officer_, h);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->reset);
  EXPECT_EQ(trail().back().action, "reset_pin");
  EXPECT_EQ(login(doc, first->pin), HolderLogins::LoginOutcome::refused);
  EXPECT_EQ(login(doc, second->pin), HolderLogins::LoginOutcome::ok);
  expect_pin_nowhere(first->pin);
  expect_pin_nowhere(second->pin);
}

TEST_P(HolderLoginsTest, AHolderSeesTheRoleOfficeAndPurposeOfEachAccess) {
  OfficeRow office{"o-east", "Specimen Field Office East", "", "America/New_York", "", 100, 100};
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_office(office); !r) return std::unexpected(r.error());
    return true;
  }));
  auto field = accounts_->create("field-east", "correct horse battery", Role::field_officer,
                                 nullptr, "o-east");
  ASSERT_TRUE(field) << field.error().message;
  EXPECT_EQ(field->office_id, "o-east");
  auto [mine, doc] = holder_with_card("A201-555-010");
  ASSERT_TRUE(registry_->record_verification(*field, doc, "valid"));
  const std::string pin = issue_pin(mine);
  auto r = logins_->login(doc, pin);
  ASSERT_TRUE(r && r->outcome == HolderLogins::LoginOutcome::ok);
  const User holder = **accounts_->authenticate(r->token);
  EXPECT_TRUE(holder.office_id.empty());
  auto own = registry_->own_record(holder);
  ASSERT_TRUE(own) << own.error().message;
  ASSERT_GE(own->accesses.size(), 4u);
  // Newest first: the sign-in, the PIN letter, the verification, ...
  for (std::size_t i = 1; i < own->accesses.size(); ++i)
    EXPECT_GE(own->accesses[i - 1].at, own->accesses[i].at);
  const RecordAccess* verified = nullptr;
  for (const RecordAccess& a : own->accesses) {
    if (a.action == "verify_card") verified = &a;
    if (a.action == "holder_login") {
      EXPECT_EQ(a.role, "holder");
      EXPECT_EQ(a.office, "");
      EXPECT_EQ(a.purpose, "sign_in");
    }
    if (a.action == "enroll_holder") {
      EXPECT_EQ(a.role, "enrollment_officer");
      EXPECT_EQ(a.office, "");  // the fixture's officer has no account
      EXPECT_EQ(a.purpose, "enrollment");
    }
  }
  ASSERT_NE(verified, nullptr);
  EXPECT_EQ(verified->role, "field_officer");
  EXPECT_EQ(verified->office, "Specimen Field Office East");
  EXPECT_EQ(verified->purpose, "verification");
  EXPECT_EQ(verified->outcome, "ok");
}

TEST(AccessPurpose, EveryActionHasAPurpose) {
  const std::set<std::string> known{"verification", "record_read",   "enrollment", "card",
                                    "case_status",  "appointments",  "hearings",   "check_in",
                                    "sign_in",      "administration"};
  int n = 0;
  for (int i = 0; std::string_view(to_string(static_cast<Action>(i))) != "unknown"; ++i, ++n) {
    const auto a = static_cast<Action>(i);
    EXPECT_TRUE(known.contains(std::string(access_purpose(a)))) << to_string(a);
    EXPECT_EQ(access_purpose(std::string_view(to_string(a))), access_purpose(a));
  }
  EXPECT_EQ(n, static_cast<int>(Action::change_own_language) + 1);
  EXPECT_EQ(access_purpose(Action::verify_card), "verification");
  EXPECT_EQ(access_purpose(Action::read_holder_identity), "record_read");
  EXPECT_EQ(access_purpose(Action::set_case_status), "case_status");
  EXPECT_EQ(access_purpose(Action::book_appointment), "appointments");
  EXPECT_EQ(access_purpose(Action::check_in_card), "check_in");
  EXPECT_EQ(access_purpose(std::string_view("holder_login")), "sign_in");
  EXPECT_EQ(access_purpose(std::string_view("no_such_action")), "other");
}

TEST_P(HolderLoginsTest, ASignedInHolderIsTheirOwnUserAndSeesOnlyTheirOwnRecord) {
  auto [mine, doc] = holder_with_card("A201-555-002");
  auto [other, other_doc] = holder_with_card("A201-555-003");
  ASSERT_TRUE(registry_->set_case_status(officer_, mine, CaseStatus::no_final_order, "2025-12-01",
                                         "hearing notes"));
  const std::string pin = issue_pin(mine);
  auto r = logins_->login(doc, pin);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->outcome, HolderLogins::LoginOutcome::ok);
  EXPECT_EQ(r->holder_id, mine);
  EXPECT_EQ(r->expires_at, kTestNow + HolderLogins::kSessionLifetime);
  // Typed in lower case too; the session is the accounts' machinery.
  std::string lower_doc = doc;
  for (char& ch : lower_doc) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_EQ(login(lower_doc, pin), HolderLogins::LoginOutcome::ok);
  auto who = accounts_->authenticate(r->token);
  ASSERT_TRUE(who && *who);
  const User holder = **who;
  EXPECT_EQ(holder.role, Role::holder);
  EXPECT_EQ(holder.id, holder_user_id(mine));
  EXPECT_EQ(own_holder_id(holder), mine);

  auto own = registry_->own_record(holder);
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->holder.record.id, mine);
  EXPECT_EQ(own->holder.record.family_name, "ERIKSSON");
  EXPECT_EQ(own->holder.record.a_number, "201555002");
  EXPECT_EQ(own->holder.record.date_of_birth, "1974-08-12");
  EXPECT_FALSE(own->holder.record.portrait.empty());
  EXPECT_TRUE(own->holder.record.contact.empty());
  ASSERT_TRUE(own->card);
  EXPECT_EQ(own->card->document_number, doc);
  EXPECT_TRUE(own->card->barcode.empty());
  EXPECT_EQ(own->case_status.status, CaseStatus::no_final_order);
  EXPECT_TRUE(own->case_status.reason.empty());
  EXPECT_TRUE(own->case_status.recorded_by.empty());
  // Who accessed it: the officer's enrollment, issuance and case status, at least.
  std::set<std::string> actions;
  for (const RecordAccess& e : own->accesses) {
    EXPECT_FALSE(e.role.empty());
    EXPECT_FALSE(e.purpose.empty());
    actions.insert(e.action);
  }
  EXPECT_TRUE(actions.contains("enroll_holder"));
  EXPECT_TRUE(actions.contains("set_case_status"));
  EXPECT_TRUE(actions.contains("holder_login"));
  // The read itself is audited with the holder as actor.
  const auto t = trail();
  EXPECT_EQ(t.back().actor, holder.id);
  EXPECT_EQ(t.back().role, "holder");
  EXPECT_EQ(t.back().action, "read_own_record");
  EXPECT_EQ(t.back().holder_id, mine);
  EXPECT_EQ(t.back().outcome, "ok");

  // Every call that names a holder or a card refuses a holder, audited.
  auto expect_refused = [&](const auto& result, const char* action, const std::string& actor = {}) {
    ASSERT_FALSE(result) << action;
    EXPECT_EQ(result.error().code, Errc::forbidden) << action;
    EXPECT_EQ(trail().back().action, action);
    EXPECT_EQ(trail().back().outcome, "denied");
    EXPECT_EQ(trail().back().actor, actor.empty() ? holder.id : actor);
  };
  expect_refused(registry_->get_holder(holder, other), "read_holder_name");
  expect_refused(registry_->get_holder(holder, mine), "read_holder_name");
  expect_refused(registry_->find_by_a_number(holder, "A201-555-003"), "find_by_a_number");
  expect_refused(registry_->find_by_name(holder, "ERIKSSON", "1974-08-12"), "find_by_name");
  expect_refused(registry_->get_case_status(holder, other), "read_case_status");
  expect_refused(registry_->cards_of_holder(holder, other), "read_card_validity");
  expect_refused(registry_->get_card(holder, other_doc), "read_card_validity");
  expect_refused(registry_->issue_card(holder, mine), "issue_card");
  expect_refused(registry_->audit_query(holder, AuditFilter{}), "read_audit");
  expect_refused(logins_->issue_pin(holder, other), "issue_pin");
  // Officers have no "own record".
  expect_refused(registry_->own_record(officer_), "read_own_record", officer_.id);
  expect_refused(registry_->own_record(auditor_), "read_own_record", auditor_.id);
  // A user that only claims the role, without a holder id, gets nothing.
  expect_refused(registry_->own_record(User{"u-fake", "x", Role::holder}), "read_own_record",
                 "u-fake");
  // Accounts cannot be made with the holder role.
  auto acct = accounts_->create("holder-account", "a-long-password-1", Role::holder);
  ASSERT_FALSE(acct);
  EXPECT_EQ(acct.error().code, Errc::invalid_argument);
}

TEST_P(HolderLoginsTest, FiveWrongPinsLockUntilAnOfficerIssuesANewOne) {
  auto [h, doc] = holder_with_card("A201-555-004");
  const std::string pin = issue_pin(h);
  auto session = logins_->login(doc, pin);
  ASSERT_TRUE(session && session->outcome == HolderLogins::LoginOutcome::ok);
  const std::string wrong = pin == "13579246" ? "24681357" : "13579246";
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(login(doc, wrong), HolderLogins::LoginOutcome::refused) << i;
    EXPECT_EQ(pin_row(h)->failures, static_cast<std::uint64_t>(i));
  }
  EXPECT_EQ(login(doc, wrong), HolderLogins::LoginOutcome::locked);
  // Locked: the right PIN too, and the open session ends.
  EXPECT_EQ(login(doc, pin), HolderLogins::LoginOutcome::locked);
  ASSERT_NE(pin_row(h)->locked_at, 0);
  auto gone = accounts_->authenticate(session->token);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  {
    const auto t = trail();
    int refused = 0, locked = 0;
    for (const AuditEvent& e : t)
      if (e.action == "holder_login" && e.holder_id == h) {
        EXPECT_EQ(e.detail, "card " + doc);
        if (e.outcome == "refused") {
          ++refused;
          EXPECT_EQ(e.actor, "anonymous");
        }
        if (e.outcome == "locked") ++locked;
      }
    EXPECT_EQ(refused, 4);
    EXPECT_EQ(locked, 2);
  }
  // The officer's new PIN unlocks; the old one stays wrong.
  auto letter = logins_->issue_pin(officer_, h);
  ASSERT_TRUE(letter);
  EXPECT_TRUE(letter->reset);
  EXPECT_EQ(pin_row(h)->locked_at, 0);
  EXPECT_EQ(pin_row(h)->failures, 0u);
  EXPECT_EQ(trail().back().action, "reset_pin");
  EXPECT_EQ(trail().back().actor, officer_.id);
  EXPECT_EQ(login(doc, letter->pin), HolderLogins::LoginOutcome::ok);
  // A success forgets earlier failures.
  EXPECT_EQ(login(doc, wrong), HolderLogins::LoginOutcome::refused);
  EXPECT_EQ(login(doc, letter->pin), HolderLogins::LoginOutcome::ok);
  EXPECT_EQ(pin_row(h)->failures, 0u);
  expect_pin_nowhere(pin);
  expect_pin_nowhere(letter->pin);
  expect_pin_nowhere(wrong);
}

TEST_P(HolderLoginsTest, OnlyTheCurrentCardThatIsNotInvalidSignsIn) {
  auto [h, doc] = holder_with_card("A201-555-005");
  // No PIN yet: refused like a wrong one.
  EXPECT_EQ(login(doc, "13572468"), HolderLogins::LoginOutcome::refused);
  const std::string pin = issue_pin(h);
  EXPECT_EQ(login("XXXXXXXXX", pin), HolderLogins::LoginOutcome::refused);
  EXPECT_EQ(login("", pin), HolderLogins::LoginOutcome::refused);
  EXPECT_EQ(login(doc + "; DROP", pin), HolderLogins::LoginOutcome::refused);
  EXPECT_EQ(login(doc, ""), HolderLogins::LoginOutcome::refused);
  EXPECT_EQ(pin_row(h)->failures, 1u);  // only the attempt with the holder's card counted
  // Suspended: accepted.
  ASSERT_TRUE(registry_->suspend_card(officer_, doc, "check"));
  EXPECT_EQ(login(doc, pin), HolderLogins::LoginOutcome::ok);
  ASSERT_TRUE(registry_->lift_suspension(officer_, doc, "ok"));
  // Replaced: the old card is refused (and counts), the new one accepted.
  auto next = registry_->reissue_card(officer_, h, ReissueReason::lost);
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(login(doc, pin), HolderLogins::LoginOutcome::refused);
  EXPECT_EQ(pin_row(h)->failures, 1u);
  EXPECT_EQ(login(next->card.document_number, pin), HolderLogins::LoginOutcome::ok);
  // Revoked: refused.
  ASSERT_TRUE(registry_->revoke_card(officer_, next->card.document_number, "fraud"));
  EXPECT_EQ(login(next->card.document_number, pin), HolderLogins::LoginOutcome::refused);
  // Unknown cards are audited without a holder.
  bool unknown_seen = false;
  for (const AuditEvent& e : trail())
    if (e.action == "holder_login" && e.detail == "card XXXXXXXXX") {
      unknown_seen = true;
      EXPECT_TRUE(e.holder_id.empty());
      EXPECT_EQ(e.outcome, "refused");
    }
  EXPECT_TRUE(unknown_seen);
}

TEST_P(HolderLoginsTest, AHolderChoosesANewPin) {
  auto [h, doc] = holder_with_card("A201-555-006");
  const std::string pin = issue_pin(h);
  auto r = logins_->login(doc, pin);
  ASSERT_TRUE(r && r->outcome == HolderLogins::LoginOutcome::ok);
  const User holder = **accounts_->authenticate(r->token);

  auto trivial = logins_->set_pin(holder, pin, "123456");
  ASSERT_FALSE(trivial);
  EXPECT_EQ(trivial.error().code, Errc::invalid_argument);
  auto wrong = logins_->set_pin(holder, "24681357" == pin ? "13572468" : "24681357", "482915");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::unauthorized);
  EXPECT_EQ(pin_row(h)->failures, 1u);
  EXPECT_EQ(trail().back().action, "change_own_pin");
  EXPECT_EQ(trail().back().outcome, "refused");
  auto other = logins_->set_pin(officer_, pin, "482915");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::forbidden);

  ASSERT_TRUE(logins_->set_pin(holder, pin, "482915"));
  EXPECT_EQ(trail().back().action, "change_own_pin");
  EXPECT_EQ(trail().back().outcome, "ok");
  EXPECT_EQ(pin_row(h)->set_by, holder.id);
  EXPECT_EQ(login(doc, pin), HolderLogins::LoginOutcome::refused);
  EXPECT_EQ(login(doc, "482915"), HolderLogins::LoginOutcome::ok);
  expect_pin_nowhere("482915");
  expect_pin_nowhere(pin);
}

INSTANTIATE_TEST_SUITE_P(Backends, HolderLoginsTest, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
