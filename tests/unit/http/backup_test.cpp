// Backups of a data folder: a round trip through check_backup, and every
// kind of bad file refused with its reason and nothing made.
#include "sdc/http/backup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sdc/crypto/crypto.h"
#include "sdc/http/server.h"
#include "sdc/util/file.h"

namespace sdc::http {
namespace {

namespace fs = std::filesystem;

struct Folder {
  Folder() {
    char t[] = "/tmp/sdc-backup-test-XXXXXX";
    dir = ::mkdtemp(t);
    InitOptions o;
    o.data_dir = dir / "data";
    o.clock = &clock;
    o.random = &crypto::system_random();
    auto r = init_data_dir(o);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  Result<BackupManifest> backup(const fs::path& out, BackupKind kind = BackupKind::data) {
    BackupOptions b;
    b.data_dir = dir / "data";
    b.out = out;
    b.kind = kind;
    b.clock = &clock;
    return backup_data_dir(b);
  }
  std::string bytes(const fs::path& p) { return *read_file(p); }
  void write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }
  FixedClock clock{1'800'000'000};
  fs::path dir;
};

TEST(Backup, ADataBackupChecksAndRestoresWithItsKeys) {
  Folder f;
  auto m = f.backup(f.dir / "b");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_TRUE(f.backup(f.dir / "k", BackupKind::keys));
  auto checked = check_backup(f.dir / "b");
  ASSERT_TRUE(checked) << checked.error().message;
  EXPECT_EQ(checked->kind, BackupKind::data);
  EXPECT_EQ(checked->store, "sqlite");
  EXPECT_EQ(checked->files.size(), m->files.size());
  EXPECT_EQ(checked->keys.size(), 3u);
  for (const auto& e : checked->files) EXPECT_EQ(e.path.find(".key"), std::string::npos) << e.path;
  auto again = f.backup(f.dir / "b");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  RestoreOptions r;
  r.from = f.dir / "b";
  r.keys = f.dir / "k";
  r.data_dir = f.dir / "restored";
  auto restored = restore_data_dir(r);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_TRUE(fs::exists(f.dir / "restored" / "registry.db"));
  EXPECT_TRUE(fs::exists(f.dir / "restored" / "pii.keys"));
  EXPECT_EQ(f.bytes(f.dir / "restored" / "pii.keys"), f.bytes(f.dir / "data" / "pii.keys"));
}

TEST(Backup, BadFilesAreRefusedWithTheirReasonAndNothingIsMade) {
  Folder f;
  ASSERT_TRUE(f.backup(f.dir / "b"));
  ASSERT_TRUE(f.backup(f.dir / "k", BackupKind::keys));
  const std::string good = f.bytes(f.dir / "b");
  struct Case {
    std::string name, bytes, reason;
  };
  std::string garbled = good;
  garbled[garbled.size() - 5000] ^= 0x55;
  std::string header = good;
  header[600] ^= 0x01;  // inside the manifest's text
  const Case cases[] = {
      {"empty", "", "cut short"},
      {"truncated", good.substr(0, good.size() / 2), "cut short"},
      {"no end blocks", good.substr(0, good.size() - 1024), "cut short"},
      {"garbled member", garbled, "SHA-256"},
      {"garbled manifest", header, "not an sdc backup"},
      {"noise", std::string(4096, 'z'), "not an sdc backup"},
      {"trailing data", good + std::string(512, 'x'), "after the end"},
  };
  for (const auto& c : cases) {
    f.write(f.dir / "bad", c.bytes);
    auto r = check_backup(f.dir / "bad");
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().code, Errc::parse) << c.name;
    EXPECT_NE(r.error().message.find(c.reason), std::string::npos)
        << c.name << ": " << r.error().message;
    RestoreOptions o;
    o.from = f.dir / "bad";
    o.keys = f.dir / "k";
    o.data_dir = f.dir / "restored";
    EXPECT_FALSE(restore_data_dir(o)) << c.name;
    EXPECT_FALSE(fs::exists(f.dir / "restored")) << c.name;
  }
  auto missing = check_backup(f.dir / "nothing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST(Backup, RestoreRefusesANonEmptyFolderAndOtherKeys) {
  Folder f, other;
  ASSERT_TRUE(f.backup(f.dir / "b"));
  ASSERT_TRUE(other.backup(f.dir / "other-keys", BackupKind::keys));
  RestoreOptions o;
  o.from = f.dir / "b";
  o.keys = f.dir / "other-keys";
  o.data_dir = f.dir / "restored";
  auto r = restore_data_dir(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("other keys"), std::string::npos) << r.error().message;
  EXPECT_FALSE(fs::exists(f.dir / "restored"));
  o.data_dir = f.dir / "data";  // the original: not empty
  auto full = restore_data_dir(o);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, Errc::conflict);
}

}  // namespace
}  // namespace sdc::http
