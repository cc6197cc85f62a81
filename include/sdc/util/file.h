// Whole-file reads and atomic writes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "sdc/util/bytes.h"

namespace sdc {

// Reads a file of at most `max_size` bytes (Errc::limit past that).
Result<std::string> read_file(const std::filesystem::path& path,
                              std::size_t max_size = 64u << 20);

enum class FileMode { public_read = 0644, owner_only = 0600 };

// Writes to a temporary name in the same folder, fsyncs, then renames, so a
// reader sees either the old file or the whole new one. Secret files are
// created with mode 0600 from the start, never widened.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view data,
                               FileMode mode = FileMode::public_read);

}  // namespace sdc
