// Card production benchmarks, each beside a bare baseline in the same run:
//  - rendering one card (PDF; 600 dpi PNG of both sides and the UV layer)
//    against a bare Cairo baseline: an ID-1 surface at the same resolution
//    filled flat and encoded to PNG, the floor any renderer pays;
//  - batch throughput with 1 and 2 threads (the ratio is the scaling);
//  - decoding the QR of a card photo with sdc::read_qr against a bare
//    zxing-cpp ReadBarcode with the same hints on the same image.
#include <benchmark/benchmark.h>
#include <cairo.h>

#include <ZXing/DecodeHints.h>
#include <ZXing/ReadBarcode.h>

#include <thread>

#include "sdc/barcode/barcode.h"
#include "sdc/card/card_render.h"
#include "sdc/image/image.h"
#include "sdc/credential/issuer.h"
#include "sdc/card/portrait.h"
#include "support/test_issuer.h"

namespace {

struct Fixture {
  nlohmann::json card;
  sdc::CardData data;
  sdc::Bytes portrait;
  sdc::GrayImage back_photo;  // the back at 600 dpi, scaled to 1200 px wide
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture out;
    auto issuer = sdc::testing::TestIssuer::make();
    sdc::testing::SeededRandom random(3);
    sdc::Portrait p = sdc::specimen_portrait();
    sdc::Holder h = sdc::testing::sample_holder();
    h.portrait_sha256.assign(p.sha256.begin(), p.sha256.end());
    h.thumbnail = p.thumbnail;
    sdc::IssueOptions o;
    o.now = sdc::testing::kTestNow;
    auto card = sdc::issue_card(h, issuer.signer, sdc::IssuerSettings{}, o, random);
    out.card = card->to_json();
    out.data = *sdc::card_from_json(out.card);
    out.portrait = p.jpeg;
    sdc::RenderOptions ro;
    ro.pdf = false;
    auto rendered = sdc::render_card(out.data, out.portrait, ro);
    auto back = sdc::decode_image(rendered->back_png);
    auto gray = sdc::to_gray(*back);
    out.back_photo = sdc::resize(gray, 1200, gray.height * 1200 / gray.width);
    return out;
  }();
  return f;
}

void BM_BareCairoFlatPng600(benchmark::State& state) {
  auto [w, h] = sdc::card_pixel_size(600);
  for (auto _ : state) {
    std::size_t bytes = 0;
    for (int side = 0; side < 3; ++side) {
      cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
      cairo_t* cr = cairo_create(s);
      cairo_set_source_rgb(cr, 0.95, 0.94, 0.90);
      cairo_paint(cr);
      cairo_destroy(cr);
      cairo_surface_write_to_png_stream(
          s,
          [](void* closure, const unsigned char*, unsigned int n) {
            *static_cast<std::size_t*>(closure) += n;
            return CAIRO_STATUS_SUCCESS;
          },
          &bytes);
      cairo_surface_destroy(s);
    }
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(BM_BareCairoFlatPng600)->Unit(benchmark::kMillisecond);

void BM_RenderCardPng600(benchmark::State& state) {
  const auto& f = fixture();
  sdc::RenderOptions o;
  o.pdf = false;
  for (auto _ : state) benchmark::DoNotOptimize(sdc::render_card(f.data, f.portrait, o));
}
BENCHMARK(BM_RenderCardPng600)->Unit(benchmark::kMillisecond);

void BM_RenderCardPdf(benchmark::State& state) {
  const auto& f = fixture();
  sdc::RenderOptions o;
  o.png = false;
  for (auto _ : state) benchmark::DoNotOptimize(sdc::render_card(f.data, f.portrait, o));
}
BENCHMARK(BM_RenderCardPdf)->Unit(benchmark::kMillisecond);

// Cards per second for a print run, PDF + 600 dpi PNG, on N threads.
void BM_BatchThroughput(benchmark::State& state) {
  const auto& f = fixture();
  const int threads = static_cast<int>(state.range(0));
  constexpr int kCardsPerThread = 2;
  for (auto _ : state) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&] {
        for (int i = 0; i < kCardsPerThread; ++i)
          benchmark::DoNotOptimize(sdc::render_card(f.data, f.portrait, {}));
      });
    for (auto& th : pool) th.join();
  }
  state.counters["cards_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * threads * kCardsPerThread,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BatchThroughput)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_BareZXingReadBarcode(benchmark::State& state) {
  const auto& img = fixture().back_photo;
  const ZXing::ImageView view(img.pixels.data(), img.width, img.height, ZXing::ImageFormat::Lum);
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  for (auto _ : state) {
    auto r = ZXing::ReadBarcode(view, hints);
    if (!r.isValid()) state.SkipWithError("zxing did not read the card");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_BareZXingReadBarcode)->Unit(benchmark::kMillisecond);

void BM_ReadQrFromCardImage(benchmark::State& state) {
  const auto& img = fixture().back_photo;
  for (auto _ : state) {
    auto r = sdc::read_qr(img);
    if (!r) state.SkipWithError("read_qr did not read the card");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ReadQrFromCardImage)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
