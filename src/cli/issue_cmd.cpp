#include "cli/commands.h"
#include "cli/options.h"
#include "cli/portrait_input.h"
#include "sdc/credential/issuer.h"
#include "sdc/util/file.h"

namespace sdc::cli {

namespace {
struct IssueArgs {
  std::string keys, holder, now, office, status_uri, portrait, render;
  int valid_for = kDefaultValidDays;
  std::optional<std::uint64_t> status_index;
  bool no_thumbnail = false;
  bool prepared = false;
  std::string save_portrait;
};
}  // namespace

void register_issue(CLI::App& app) {
  auto* cmd = app.add_subcommand("issue", "Issue a card: sign the holder's data into a barcode");
  auto a = std::make_shared<IssueArgs>();
  cmd->add_option("--keys", a->keys, "The issuer's key folder (sdc pki init)")->required();
  cmd->add_option("--holder", a->holder,
                  "holder.json: family_name, given_names, date_of_birth, sex, "
                  "nationality, a_number, portrait (a file path), ...")
      ->required();
  add_now_option(cmd, a->now);
  cmd->add_option("--valid-for", a->valid_for, "Days of validity (at most 3653)")
      ->capture_default_str();
  cmd->add_option("--office", a->office, "Issuing office code (default: from the key folder)");
  cmd->add_option("--status-uri", a->status_uri,
                  "Validity list URI (default: from the key folder)");
  cmd->add_option("--status-index", a->status_index,
                  "Index in the validity list (default: at random)");
  cmd->add_option("--portrait", a->portrait,
                  "The holder's photo (JPEG or PNG); overrides holder.json");
  cmd->add_flag("--portrait-prepared", a->prepared,
                "The portrait is a drawn or already framed image: skip face detection");
  cmd->add_option("--save-portrait", a->save_portrait,
                  "Write the enrolled (normalised) portrait JPEG here");
  cmd->add_flag("--no-thumbnail", a->no_thumbnail,
                "Leave the portrait thumbnail out of the barcode");
  cmd->add_option("--render", a->render, "Also render the card into this folder");
  on_run(cmd, [a] {
    auto now = resolve_now(a->now);
    if (!now) return usage_error(now.error());
    PkiFolder folder(a->keys);
    auto settings = load_settings(folder);
    if (!settings) return usage_error(settings.error());
    auto signer = load_signer(folder);
    if (!signer) return usage_error(signer.error());
    auto text = read_text_file(a->holder);
    if (!text) return usage_error(text.error());
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded()) return usage_error(a->holder + ": not valid JSON");
    auto holder = holder_from_input_json(j);
    if (!holder) return usage_error(a->holder + ": " + holder.error().message);

    std::string portrait_path = a->portrait;
    if (portrait_path.empty() && j.contains("portrait") && j["portrait"].is_string())
      portrait_path = j["portrait"].get<std::string>();
    std::optional<Portrait> portrait;
    if (!portrait_path.empty()) {
      auto p = load_portrait_input(portrait_path,
                                   a->prepared ? PortraitSource::prepared : PortraitSource::photo);
      if (!p) return usage_error(p.error());
      if (!a->save_portrait.empty())
        if (auto w = write_file_atomic(a->save_portrait, as_chars(p->jpeg)); !w)
          return usage_error(w.error());
      portrait = std::move(*p);
      holder->portrait_sha256.assign(portrait->sha256.begin(), portrait->sha256.end());
      if (!a->no_thumbnail && !portrait->thumbnail.empty()) holder->thumbnail = portrait->thumbnail;
    }
    if (holder->portrait_sha256.empty())
      return usage_error(
          "the holder needs a portrait: give --portrait or \"portrait\" in holder.json");
    if (a->no_thumbnail) holder->thumbnail.reset();

    IssueOptions o;
    o.now = *now;
    o.valid_days = a->valid_for;
    if (!a->office.empty()) o.office = a->office;
    if (!a->status_uri.empty()) o.status_uri = a->status_uri;
    o.status_index = a->status_index;
    auto card = issue_card(std::move(*holder), *signer, *settings, o, crypto::system_random());
    if (!card) return usage_error(card.error());
    nlohmann::json out = card->to_json();
    if (!a->render.empty()) {
      if (!portrait) return usage_error("--render needs the holder's portrait");
      if (auto r = render_issued_card(out, *portrait, a->render); !r) return usage_error(r.error());
      out["rendered"] = a->render;
    }
    print_json(out);
    return int{kOk};
  });
}

}  // namespace sdc::cli
