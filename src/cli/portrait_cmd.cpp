// sdc portrait check PHOTO [--json]
// sdc portrait normalise PHOTO --out FILE [--thumbnail FILE]
#include <cmath>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "sdc/util/file.h"
#include "sdc/card/portrait.h"

namespace sdc::cli {
namespace {

nlohmann::json rect_json(const PixelRect& r) {
  return {{"left", r.left}, {"top", r.top}, {"width", r.width}, {"height", r.height}};
}

double rounded(double v, double step) {
  return std::round(v / step) * step;
}

nlohmann::json report_json(const PortraitReport& r) {
  nlohmann::json j;
  j["accepted"] = r.accepted;
  j["reasons"] = nlohmann::json::array();
  for (const auto& p : r.problems)
    j["reasons"].push_back({{"code", p.code}, {"message", p.message}});
  j["image"] = {{"width", r.image_width}, {"height", r.image_height}};
  j["faces_found"] = r.faces_found;
  if (r.face) j["face"] = rect_json(*r.face);
  if (r.crop) j["crop"] = rect_json(*r.crop);
  if (r.measures) {
    j["measures"] = {{"brightness", rounded(r.measures->brightness, 0.1)},
                     {"dark_fraction", rounded(r.measures->dark_fraction, 0.001)},
                     {"bright_fraction", rounded(r.measures->bright_fraction, 0.001)},
                     {"sharpness", rounded(r.measures->sharpness, 0.1)}};
  }
  return j;
}

// A file that cannot be read or decoded: a usage error, reported in the
// same shape as a refusal so that scripts read one format.
int unreadable(const std::string& path, const Error& error, bool json) {
  const std::string message = path + ": " + error.message;
  if (json) {
    print_json(
        {{"accepted", false}, {"reasons", {{{"code", "unreadable"}, {"message", message}}}}});
    return kUsage;
  }
  return usage_error(message);
}

void print_text(const PortraitReport& r) {
  std::cout << (r.accepted ? "accepted" : "refused") << "\n";
  for (const auto& p : r.problems) std::cout << "  " << p.code << ": " << p.message << "\n";
}

// Photos over 20 MB are refused by the check anyway; read one byte more so
// that the check, not the reader, says so.
constexpr std::size_t kMaxPhotoBytes = (20u << 20) + 1;

}  // namespace

void register_portrait(CLI::App& app) {
  auto* portrait = app.add_subcommand("portrait", "Check and normalise portrait photos");
  portrait->require_subcommand(1);

  struct CheckArgs {
    std::string photo;
    bool json = false;
  };
  auto check_args = std::make_shared<CheckArgs>();
  auto* check = portrait->add_subcommand(
      "check", "Check a photo (JPEG or PNG) for an identity portrait; exit 0 accepted, 1 refused");
  check->add_option("PHOTO", check_args->photo, "The photo file")->required();
  check->add_flag("--json", check_args->json, "Print the verdict, reasons and measures as JSON");
  on_run(check, [check_args] {
    const auto& a = *check_args;
    auto data = read_file(a.photo, kMaxPhotoBytes);
    if (!data) return unreadable(a.photo, data.error(), a.json);
    auto report = check_portrait(as_bytes(*data));
    if (!report) return unreadable(a.photo, report.error(), a.json);
    if (a.json) {
      print_json(report_json(*report));
    } else {
      print_text(*report);
    }
    return report->accepted ? int{kOk} : int{kNegative};
  });

  struct NormaliseArgs {
    std::string photo, out, thumbnail;
  };
  auto norm_args = std::make_shared<NormaliseArgs>();
  auto* normalise = portrait->add_subcommand(
      "normalise", "Crop and scale an accepted photo into the 35:45 card portrait (JPEG)");
  normalise->add_option("PHOTO", norm_args->photo, "The photo file")->required();
  normalise->add_option("--out,-o", norm_args->out, "Where to write the portrait JPEG")->required();
  normalise->add_option("--thumbnail", norm_args->thumbnail,
                        "Where to write the barcode thumbnail (grayscale JPEG)");
  on_run(normalise, [norm_args] {
    const auto& a = *norm_args;
    auto data = read_file(a.photo, kMaxPhotoBytes);
    if (!data) return unreadable(a.photo, data.error(), true);
    auto report = check_portrait(as_bytes(*data));
    if (!report) return unreadable(a.photo, report.error(), true);
    if (!report->accepted) {
      print_json(report_json(*report));
      return int{kNegative};
    }
    auto p = normalise_portrait(as_bytes(*data));
    if (!p) return usage_error(p.error());
    if (auto w = write_file_atomic(a.out, as_chars(p->jpeg)); !w) return usage_error(w.error());
    if (!a.thumbnail.empty()) {
      if (auto w = write_file_atomic(a.thumbnail, as_chars(p->thumbnail)); !w) {
        return usage_error(w.error());
      }
    }
    auto j = report_json(*report);
    j["portrait"] = {{"file", a.out},
                     {"width", p->width},
                     {"height", p->height},
                     {"sha256", hex_encode(p->sha256)},
                     {"thumbnail_bytes", p->thumbnail.size()}};
    print_json(j);
    return int{kOk};
  });
}

}  // namespace sdc::cli
