#include "sdc/credential/sync_folder.h"

#include <nlohmann/json.hpp>

#include "sdc/util/file.h"

namespace sdc {

namespace {

constexpr const char* kRootFile = "root.pem";
constexpr const char* kSignersFile = "signers.pem";
constexpr const char* kListFile = "validity.cwt";
constexpr const char* kStateFile = "sync.json";
constexpr std::size_t kMaxStateBytes = 64u << 10;
constexpr UnixTime kLastWritableTime = 253402300799;  // 9999-12-31T23:59:59Z

// A string member; an absent one reads as empty.
Result<std::string> string_field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) return std::string();
  if (!j[name].is_string())
    return fail(Errc::parse, std::string("\"") + name + "\" is not a string");
  return j[name].get<std::string>();
}

Result<UnixTime> time_field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string())
    return fail(Errc::parse, std::string("\"") + name + "\" is missing or not a string");
  auto t = parse_time(j[name].get<std::string>());
  if (!t) return fail(Errc::parse, std::string("\"") + name + "\": " + t.error().message);
  // What render_sync_state can write back: 1970 to the end of year 9999.
  if (*t < 0 || *t > kLastWritableTime)
    return fail(Errc::parse, std::string("\"") + name + "\": out of range (1970 to 9999)");
  return t;
}

}  // namespace

