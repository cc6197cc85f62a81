// A fresh folder under the system's temporary directory, removed with all
// it holds when the object goes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "sdc/util/bytes.h"
#include "sdc/crypto/crypto.h"

namespace sdc::test {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix) {
    Bytes b(8);
    crypto::system_random().fill(b);
    path_ = std::filesystem::temp_directory_path() / (std::string(prefix) + hex_encode(b));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sdc::test
