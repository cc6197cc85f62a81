// sdc render and sdc render-batch: print-ready card files from what
// `sdc issue` prints.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "sdc/card/card_render.h"
#include "sdc/card/portrait.h"
#include "sdc/util/file.h"

namespace sdc::cli {
namespace {

constexpr std::size_t kMaxPortraitBytes = 20u << 20;
constexpr std::size_t kMaxLineBytes = 1u << 20;

struct RenderArgs {
  std::string card, portrait, out, format = "pdf,png";
  int dpi = 600;
  double bleed = 0;
  bool crop_marks = false;
  bool specimen = false;
};

struct BatchArgs {
  std::string cards, out, format = "pdf,png";
  int dpi = 600;
  unsigned jobs = 0;
};

void add_output_options(CLI::App* cmd, std::string& format, int& dpi) {
  cmd->add_option("--format", format, "Outputs: pdf (card.pdf), png (front.png, back.png, uv.png)")
      ->capture_default_str();
  cmd->add_option("--dpi", dpi, "PNG resolution, 72..2400")->capture_default_str();
}

// Document numbers become folder names: only the characters the format
// allows, so no line can write outside the output folder.
bool safe_folder_name(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
}

std::vector<std::string> written_files(const RenderOptions& o) {
  std::vector<std::string> files;
  if (o.pdf) files.emplace_back("card.pdf");
  if (o.png) {
    for (const char* f : {"front.png", "back.png", "uv.png"}) files.emplace_back(f);
  }
  return files;
}

int run_render(const RenderArgs& a) {
  RenderOptions options;
  if (auto ok = parse_card_formats(a.format, options); !ok) return usage_error(ok.error());
  options.dpi = a.dpi;
  options.bleed_mm = a.bleed;
  options.crop_marks = a.crop_marks;

  CardData card;
  Bytes portrait;
  if (a.specimen) {
    card = specimen_card();
    portrait = make_specimen_silhouette_jpeg();
  } else {
    if (a.card.empty() || a.portrait.empty()) {
      return usage_error("render needs --card and --portrait (or --specimen)");
    }
    auto text = read_file(a.card, 16u << 20);
    if (!text) return usage_error(a.card + ": " + text.error().message);
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded()) return usage_error(a.card + ": not valid JSON");
    auto c = card_from_json(j);
    if (!c) return usage_error(a.card + ": " + c.error().message);
    card = std::move(*c);
    auto p = read_file(a.portrait, kMaxPortraitBytes);
    if (!p) return usage_error(a.portrait + ": " + p.error().message);
    portrait.assign(p->begin(), p->end());
  }

  const auto start = std::chrono::steady_clock::now();
  auto rendered = render_card(card, portrait, options);
  if (!rendered) return usage_error(rendered.error());
  if (auto ok = write_card_files(*rendered, a.out); !ok) return usage_error(ok.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  print_json({{"out", a.out},
              {"document_number", card.document_number},
              {"files", written_files(options)},
              {"seconds", std::round(seconds * 1000) / 1000}});
  return kOk;
}

// One card of a print run, checked before any rendering starts.
struct BatchJob {
  std::size_t line = 0;
  CardData card;
  std::filesystem::path portrait;
};

struct Failure {
  std::size_t line = 0;
  std::string document_number;
  std::string error;
};

class Progress {
 public:
  Progress(std::size_t total, bool enabled) : total_(total), enabled_(enabled) { draw(); }
  void step() {
    const std::lock_guard lock(mu_);
    ++done_;
    draw();
  }
  void finish() {
    if (enabled_) std::fputc('\n', stderr);
  }

