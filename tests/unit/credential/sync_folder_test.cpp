#include "sdc/credential/sync_folder.h"

#include <gtest/gtest.h>

#include <map>

#include "sdc/util/file.h"
#include "support/temp_dir.h"
#include "support/test_issuer.h"

namespace sdc {
namespace {

using testing::kTestNow;
using testing::TestIssuer;

const std::string kUri = "https://sdc.invalid/status/1";
const std::string kUrl = "http://sdcd.invalid";

Bytes list_token(const TestIssuer& issuer, UnixTime iat, std::uint8_t state_of_7 = 0) {
  auto list = *StatusList::create(64);
  list.set(7, state_of_7);
  return *build_status_list_token(list, {kUri, iat, iat + 86400, 300}, issuer.signer);
}

SyncFetch fetch_of(const TestIssuer& issuer, std::optional<Bytes> list, std::string etag,
                   UnixTime now = kTestNow) {
  return SyncFetch{
      kUrl, issuer.root.to_pem(), issuer.signer.cert.to_pem(), std::move(list), std::move(etag),
      now};
}

// Every file of the folder and its bytes.
std::map<std::string, std::string> contents(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out[e.path().filename().string()] = *read_file(e.path());
  return out;
}

TEST(SyncFolder, FirstKeepPinsTheRootAndLoadsBack) {
  auto issuer = TestIssuer::make();
  test::TempDir dir("sdc-sync-");
  SyncFolder folder(dir.path() / "copy");
  auto kept = folder.keep(fetch_of(issuer, list_token(issuer, kTestNow, 1), "\"e1\""));
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_TRUE(kept->root_pinned);
  EXPECT_EQ(kept->list, ListChange::first);
  EXPECT_EQ(kept->state.list.iat, kTestNow);

  auto loaded = folder.load();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_TRUE(loaded->list) << loaded->list_problem;
  EXPECT_EQ(lookup_status(*loaded->list, kUri, 7, kTestNow).validity, Validity::invalid);
  EXPECT_EQ(loaded->state.url, kUrl);
  EXPECT_EQ(loaded->state.etag, "\"e1\"");
  EXPECT_EQ(loaded->state.list.ttl, 300u);
  EXPECT_EQ(folder.etag_for(issuer.trust), "\"e1\"");
}

TEST(SyncFolder, NotModifiedKeepsTheListAndNewerReplacesIt) {
  auto issuer = TestIssuer::make();
  test::TempDir dir("sdc-sync-");
  SyncFolder folder(dir.path());
  ASSERT_TRUE(folder.keep(fetch_of(issuer, list_token(issuer, kTestNow), "\"e1\"")));
  auto same = folder.keep(fetch_of(issuer, std::nullopt, "", kTestNow + 60));
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_FALSE(same->root_pinned);
  EXPECT_FALSE(same->signers_changed);
  EXPECT_EQ(same->list, ListChange::unchanged);
  EXPECT_EQ(same->state.etag, "\"e1\"");
  EXPECT_EQ(same->state.fetched_at, kTestNow + 60);

  auto newer = folder.keep(fetch_of(issuer, list_token(issuer, kTestNow + 100, 2), "\"e2\""));
  ASSERT_TRUE(newer) << newer.error().message;
  EXPECT_EQ(newer->list, ListChange::newer);
  auto loaded = *folder.load();
  ASSERT_TRUE(loaded.list);
  EXPECT_EQ(lookup_status(*loaded.list, kUri, 7, kTestNow + 100).validity, Validity::suspended);
  EXPECT_EQ(loaded.state.etag, "\"e2\"");
}

TEST(SyncFolder, AnOlderListNeverReplacesTheKeptOne) {
  auto issuer = TestIssuer::make();
  test::TempDir dir("sdc-sync-");
  SyncFolder folder(dir.path());
  ASSERT_TRUE(folder.keep(fetch_of(issuer, list_token(issuer, kTestNow + 100), "\"e2\"")));
  auto before = contents(dir.path());
  auto older = folder.keep(fetch_of(issuer, list_token(issuer, kTestNow, 1), "\"e1\""));
  ASSERT_FALSE(older);
  EXPECT_EQ(older.error().code, Errc::conflict);
  EXPECT_NE(older.error().message.find("older"), std::string::npos) << older.error().message;
  EXPECT_EQ(contents(dir.path()), before);
}

TEST(SyncFolder, AnOlderListFilePutBackIsNotUsed) {
  auto issuer = TestIssuer::make();
  test::TempDir dir("sdc-sync-");
  SyncFolder folder(dir.path());
  Bytes old = list_token(issuer, kTestNow);
  ASSERT_TRUE(folder.keep(fetch_of(issuer, old, "\"e1\"")));
  ASSERT_TRUE(folder.keep(fetch_of(issuer, list_token(issuer, kTestNow + 100, 1), "\"e2\"")));
  ASSERT_TRUE(write_file_atomic(dir.path() / "validity.cwt", as_chars(old)));

  auto loaded = folder.load();
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->list);
  EXPECT_NE(loaded->list_problem.find("older than the list last synced"), std::string::npos)
      << loaded->list_problem;
  // The next sync asks for the whole list again, and takes no older one.
  EXPECT_EQ(folder.etag_for(issuer.trust), "");
  EXPECT_FALSE(folder.keep(fetch_of(issuer, old, "\"e1\"")));
  auto again = folder.keep(fetch_of(issuer, list_token(issuer, kTestNow + 200, 1), "\"e3\""));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(folder.load()->list);
}

TEST(SyncFolder, AnotherRootIsRefusedAndNothingChanges) {
  auto issuer = TestIssuer::make();
  auto other = TestIssuer::make();
  test::TempDir dir("sdc-sync-");
  SyncFolder folder(dir.path());
  ASSERT_TRUE(folder.keep(fetch_of(issuer, list_token(issuer, kTestNow), "\"e1\"")));
  auto before = contents(dir.path());
  auto refused = folder.keep(fetch_of(other, list_token(other, kTestNow + 100), "\"x\""));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::conflict);
  EXPECT_NE(refused.error().message.find("pinned"), std::string::npos) << refused.error().message;
  EXPECT_EQ(contents(dir.path()), before);
}