std::string render_sync_state(const SyncState& s) {
  nlohmann::json j = {
      {"url", s.url},
      {"etag", s.etag},
      {"fetched_at", format_time(s.fetched_at)},
      {"list",
       {{"uri", s.list.uri}, {"iat", format_time(s.list.iat)}, {"exp", format_time(s.list.exp)}}}};
  if (s.list.ttl) j["list"]["ttl"] = *s.list.ttl;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<SyncState> parse_sync_state(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(Errc::parse, "not a JSON object");
  if (!j.contains("list") || !j["list"].is_object())
    return fail(Errc::parse, "\"list\" is missing or not an object");
  const auto& l = j["list"];
  auto url = string_field(j, "url");
  auto etag = string_field(j, "etag");
  auto uri = string_field(l, "uri");
  auto fetched = time_field(j, "fetched_at");
  auto iat = time_field(l, "iat");
  auto exp = time_field(l, "exp");
  if (!url) return std::unexpected(url.error());
  if (!etag) return std::unexpected(etag.error());
  if (!uri) return std::unexpected(uri.error());
  if (!fetched) return std::unexpected(fetched.error());
  if (!iat) return std::unexpected(iat.error());
  if (!exp) return std::unexpected(exp.error());
  SyncState s{std::move(*url), std::move(*etag), *fetched, {std::move(*uri), *iat, *exp, {}}};
  if (l.contains("ttl")) {
    if (!l["ttl"].is_number_unsigned())
      return fail(Errc::parse, "\"ttl\" is not a number of seconds");
    s.list.ttl = l["ttl"].get<std::uint64_t>();
  }
  return s;
}

namespace {

// The kept state: nullopt when the folder holds none.
Result<std::optional<SyncState>> read_state(const std::filesystem::path& dir) {
  auto path = dir / kStateFile;
  if (!std::filesystem::exists(path)) return std::optional<SyncState>{};
  auto text = read_file(path, kMaxStateBytes);
  if (!text) return std::unexpected(text.error());
  auto s = parse_sync_state(*text);
  if (!s) return fail(Errc::parse, path.string() + ": " + s.error().message);
  return std::optional<SyncState>(std::move(*s));
}

// The kept list, checked against `trust` and the state.
Result<StatusListToken> read_kept_list(const std::filesystem::path& dir, const TrustStore& trust,
                                       const std::optional<SyncState>& state) {
  auto path = dir / kListFile;
  if (!state) return fail(Errc::not_found, (dir / kStateFile).string() + " is missing: sync again");
  if (!std::filesystem::exists(path))
    return fail(Errc::not_found, path.string() + " is missing: sync again");
  auto data = read_file(path, kMaxStatusListToken);
  if (!data) return std::unexpected(data.error());
  auto token = load_status_list_token(as_bytes(*data), trust);
  if (!token) return fail(Errc::invalid_argument, path.string() + ": " + token.error().message);
  if (token->claims.iat < state->list.iat)
    return fail(Errc::conflict, path.string() + " (status as of " + format_time(token->claims.iat) +
                                    ") is older than the list last synced (status as of " +
                                    format_time(state->list.iat) +
                                    "): an older list never replaces a newer one; sync again");
  if (token->claims.iat != state->list.iat || token->claims.uri != state->list.uri)
    return fail(Errc::conflict, path.string() + " is not the list " + (dir / kStateFile).string() +
                                    " records: sync again");
  return token;
}

bool same_bytes(const std::filesystem::path& path, std::string_view data, std::size_t cap) {
  auto kept = read_file(path, cap);
  return kept && *kept == data;
}

}  // namespace

std::string SyncFolder::etag_for(const TrustStore& trust) const {
  auto state = read_state(dir_);
  if (!state || !*state) return {};
  if (!read_kept_list(dir_, trust, *state)) return {};
  return (*state)->etag;
}

Result<TrustStore> SyncFolder::check_trust(const std::string& url, std::string_view root_pem,
                                           std::string_view signers_pem) const {
  auto trust = TrustStore::from_pem(root_pem, signers_pem);
  if (!trust)
    return fail(Errc::invalid_argument,
                "the trust bundle from " + url + " does not load: " + trust.error().message);
  const auto root_path = dir_ / kRootFile;
  if (!std::filesystem::exists(root_path)) return trust;
  auto pinned_pem = read_file(root_path, kMaxTrustPemBytes);
  if (!pinned_pem) return std::unexpected(pinned_pem.error());
  auto pinned = crypto::Certificate::from_pem(*pinned_pem);
  if (!pinned)
    return fail(Errc::invalid_argument, root_path.string() + ": " + pinned.error().message);
  if (pinned->der() != trust->root().der())
    return fail(Errc::conflict,
                "the root certificate from " + url + " differs from the one pinned in " +
                    root_path.string() +
                    " (the root is the trust anchor, pinned on the first sync): nothing changed; "
                    "to trust another root, sync into a new folder");
  return trust;
}

Result<SyncOutcome> SyncFolder::keep(const SyncFetch& fetch) const {
  auto trust = check_trust(fetch.url, fetch.root_pem, fetch.signers_pem);
  if (!trust) return std::unexpected(trust.error());
  SyncOutcome out;
  const auto root_path = dir_ / kRootFile;
  out.root_pinned = !std::filesystem::exists(root_path);

  auto state = read_state(dir_);
  if (!state) return std::unexpected(state.error());
  std::optional<StatusListToken> kept;
  if (!out.root_pinned && *state)
    if (auto k = read_kept_list(dir_, *trust, *state)) kept = std::move(*k);

  std::optional<StatusListToken> fresh;
  if (fetch.list) {
    auto token = load_status_list_token(*fetch.list, *trust);
    if (!token)
      return fail(Errc::invalid_argument, "the validity list from " + fetch.url +
                                              " does not verify: " + token.error().message);
    // The rule of StatusListCache: a strictly older iat never replaces the
    // kept list. The state's iat counts, even if the list file was since put
    // back to an older one.
    if (*state && token->claims.iat < (*state)->list.iat)
      return fail(Errc::conflict,
                  "the validity list from " + fetch.url + " (status as of " +
                      format_time(token->claims.iat) +
                      ") is older than the one kept (status as of " +
                      format_time((*state)->list.iat) +
                      "): an older list never replaces a newer one; nothing changed");
    out.list = !*state ? ListChange::first
               : kept && same_bytes(dir_ / kListFile, as_chars(*fetch.list), kMaxStatusListToken)
                   ? ListChange::unchanged
                   : ListChange::newer;
    fresh = std::move(*token);
  } else {
    if (!kept)
      return fail(Errc::conflict, fetch.url +
                                      " answered 304 Not Modified, but this folder holds no usable "
                                      "list: sync again");
    out.list = ListChange::unchanged;
  }

  const StatusListToken& list = fresh ? *fresh : *kept;
  out.state.url = fetch.url;
  out.state.etag = fetch.list ? fetch.etag : (*state)->etag;
  out.state.fetched_at = fetch.fetched_at;
  out.state.list = list.claims;
  out.signers_changed = !same_bytes(dir_ / kSignersFile, fetch.signers_pem, kMaxTrustPemBytes);

  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return fail(Errc::io, dir_.string() + ": " + ec.message());
  if (out.root_pinned)
    if (auto w = write_file_atomic(root_path, fetch.root_pem); !w)
      return std::unexpected(w.error());
  if (out.signers_changed)
    if (auto w = write_file_atomic(dir_ / kSignersFile, fetch.signers_pem); !w)
      return std::unexpected(w.error());
  if (fetch.list && out.list != ListChange::unchanged)
    if (auto w = write_file_atomic(dir_ / kListFile, as_chars(*fetch.list)); !w)
      return std::unexpected(w.error());
  if (auto w = write_file_atomic(dir_ / kStateFile, render_sync_state(out.state)); !w)
    return std::unexpected(w.error());
  return out;
}

Result<SyncedTrust> SyncFolder::load() const {
  const auto root_path = dir_ / kRootFile;
  if (!std::filesystem::exists(root_path))
    return fail(Errc::not_found, dir_.string() + " holds no synced trust (no " + kRootFile +
                                     "): run sdc sync --from URL --dir " + dir_.string() +
                                     " first");
  auto root = read_file(root_path, kMaxTrustPemBytes);
  if (!root) return std::unexpected(root.error());
  auto signers = read_file(dir_ / kSignersFile, kMaxTrustPemBytes);
  if (!signers) return std::unexpected(signers.error());
  auto trust = TrustStore::from_pem(*root, *signers);
  if (!trust) return fail(trust.error().code, dir_.string() + ": " + trust.error().message);
  auto state = read_state(dir_);
  if (!state) return std::unexpected(state.error());
  SyncedTrust out{std::move(*trust), std::nullopt, {}, state->value_or(SyncState{})};
  auto list = read_kept_list(dir_, out.trust, *state);
  if (list)
    out.list = std::move(*list);
  else
    out.list_problem = list.error().message;
  return out;
}

UnixTime list_age_seconds(const StatusListClaims& list, UnixTime now) {
  return now > list.iat ? now - list.iat : 0;
}

std::string stale_list_warning(const StatusListClaims& list, UnixTime now) {
  auto age = static_cast<std::uint64_t>(list_age_seconds(list, now));
  if (!list.ttl || age <= *list.ttl) return {};
  return "the validity list is " + std::to_string(age) + " s old (status as of " +
         format_time(list.iat) + "), past its ttl of " + std::to_string(*list.ttl) +
         " s: sync again";
}

}  // namespace sdc
