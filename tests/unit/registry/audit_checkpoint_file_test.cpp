// The audit checkpoint file read on its own (parse_audit_checkpoints): what
// `sdc audit verify` holds the chain against.
#include <gtest/gtest.h>

#include "sdc/registry/audit.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class AuditCheckpointFile : public ::testing::Test {
 protected:
  // A line as write_audit_checkpoint makes it, signed with `k`.
  static std::string line(const CheckpointKey& k, std::uint64_t seq, const Bytes& hash,
                          UnixTime at) {
    std::string hex = hex_encode(hash);
    std::string message = "sdc-audit-checkpoint-v1\n" + std::to_string(seq) + "\n" + hex + "\n" +
                          std::to_string(at) + "\n";
    return "sdc-audit-checkpoint-v1 " + std::to_string(seq) + " " + hex + " " + std::to_string(at) +
           " " + hex_encode(k.sign(as_bytes(message))) + "\n";
  }

  CheckpointKey key_ = *CheckpointKey::generate();
  Bytes h1_ = Bytes(32, 0x11);
  Bytes h2_ = Bytes(32, 0x22);
};

TEST_F(AuditCheckpointFile, ReadsSignedLinesInOrder) {
  std::string text = line(key_, 0, Bytes(32, 0), 100) + "\n" + line(key_, 4, h1_, 200) +
                     line(key_, 4, h1_, 250) + line(key_, 9, h2_, 300);
  auto cps = parse_audit_checkpoints(text, key_.public_key());
  ASSERT_TRUE(cps) << cps.error().message;
  ASSERT_EQ(cps->size(), 4u);
  EXPECT_EQ((*cps)[1].seq, 4u);
  EXPECT_EQ((*cps)[1].hash, h1_);
  EXPECT_EQ((*cps)[1].at, 200);
  EXPECT_EQ((*cps)[3].seq, 9u);
  EXPECT_EQ((*cps)[3].hash, h2_);
  auto none = parse_audit_checkpoints("", key_.public_key());
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(AuditCheckpointFile, NamesTheLineAtFault) {
  const std::string good = line(key_, 4, h1_, 200);
  std::string short_hash = good;
  short_hash.replace(good.find(hex_encode(h1_)), 2, "");
  std::string other_key = line(*CheckpointKey::generate(), 5, h2_, 300);
  std::string edited = line(key_, 5, h2_, 300);
  edited.replace(edited.find(" 300 "), 5, " 301 ");
  const std::pair<std::string, std::string> cases[] = {
      {good + "sdc-audit-checkpoint-v2 5 00 1 00\n", "line 2: malformed"},
      {good + short_hash, "line 2: malformed"},
      {good + "sdc-audit-checkpoint-v1 -5 " + hex_encode(h2_) + " 1 00\n", "line 2: malformed"},
      {good + "garbage", "line 2: malformed"},
      {good + std::string("sdc-audit-checkpoint-v1 5\0", 26), "line 2: malformed"},
      {good + other_key, "line 2: signature does not verify"},
      {good + edited, "line 2: signature does not verify"},
      {line(key_, 9, h2_, 300) + good, "line 2: goes back in the chain"},
  };
  for (const auto& [text, expected] : cases) {
    SCOPED_TRACE(expected);
    auto cps = parse_audit_checkpoints(text, key_.public_key());
    ASSERT_FALSE(cps);
    EXPECT_NE(cps.error().message.find("checkpoint file " + expected), std::string::npos)
        << cps.error().message;
  }
}

}  // namespace
}  // namespace sdc::testing
