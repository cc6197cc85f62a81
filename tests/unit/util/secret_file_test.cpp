// Secret files: read only when the owner alone may access them.
#include "sdc/util/secret_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sdc/util/file.h"

namespace sdc {
namespace {

namespace fs = std::filesystem;

class SecretFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sdc-secret-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file holding `text` with exactly `mode`, whatever the umask.
  fs::path make(const std::string& name, const std::string& text, fs::perms mode) {
    const fs::path path = dir_ / name;
    EXPECT_TRUE(write_file_atomic(path, text, FileMode::owner_only));
    fs::permissions(path, mode, fs::perm_options::replace);
    return path;
  }

  fs::path dir_;
};

constexpr auto kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

TEST_F(SecretFile, OwnerOnlyFileIsRead) {
  const auto path = make("key", "secret key\n", kOwnerOnly);
  auto text = read_secret_file(path);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, "secret key\n");
  fs::permissions(path, fs::perms::owner_read, fs::perm_options::replace);  // 0400
  EXPECT_TRUE(read_secret_file(path));
}

TEST_F(SecretFile, FileOthersMayReadIsRefusedSayingHowToFixIt) {
  const auto path =
      make("key", "secret", kOwnerOnly | fs::perms::group_read | fs::perms::others_read);
  auto text = read_secret_file(path);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::crypto);
  EXPECT_EQ(text.error().message,
            path.string() + ": group or others may read it (mode 0644); chmod 600 it");
}

TEST_F(SecretFile, AnyGroupOrOthersBitIsRefused) {
  for (fs::perms extra :
       {fs::perms::group_read, fs::perms::group_write, fs::perms::group_exec,
        fs::perms::others_read, fs::perms::others_write, fs::perms::others_exec}) {
    const auto path = make("key", "secret", kOwnerOnly | extra);
    auto text = read_secret_file(path);
    ASSERT_FALSE(text) << static_cast<int>(extra);
    EXPECT_EQ(text.error().code, Errc::crypto) << text.error().message;
  }
}

TEST_F(SecretFile, MissingFileIsNotFound) {
  const auto path = dir_ / "nope.key";
  auto text = read_secret_file(path);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::not_found);
  EXPECT_EQ(text.error().message, path.string() + ": no such file");
}

TEST_F(SecretFile, DirectoryIsNotARegularFile) {
  const auto path = dir_ / "keys";
  fs::create_directory(path);
  fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace);
  auto text = read_secret_file(path);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::invalid_argument);
  EXPECT_EQ(text.error().message, path.string() + ": not a regular file");
}

TEST_F(SecretFile, FifoIsRefusedWithoutWaitingForAWriter) {
  const auto path = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto text = read_secret_file(path);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::invalid_argument);
}

TEST_F(SecretFile, SymbolicLinkIsFollowedToTheFileItNames) {
  make("key", "secret", kOwnerOnly);
  fs::create_symlink(dir_ / "key", dir_ / "link");
  auto text = read_secret_file(dir_ / "link");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, "secret");
}

TEST_F(SecretFile, FileLargerThanTheLimitIsRefused) {
  const auto path = make("key", std::string(100, 'k'), kOwnerOnly);
  EXPECT_TRUE(read_secret_file(path, 100));
  auto text = read_secret_file(path, 99);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::limit);
}

TEST(WipeOnExit, LeavesTheSecretEmptyOnEveryPath) {
  std::string secret = "0123456789abcdef0123456789abcdef";
  const char* bytes = nullptr;
  {
    WipeOnExit wipe(secret);
    bytes = secret.data();
  }
  EXPECT_TRUE(secret.empty());
  // The buffer is kept (capacity unchanged) and zeroed, not just forgotten.
  EXPECT_EQ(secret.data(), bytes);
  EXPECT_EQ(std::string(bytes, 32), std::string(32, '\0'));
}

}  // namespace
}  // namespace sdc
