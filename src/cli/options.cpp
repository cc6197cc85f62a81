#include "cli/options.h"

#include "sdc/util/file.h"

namespace sdc::cli {

void add_now_option(CLI::App* app, std::string& now) {
  app->add_option("--now", now, "The time to act at: RFC 3339 or seconds since the epoch (default: now)");
}

Result<UnixTime> resolve_now(const std::string& now) {
  if (now.empty()) return SystemClock().now();
  auto t = parse_time(now);
  if (!t) return fail(Errc::invalid_argument, "--now: " + t.error().message);
  return t;
}

Result<std::string> read_text_file(const std::filesystem::path& path) {
  return read_file(path, 16u << 20);
}

}  // namespace sdc::cli
