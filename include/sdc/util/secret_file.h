// Files that hold secrets (private keys): read only when the owner alone may
// access them, and wiped from memory when done.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "sdc/util/error.h"

namespace sdc {

// Reads a file holding a secret, of at most `max_size` bytes, only if it is a
// regular file that group and others may not access (mode 0600 or narrower;
// a symbolic link is followed). The mode is checked on the file opened, so
// the file cannot be swapped in between. Errors, each starting with the
// path: Errc::not_found (no such file), Errc::invalid_argument (not a regular
// file), Errc::crypto ("group or others may read it (mode 0644); chmod 600
// it"), Errc::limit (too large), Errc::io. The caller owns the secret
// returned and should wipe it when done (WipeOnExit); what was read before
// an error is wiped here. Thread-safe.
Result<std::string> read_secret_file(const std::filesystem::path& path,
                                     std::size_t max_size = 64u << 10);

// Overwrites `secret`'s bytes with zeros and empties it when this leaves
// scope, on every return path; `secret` must outlive it.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::string& secret) : secret_(secret) {}
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;
  ~WipeOnExit();

 private:
  std::string& secret_;
};

}  // namespace sdc
