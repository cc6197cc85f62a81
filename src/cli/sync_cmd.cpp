#include <httplib.h>

#include <cstdlib>

#include "cli/commands.h"
#include "cli/options.h"
#include "sdc/credential/sync_folder.h"

namespace sdc::cli {

namespace {

constexpr time_t kTimeoutSeconds = 10;

struct SyncArgs {
  std::string from, dir, now, ca_file;
};

// http[s]://host[:port][/prefix], split for httplib::Client.
struct ServerUrl {
  std::string origin;  // scheme://host[:port]
  std::string prefix;  // "" or "/path", no trailing slash
};

Result<ServerUrl> parse_server_url(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  const bool tls = url.starts_with("https://");
  if (!tls && !url.starts_with("http://"))
    return fail(Errc::invalid_argument,
                "--from: \"" + url + "\" is not an http:// or https:// URL");
  const auto host_start = url.find("://") + 3;
  const auto path_start = url.find('/', host_start);
  ServerUrl out{url.substr(0, path_start),
                path_start == std::string::npos ? "" : url.substr(path_start)};
  if (out.origin.size() == host_start)
    return fail(Errc::invalid_argument, "--from: \"" + url + "\" names no host");
  if (out.prefix.find_first_of("?#") != std::string::npos)
    return fail(Errc::invalid_argument, "--from: \"" + url + "\" has a query or fragment");
  return out;
}

struct Answer {
  int status = 0;
  std::string body;
  std::string etag;
};

// One GET of at most `cap` body bytes. Redirects are not followed: a 3xx
// comes back as the answer.
Result<Answer> fetch_once(httplib::Client& client, const std::string& url, const std::string& path,
                          const httplib::Headers& headers, std::size_t cap) {
  Answer a;
  bool too_big = false;
  auto res = client.Get(
      path, headers,
      [&](const httplib::Response& r) {
        a.status = r.status;
        if (r.has_header("Content-Length") &&
            std::strtoull(r.get_header_value("Content-Length").c_str(), nullptr, 10) > cap)
          too_big = true;
        return !too_big;
      },
      [&](const char* data, std::size_t n) {
        if (a.body.size() + n > cap) {
          too_big = true;
          return false;
        }
        a.body.append(data, n);
        return true;
      });
  if (too_big)
    return fail(Errc::limit, url + path + ": the answer is larger than " + std::to_string(cap) +
                                 " bytes; refused");
  if (!res)
    return fail(Errc::io, url + path + ": cannot fetch: " + httplib::to_string(res.error()));
  a.status = res->status;
  a.etag = res->get_header_value("ETag");
  return a;
}

Error bad_status(const std::string& url, const std::string& path, int status) {
  std::string why = url + path + " answered HTTP " + std::to_string(status);
  if (status / 100 == 3) why += " (redirects are not followed)";
  return Error{Errc::io, why};
}

Result<std::string> get_pem(httplib::Client& client, const std::string& url,
                            const std::string& path) {
  auto a = fetch_once(client, url, path, {}, kMaxTrustPemBytes);
  if (!a) return std::unexpected(a.error());
  if (a->status != 200) return std::unexpected(bad_status(url, path, a->status));
  return std::move(a->body);
}

const char* list_change(ListChange c) {
  switch (c) {
    case ListChange::first:
      return "fetched (first sync)";
    case ListChange::newer:
      return "fetched (newer)";
    case ListChange::unchanged:
      return "unchanged";
  }
  return "unchanged";
}

int sync_error(const Error& e) {
  usage_error(e);
  return e.code == Errc::conflict || e.code == Errc::invalid_argument ? int{kNegative}
                                                                      : int{kUsage};
}

}  // namespace

void register_sync(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "sync", "Keep an sdcd's trust bundle and validity list in a folder, for verify --synced");
  cmd->footer(
      "The root certificate is the trust anchor: it is pinned on the first sync, and a server "
      "whose root differs is refused (sync into a new folder to trust another root). Everything "
      "is checked as `sdc verify` would before it is kept; a list older than the one kept never "
      "replaces it; a failed sync leaves the folder unchanged.\nExit 0 when synced, 1 when "
      "something fetched is refused, 2 when the server cannot be reached, answers other than "
      "200/304 or sends too much.");
  auto a = std::make_shared<SyncArgs>();
  cmd->add_option("--from", a->from, "The sdcd's base URL (http:// or https://)")->required();
  cmd->add_option("--dir", a->dir, "The folder keeping the synced copy")->required();
  cmd->add_option("--ca-file", a->ca_file,
                  "CA certificates (PEM) to check an https:// server with (default: the system's)");
  add_now_option(cmd, a->now);
  on_run(cmd, [a] {
    auto now = resolve_now(a->now);
    if (!now) return usage_error(now.error());
    auto url = parse_server_url(a->from);
    if (!url) return usage_error(url.error());
    const std::string shown = url->origin + url->prefix;

    httplib::Client client(url->origin);
    client.set_connection_timeout(kTimeoutSeconds, 0);
    client.set_read_timeout(kTimeoutSeconds, 0);
    client.set_write_timeout(kTimeoutSeconds, 0);
    client.set_follow_location(false);
    client.enable_server_certificate_verification(true);
    if (!a->ca_file.empty()) client.set_ca_cert_path(a->ca_file);

    SyncFetch fetch;
    fetch.url = shown;
    auto root = get_pem(client, shown, url->prefix + "/trust/root.pem");
    if (!root) return sync_error(root.error());
    auto signers = get_pem(client, shown, url->prefix + "/trust/signers.pem");
    if (!signers) return sync_error(signers.error());
    fetch.root_pem = std::move(*root);
    fetch.signers_pem = std::move(*signers);

    // A bundle that would be refused is refused before the list is fetched.
    SyncFolder folder(a->dir);
    auto trust = folder.check_trust(shown, fetch.root_pem, fetch.signers_pem);
    if (!trust) return sync_error(trust.error());
    httplib::Headers headers;
    if (auto etag = folder.etag_for(*trust); !etag.empty()) headers.emplace("If-None-Match", etag);
    const std::string list_path = url->prefix + "/status/validity";
    auto list = fetch_once(client, shown, list_path, headers, kMaxStatusListToken);
    if (!list) return sync_error(list.error());
    if (list->status == 200) {
      fetch.list = Bytes(list->body.begin(), list->body.end());
      fetch.etag = list->etag;
    } else if (list->status != 304) {
      return sync_error(bad_status(shown, list_path, list->status));
    }
    fetch.fetched_at = *now;

    auto kept = folder.keep(fetch);
    if (!kept) return sync_error(kept.error());
    const StatusListClaims& l = kept->state.list;
    nlohmann::json out = {
        {"url", shown},
        {"dir", a->dir},
        {"root", kept->root_pinned ? "pinned (first sync)" : "unchanged"},
        {"signers", kept->root_pinned       ? "fetched"
                    : kept->signers_changed ? "updated"
                                            : "unchanged"},
        {"validity_list", list->status == 304 ? "not modified (304): kept the list already held"
                                              : list_change(kept->list)},
        {"status_uri", l.uri},
        {"status_as_of", format_time(l.iat)},
        {"status_list_expires_at", format_time(l.exp)},
        {"status_list_age_seconds", list_age_seconds(l, *now)},
        {"fetched_at", format_time(*now)}};
    if (l.ttl) out["status_list_ttl_seconds"] = *l.ttl;
    if (auto w = stale_list_warning(l, *now); !w.empty()) out["status_list_warning"] = w;
    print_json(out);
    return int{kOk};
  });
}

}  // namespace sdc::cli
