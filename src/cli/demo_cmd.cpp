#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/portrait_input.h"
#include "sdc/util/file.h"
#include "sdc/credential/issuer.h"
#include "sdc/credential/specimen.h"
#include "sdc/credential/verify.h"

namespace sdc::cli {

namespace {

int run_demo(const std::filesystem::path& dir) {
  auto now = SystemClock().now();
  PkiFolder keys(dir / "keys");
  if (!std::filesystem::exists(keys.signer_key())) {
    if (auto r = pki_init(keys, PkiOptions{}, now); !r) return usage_error(r.error());
    std::cerr << "sdc demo: made demo issuer keys in " << keys.dir().string() << "\n";
  }
  auto settings = load_settings(keys);
  if (!settings) return usage_error(settings.error());
  auto signer = load_signer(keys.signer_key(), keys.signer_cert());
  if (!signer) return usage_error(signer.error());

  Portrait portrait = specimen_portrait();
  Holder holder = specimen_holder();
  holder.portrait_sha256.assign(portrait.sha256.begin(), portrait.sha256.end());
  if (!portrait.thumbnail.empty()) holder.thumbnail = portrait.thumbnail;
  IssueOptions o;
  o.now = now;
  o.status_list_size = 4096;
  auto card = issue_card(holder, *signer, *settings, o, crypto::system_random());
  if (!card) return usage_error(card.error());
  nlohmann::json card_json = card->to_json();
  if (auto w = write_file_atomic(dir / "card.json", card_json.dump(2) + "\n"); !w)
    return usage_error(w.error());
  if (auto w = write_file_atomic(dir / "portrait.jpg", as_chars(portrait.jpeg)); !w)
    return usage_error(w.error());

  auto list = StatusList::create(o.status_list_size);
  StatusListClaims claims{settings->status_uri, now, now + 86400, 3600};
  auto token = build_status_list_token(*list, claims, *signer);
  if (!token) return usage_error(token.error());
  if (auto w = write_file_atomic(dir / "validity.cwt", as_chars(*token)); !w)
    return usage_error(w.error());

  auto render = render_issued_card(card_json, portrait, dir / "card");

  auto trust = TrustStore::from_files(keys.root_cert(), keys.bundle());
  if (!trust) return usage_error(trust.error());
  StatusListCache cache;
  auto loaded = load_status_list_token(*token, *trust);
  if (!loaded) return usage_error(loaded.error());
  cache.offer(std::move(*loaded));
  Verification v = verify_barcode(card->barcode, *trust, &cache, now);

  nlohmann::json out = {
      {"issued", card_json},
      {"verification",
       {{"result", to_string(v.result)},
        {"validity", to_string(v.status.validity)},
        {"status_as_of", v.status.as_of ? format_time(*v.status.as_of) : ""},
        {"detail", v.detail}}},
      {"files",
       {{"keys", keys.dir().string()},
        {"card", (dir / "card.json").string()},
        {"validity_list", (dir / "validity.cwt").string()},
        {"rendered",
         render ? (dir / "card").string() : "not rendered: " + render.error().message}}},
      {"try", "build/bin/sdc verify --root " + keys.root_cert().string() + " --signers " +
                  keys.bundle().string() + " --status " + (dir / "validity.cwt").string() +
                  " --barcode-file " + (dir / "barcode.txt").string()},
  };
  (void)write_file_atomic(dir / "barcode.txt", card->barcode + "\n");
  print_json(out);
  return v.result == VerifyResult::valid && v.status.validity == Validity::valid ? int{kOk}
                                                                                 : int{kNegative};
}

}  // namespace

void register_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Make demo keys (first run), issue a SPECIMEN card, publish a validity list and verify");
  auto dir = std::make_shared<std::string>("var/demo");
  cmd->add_option("--dir", *dir, "Working folder")->capture_default_str();
  on_run(cmd, [dir] { return run_demo(*dir); });
}

}  // namespace sdc::cli