 private:
  void draw() {
    if (!enabled_) return;
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = total_ ? done_ * kWidth / total_ : kWidth;
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\rrender-batch [%s] %zu/%zu cards", bar.c_str(), done_, total_);
    std::fflush(stderr);
  }
  std::mutex mu_;
  std::size_t total_, done_ = 0;
  bool enabled_;
};

int run_render_batch(const BatchArgs& a) {
  RenderOptions options;
  if (auto ok = parse_card_formats(a.format, options); !ok) return usage_error(ok.error());
  options.dpi = a.dpi;
  if (options.dpi < 72 || options.dpi > 2400) return usage_error("--dpi must be 72..2400");

  std::ifstream in(a.cards, std::ios::binary);
  if (!in) return usage_error(a.cards + ": cannot open");
  // Relative portrait paths are read relative to the cards file.
  const std::filesystem::path base = std::filesystem::path(a.cards).parent_path();

  std::vector<BatchJob> jobs;
  std::vector<Failure> failures;
  std::map<std::string, std::size_t> seen;  // document number -> line
  std::size_t cards = 0, line_no = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++cards;
    if (line.size() > kMaxLineBytes) {
      failures.push_back({line_no, "", "line longer than 1 MiB"});
      continue;
    }
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      failures.push_back({line_no, "", "not valid JSON"});
      continue;
    }
    auto card = card_from_json(j);
    if (!card) {
      failures.push_back({line_no, "", card.error().message});
      continue;
    }
    const std::string& doc = card->document_number;
    if (!safe_folder_name(doc)) {
      failures.push_back({line_no, doc, "document_number must be digits and capital letters"});
      continue;
    }
    if (const auto it = seen.find(doc); it != seen.end()) {
      failures.push_back(
          {line_no, doc, "document number already on line " + std::to_string(it->second)});
      continue;
    }
    const auto p = j.find("portrait");
    if (p == j.end() || !p->is_string() || p->get_ref<const std::string&>().empty()) {
      failures.push_back({line_no, doc, "missing field portrait (a file path)"});
      continue;
    }
    std::filesystem::path portrait = p->get<std::string>();
    if (portrait.is_relative()) portrait = base / portrait;
    seen.emplace(doc, line_no);
    jobs.push_back({line_no, std::move(*card), std::move(portrait)});
  }
  if (in.bad()) return usage_error(a.cards + ": read error");

  const auto start = std::chrono::steady_clock::now();
  std::atomic<std::size_t> next{0};
  std::mutex failures_mu;
  Progress progress(jobs.size(), isatty(STDERR_FILENO) != 0);
  auto worker = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      const BatchJob& job = jobs[i];
      std::string error;
      try {
        auto portrait = read_file(job.portrait, kMaxPortraitBytes);
        if (!portrait) {
          error = job.portrait.string() + ": " + portrait.error().message;
        } else if (auto rendered = render_card(job.card, as_bytes(*portrait), options); !rendered) {
          error = rendered.error().message;
        } else if (auto ok = write_card_files(
                       *rendered, std::filesystem::path(a.out) / job.card.document_number);
                   !ok) {
          error = ok.error().message;
        }
      } catch (const std::exception& e) {
        error = std::string("internal error: ") + e.what();
      }
      if (!error.empty()) {
        const std::lock_guard lock(failures_mu);
        failures.push_back({job.line, job.card.document_number, std::move(error)});
      }
      progress.step();
    }
  };
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const unsigned threads = static_cast<unsigned>(
      std::min<std::size_t>(a.jobs ? a.jobs : hw, std::max<std::size_t>(1, jobs.size())));
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
  }
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::sort(failures.begin(), failures.end(),
            [](const Failure& x, const Failure& y) { return x.line < y.line; });
  nlohmann::json f = nlohmann::json::array();
  for (const Failure& x : failures) {
    nlohmann::json e = {{"line", x.line}, {"error", x.error}};
    if (!x.document_number.empty()) e["document_number"] = x.document_number;
    f.push_back(std::move(e));
  }
  print_json({{"cards", cards},
              {"rendered", cards - failures.size()},
              {"failures", std::move(f)},
              {"out", a.out},
              {"threads", threads},
              {"seconds", std::round(seconds * 1000) / 1000}});
  return failures.empty() ? kOk : kNegative;
}

}  // namespace

void register_render(CLI::App& app) {
  auto* render = app.add_subcommand(
      "render", "Render a card for printing: DIR/card.pdf, front.png, back.png, uv.png");
  auto r = std::make_shared<RenderArgs>();
  render->add_option("--card", r->card, "card.json, as sdc issue prints it");
  render->add_option("--portrait", r->portrait, "The holder's normalised portrait (JPEG)");
  render->add_option("--out", r->out, "Output folder")->required();
  add_output_options(render, r->format, r->dpi);
  render->add_option("--bleed", r->bleed, "PDF bleed in mm (0..5), e.g. 2")->capture_default_str();
  render->add_flag("--crop-marks", r->crop_marks, "PDF: add crop marks outside the bleed");
  render->add_flag("--specimen", r->specimen,
                   "Render the built-in SPECIMEN card with a drawn silhouette instead of --card");
  on_run(render, [r] { return run_render(*r); });

  auto* batch = app.add_subcommand(
      "render-batch", "Render a print run: one card JSON per line, with \"portrait\": a file path");
  auto b = std::make_shared<BatchArgs>();
  batch->add_option("--cards", b->cards, "cards.jsonl")->required();
  batch->add_option("--out", b->out, "Output folder: one subfolder per document number")
      ->required();
  add_output_options(batch, b->format, b->dpi);
  batch->add_option("--jobs", b->jobs, "Cards rendered at once (default: one per core)");
  on_run(batch, [b] { return run_render_batch(*b); });
}

}  // namespace sdc::cli
