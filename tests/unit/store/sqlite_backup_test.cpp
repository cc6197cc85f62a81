// backup_sqlite_database: a consistent copy of a live WAL database, and
// clear refusals that leave nothing behind.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include "sdc/store_sqlite/sqlite_store.h"

namespace sdc::registry {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    char t[] = "/tmp/sdc-sqlite-backup-XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

void exec(sqlite3* db, const std::string& sql) {
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
}

long long count(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  long long n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

TEST(SqliteBackup, CopiesALiveWalDatabaseAsOfOneCommitWhileAWriterGoesOn) {
  TempDir dir;
  auto live = dir.path / "live.db";
  sqlite3* w = nullptr;
  ASSERT_EQ(sqlite3_open(live.c_str(), &w), SQLITE_OK);
  exec(w, "PRAGMA journal_mode = WAL");
  // Each transaction adds a row to both tables: a torn copy would differ.
  exec(w, "CREATE TABLE a (n INTEGER); CREATE TABLE b (n INTEGER)");
  std::atomic<bool> stop{false};
  std::atomic<int> commits{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      std::string n = std::to_string(i);
      sqlite3_exec(
          w,
          ("BEGIN; INSERT INTO a VALUES (" + n + "); INSERT INTO b VALUES (" + n + "); COMMIT")
              .c_str(),
          nullptr, nullptr, nullptr);
      ++commits;
    }
  });
  while (commits < 200) std::this_thread::yield();
  auto copy = dir.path / "copy.db";
  auto r = backup_sqlite_database(live, copy);
  int at_copy = commits;
  stop = true;
  writer.join();
  sqlite3_close(w);
  ASSERT_TRUE(r) << r.error().message;
  long long a = count(copy, "SELECT count(*) FROM a");
  EXPECT_GE(a, 200);
  EXPECT_LE(a, at_copy + 1);
  EXPECT_EQ(a, count(copy, "SELECT count(*) FROM b"));
  struct stat st {};
  ASSERT_EQ(::stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(dir.path / "copy.db-wal"));
}

TEST(SqliteBackup, RefusesAnExistingCopyAndLeavesIt) {
  TempDir dir;
  auto live = dir.path / "live.db";
  sqlite3* w = nullptr;
  ASSERT_EQ(sqlite3_open(live.c_str(), &w), SQLITE_OK);
  exec(w, "CREATE TABLE a (n INTEGER)");
  sqlite3_close(w);
  auto copy = dir.path / "copy.db";
  {
    std::FILE* f = std::fopen(copy.c_str(), "w");
    std::fputs("mine", f);
    std::fclose(f);
  }
  auto r = backup_sqlite_database(live, copy);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::conflict);
  EXPECT_EQ(fs::file_size(copy), 4u);
}

TEST(SqliteBackup, AMissingOrNonDatabaseSourceIsAnErrorAndMakesNothing) {
  TempDir dir;
  auto copy = dir.path / "copy.db";
  auto missing = backup_sqlite_database(dir.path / "nothing.db", copy);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::io);
  EXPECT_FALSE(fs::exists(dir.path / "nothing.db"));
  auto junk = dir.path / "junk.db";
  {
    std::FILE* f = std::fopen(junk.c_str(), "w");
    std::fputs(std::string(8192, 'x').c_str(), f);
    std::fclose(f);
  }
  auto bad = backup_sqlite_database(junk, copy);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("not a SQLite database"), std::string::npos)
      << bad.error().message;
  EXPECT_FALSE(fs::exists(copy));
}

}  // namespace
}  // namespace sdc::registry
