#include <map>

#include "cli/commands.h"
#include "cli/options.h"
#include "sdc/barcode/barcode.h"
#include "sdc/credential/sync_folder.h"
#include "sdc/credential/verify.h"
#include "sdc/i18n/catalogues.h"
#include "sdc/i18n/language.h"
#include "sdc/util/file.h"

namespace sdc::cli {

namespace {

struct VerifyArgs {
  std::string root, signers, synced, now, barcode, barcode_file, image, cache, role = "officer",
      language = "en";
  std::vector<std::string> status;
};

// The device's store of validity lists: the newest seen per uri, kept in a
// folder across runs, never replaced by an older one.
class ListStore {
 public:
  ListStore(const TrustStore& trust, std::filesystem::path dir)
      : trust_(trust), dir_(std::move(dir)) {}

  // Loads every list kept in the folder (lists that no longer verify are ignored).
  void load_kept() {
    if (dir_.empty() || !std::filesystem::is_directory(dir_)) return;
    for (const auto& e : std::filesystem::directory_iterator(dir_))
      if (e.path().extension() == ".cwt") offer_file(e.path(), false);
  }

  // Returns an error message when the file cannot be used.
  std::string offer_file(const std::filesystem::path& path, bool keep) {
    auto data = read_file(path, kMaxStatusListToken);
    if (!data) return data.error().message;
    auto token = load_status_list_token(as_bytes(*data), trust_);
    if (!token) return path.filename().string() + ": " + token.error().message;
    std::string uri = token->claims.uri;
    if (auto why = offer(std::move(*token)); !why.empty())
      return path.filename().string() + ": " + why;
    if (keep && !dir_.empty()) {
      std::filesystem::create_directories(dir_);
      auto name = hex_encode(crypto::sha256(as_bytes(uri))).substr(0, 16) + ".cwt";
      (void)write_file_atomic(dir_ / name, *data);
    }
    return {};
  }

  // Offers a list already checked against the trust (not kept in the folder).
  std::string offer(StatusListToken token) {
    std::string uri = token.claims.uri;
    if (cache_.offer(std::move(token)) == StatusListCache::Offer::kept_newer)
      return "older than the list already held for " + uri +
             " (an older list never replaces a newer one)";
    return {};
  }

  const StatusListCache& cache() const { return cache_; }

