// GET /v1/audit's query parameters, read without a server.
#include "http/audit_filter.h"

#include <gtest/gtest.h>

namespace sdc::http {
namespace {

using registry::AuditFilter;

TEST(HttpAuditFilter, DefaultsToTheNewestHundred) {
  auto f = parse_audit_filter({});
  ASSERT_TRUE(f) << f.error().field;
  EXPECT_EQ(f->order, AuditFilter::Order::newest_first);
  EXPECT_EQ(f->limit, 100u);
  EXPECT_EQ(f->after, 0u);
  EXPECT_TRUE(f->holder_id.empty());
  EXPECT_TRUE(f->actor.empty());
  EXPECT_FALSE(f->from);
  EXPECT_FALSE(f->to);
}

TEST(HttpAuditFilter, ReadsEveryParameter) {
  auto f = parse_audit_filter({{"holder", "0123456789abcdef0123456789ABCDEF"},
                               {"user", "u-00aa11bb"},
                               {"action", "verify_card"},
                               {"from", "2026-01-01T00:00:00Z"},
                               {"to", "1767312000"},
                               {"after", "42"},
                               {"limit", "1000"},
                               {"order", "oldest"}});
  ASSERT_TRUE(f) << f.error().field << ": " << f.error().message;
  EXPECT_EQ(f->holder_id, "0123456789abcdef0123456789ABCDEF");
  EXPECT_EQ(f->actor, "u-00aa11bb");
  EXPECT_EQ(f->action, "verify_card");
  EXPECT_EQ(f->from, 1767225600);
  EXPECT_EQ(f->to, 1767312000);
  EXPECT_EQ(f->after, 42u);
  EXPECT_EQ(f->limit, 1000u);
  EXPECT_EQ(f->order, AuditFilter::Order::oldest_first);
}

TEST(HttpAuditFilter, NamesTheFirstBadParameter) {
  const std::pair<QueryParams, const char*> cases[] = {
      {{{"holder", "xyz"}}, "holder"},
      {{{"holder", "0123456789abcdef0123456789abcdeg"}}, "holder"},
      {{{"user", "a b"}}, "user"},
      {{{"user", ""}}, "user"},
      {{{"action", ""}}, "action"},
      {{{"action", "Verify card"}}, "action"},
      {{{"action", std::string(65, 'a')}}, "action"},
      {{{"from", "yesterday"}}, "from"},
      {{{"to", ""}}, "to"},
      {{{"from", "2026-02-01T00:00:00Z"}, {"to", "2026-01-01T00:00:00Z"}}, "to"},
      {{{"from", "1767225600"}, {"to", "1767225600"}}, "to"},
      {{{"after", "-1"}}, "after"},
      {{{"after", "99999999999999999999"}}, "after"},
      {{{"limit", "0"}}, "limit"},
      {{{"limit", "1001"}}, "limit"},
      {{{"limit", "ten"}}, "limit"},
      {{{"order", "sideways"}}, "order"},
      {{{"colour", "blue"}}, "colour"},
      {{{"", ""}}, ""},
  };
  for (const auto& [params, field] : cases) {
    SCOPED_TRACE(field);
    auto f = parse_audit_filter(params);
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().field, field);
    EXPECT_FALSE(f.error().message.empty());
  }
}

TEST(HttpAuditFilter, TheFirstOfARepeatedParameterCounts) {
  auto f = parse_audit_filter({{"limit", "5"}, {"limit", "nonsense"}});
  ASSERT_TRUE(f) << f.error().field;
  EXPECT_EQ(f->limit, 5u);
}

}  // namespace
}  // namespace sdc::http