TEST(SyncFolder, WhatDoesNotVerifyIsNotKept) {
  auto issuer = TestIssuer::make();
  auto other = TestIssuer::make();
  test::TempDir dir("sdc-sync-");
  SyncFolder folder(dir.path() / "copy");

  auto bad_bundle = fetch_of(issuer, list_token(issuer, kTestNow), "\"e1\"");
  bad_bundle.signers_pem = "not a certificate";
  auto r1 = folder.keep(bad_bundle);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, Errc::invalid_argument);
  EXPECT_NE(r1.error().message.find("trust bundle"), std::string::npos) << r1.error().message;

  // A list signed by a signer the bundle does not hold.
  auto r2 = folder.keep(fetch_of(issuer, list_token(other, kTestNow), "\"e1\""));
  ASSERT_FALSE(r2);
  EXPECT_NE(r2.error().message.find("validity list"), std::string::npos) << r2.error().message;

  // 304 with nothing kept.
  EXPECT_FALSE(folder.keep(fetch_of(issuer, std::nullopt, "")));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "copy"));
  auto none = folder.load();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
}

TEST(SyncFolder, StateReadsBackAndBadStatesNameTheField) {
  SyncState state{kUrl, "\"e1\"", kTestNow + 5, {kUri, kTestNow, kTestNow + 86400, 300}};
  auto back = parse_sync_state(render_sync_state(state));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->url, kUrl);
  EXPECT_EQ(back->etag, "\"e1\"");
  EXPECT_EQ(back->fetched_at, kTestNow + 5);
  EXPECT_EQ(back->list.uri, kUri);
  EXPECT_EQ(back->list.iat, kTestNow);
  EXPECT_EQ(back->list.exp, kTestNow + 86400);
  EXPECT_EQ(back->list.ttl, 300u);
  auto refused = [](std::string_view json, std::string_view why) {
    auto r = parse_sync_state(json);
    ASSERT_FALSE(r) << json;
    EXPECT_EQ(r.error().code, Errc::parse);
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  };
  refused("[1]", "not a JSON object");
  refused(R"({"fetched_at": "2026-01-01T00:00:00Z"})", "\"list\"");
  refused(R"({"url": 7, "fetched_at": "2026-01-01T00:00:00Z",
             "list": {"iat": "2026-01-01T00:00:00Z", "exp": "2026-01-02T00:00:00Z"}})",
          "\"url\" is not a string");
  refused(R"({"fetched_at": "2026-01-01T00:00:00Z",
             "list": {"iat": "yesterday", "exp": "2026-01-02T00:00:00Z"}})",
          "\"iat\"");
  refused(R"({"fetched_at": "2026-01-01T00:00:00Z",
             "list": {"iat": "253402300800", "exp": "2026-01-02T00:00:00Z"}})",
          "out of range");
  refused(R"({"fetched_at": "2026-01-01T00:00:00Z",
             "list": {"iat": "2026-01-01T00:00:00Z", "exp": "2026-01-02T00:00:00Z", "ttl": -1}})",
          "\"ttl\"");
}

TEST(SyncFolder, StaleWarningPastTheTtlOnly) {
  StatusListClaims c{kUri, kTestNow, kTestNow + 86400, 300};
  EXPECT_EQ(stale_list_warning(c, kTestNow + 300), "");
  auto w = stale_list_warning(c, kTestNow + 301);
  EXPECT_NE(w.find("301 s old"), std::string::npos) << w;
  EXPECT_NE(w.find("ttl of 300 s"), std::string::npos) << w;
  c.ttl.reset();
  EXPECT_EQ(stale_list_warning(c, kTestNow + 100000), "");
}

TEST(SyncFolder, AgeIsZeroWhileTheIatIsAhead) {
  StatusListClaims c{kUri, kTestNow, kTestNow + 86400, 300};
  EXPECT_EQ(list_age_seconds(c, kTestNow - 2), 0);
  EXPECT_EQ(list_age_seconds(c, kTestNow + 42), 42);
  EXPECT_EQ(stale_list_warning(c, kTestNow - 1000), "");
}

}  // namespace
}  // namespace sdc