 private:
  const TrustStore& trust_;
  std::filesystem::path dir_;
  StatusListCache cache_;
};

nlohmann::json verification_json(const Verification& v, const std::string& role,
                                 const std::vector<std::string>& list_problems,
                                 const std::string& explanation) {
  nlohmann::json out = {{"result", to_string(v.result)}, {"detail", v.detail}};
  out["explanation"] = explanation;
  if (v.claims) {
    nlohmann::json holder = holder_to_json(v.claims->holder);
    if (role == "screener") holder.erase("a_number");  // identity and validity only
    if (v.claims->holder.thumbnail)
      holder["thumbnail_url"] =
          "data:image/jpeg;base64," + base64_encode(*v.claims->holder.thumbnail);
    out["holder"] = std::move(holder);
    out["iss"] = v.claims->iss;
    out["issued_at"] = format_time(v.claims->iat);
    out["expires_at"] = format_time(v.claims->exp);
    out["status_index"] = v.claims->status_index;
    out["status_uri"] = v.claims->status_uri;
  }
  if (!list_problems.empty()) out["status_list_problems"] = list_problems;
  bool has_validity = v.result == VerifyResult::valid || v.result == VerifyResult::revoked ||
                      v.result == VerifyResult::suspended;
  if (has_validity) {
    out["validity"] = to_string(v.status.validity);
    if (v.status.as_of) out["status_as_of"] = format_time(*v.status.as_of);
    if (v.status.validity == Validity::unknown) {
      std::string reason = v.status.reason;
      if (!list_problems.empty() && reason.starts_with("no validity list"))
        reason = list_problems.front();
      out["validity_reason"] = reason;
    }
  }
  return out;
}

// The age of the list the card was looked up in (else of the synced one),
// and a warning once it is past its ttl.
void add_synced_age(nlohmann::json& out, const SyncedTrust& synced, const Verification& v,
                    const StatusListCache& cache, UnixTime now) {
  out["synced_from"] = synced.state.url;
  out["synced_at"] = format_time(synced.state.fetched_at);
  const StatusListToken* used = v.claims ? cache.find(v.claims->status_uri) : nullptr;
  if (!used && synced.list) used = &*synced.list;
  if (!used) return;
  out["status_list_age_seconds"] = list_age_seconds(used->claims, now);
  if (auto w = stale_list_warning(used->claims, now); !w.empty()) out["status_list_warning"] = w;
}

}  // namespace

void register_verify(CLI::App& app) {
  auto* cmd = app.add_subcommand("verify", "Verify a card's barcode offline");
  auto a = std::make_shared<VerifyArgs>();
  cmd->add_option("--root", a->root, "The root certificate (PEM); required unless --synced");
  cmd->add_option("--signers", a->signers, "The signer bundle (PEM); required unless --synced");
  cmd->add_option("--synced", a->synced,
                  "A folder kept by `sdc sync`: its root, signers and validity list, instead of "
                  "--root and --signers; adds the list's age, and a warning past its ttl");
  cmd->add_option("--status", a->status, "A validity Status List Token (may be repeated)");
  cmd->add_option("--status-cache", a->cache,
                  "Folder keeping the newest validity list seen per uri, across runs");
  add_now_option(cmd, a->now);
  auto* g = cmd->add_option_group("input", "What to verify");
  g->add_option("--barcode", a->barcode, "The barcode text (SDC1:...)");
  g->add_option("--barcode-file", a->barcode_file, "A file holding the barcode text");
  g->add_option("--image", a->image, "A scan or photo of the card's back (PNG or JPEG)");
  g->require_option(1);
  cmd->add_option("--role", a->role,
                  "Who is looking: officer (all card data) or screener "
                  "(identity and validity only)")
      ->check(CLI::IsMember({"officer", "screener"}))
      ->capture_default_str();
  cmd->add_option("--language", a->language,
                  "The language of the explanation: en, es, pt, ht or fr")
      ->check([](const std::string& l) {
        return i18n::is_supported(l) ? std::string() : "one of en, es, pt, ht, fr";
      })
      ->capture_default_str();
  on_run(cmd, [a] {
    auto now = resolve_now(a->now);
    if (!now) return usage_error(now.error());
    if (!a->synced.empty() && (!a->root.empty() || !a->signers.empty()))
      return usage_error("--synced takes the root and signers from " + a->synced +
                         ": give either --synced or --root and --signers, not both");
    if (a->synced.empty() && (a->root.empty() || a->signers.empty()))
      return usage_error("--root and --signers are required (or --synced DIR, kept by sdc sync)");
    std::optional<SyncedTrust> synced;
    if (!a->synced.empty()) {
      auto s = SyncFolder(a->synced).load();
      if (!s) return usage_error(s.error());
      synced = std::move(*s);
    }
    std::optional<TrustStore> given;
    if (!synced) {
      auto t = TrustStore::from_files(a->root, a->signers);
      if (!t) return usage_error(t.error());
      given = std::move(*t);
    }
    const TrustStore* trust = synced ? &synced->trust : &*given;
    std::string barcode = a->barcode;
    if (!a->barcode_file.empty()) {
      auto text = read_text_file(a->barcode_file);
      if (!text) return usage_error(text.error());
      barcode = *text;
      while (!barcode.empty() &&
             (barcode.back() == '\n' || barcode.back() == '\r' || barcode.back() == ' '))
        barcode.pop_back();
    } else if (!a->image.empty()) {
      auto text = read_qr_from_image_file(a->image);
      if (!text) {
        if (text.error().code == Errc::not_found) {
          print_json({{"result", "NOT_SDC"}, {"detail", "no QR code found in the image"}});
          return int{kNegative};
        }
        return usage_error(a->image + ": " + text.error().message);
      }
      barcode = *text;
    }
    ListStore lists(*trust, a->cache);
    lists.load_kept();
    std::vector<std::string> problems;
    if (synced && synced->list) {
      if (auto why = lists.offer(*synced->list); !why.empty())
        problems.push_back(a->synced + ": " + why);
    } else if (synced) {
      problems.push_back(synced->list_problem);
    }
    for (const auto& f : a->status)
      if (auto why = lists.offer_file(f, true); !why.empty()) problems.push_back(why);
    Verification v = verify_barcode(barcode, *trust, &lists.cache(), *now);
    auto catalogues = i18n::load_catalogues(i18n::default_catalogue_dir());
    if (!catalogues) return usage_error(catalogues.error());
    auto explanation = catalogues->format(a->language, explanation_key(v));
    if (!explanation) return usage_error(explanation.error());
    nlohmann::json out = verification_json(v, a->role, problems, *explanation);
    if (synced) add_synced_age(out, *synced, v, lists.cache(), *now);
    print_json(out);
    if (v.result != VerifyResult::valid) return int{kNegative};
    return v.status.validity == Validity::valid ? int{kOk} : int{kUnchecked};
  });
}

}  // namespace sdc::cli
