// Options and input helpers shared by the sdc commands.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>

#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::cli {

// --now T: RFC 3339 or epoch seconds; the system clock when empty.
void add_now_option(CLI::App* app, std::string& now);
Result<UnixTime> resolve_now(const std::string& now);

// Reads a text file of at most 16 MiB; the error names the file.
Result<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace sdc::cli
