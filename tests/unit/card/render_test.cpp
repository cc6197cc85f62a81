// The card renderer: its QR code reads back (also from a degraded "phone
// photo" of the back), its PDFs open in poppler, each card has its own
// guilloche, and the card JSON reads as `sdc issue` writes it. The portrait
// is always the drawn silhouette: no photograph of a person is used.
#include <cairo.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>

#include "card/render_draw.h"
#include "sdc/barcode/barcode.h"
#include "sdc/card/card_render.h"
#include "sdc/image/image.h"
#include "sdc/credential/mrz.h"
#include "sdc/card/portrait.h"
#include "sdc/credential/specimen.h"
#include "unit/image/image_samples.h"

namespace sdc {
namespace {

namespace fs = std::filesystem;

std::string realistic_barcode(std::uint32_t seed) {
  Bytes b;
  for (int i = 0; i < 270; ++i) {
    seed = seed * 1664525u + 1013904223u;
    b.push_back(static_cast<std::uint8_t>(seed >> 24));
  }
  return "SDC1:" + base45_encode(b);
}

CardData test_card(const std::string& document_number = "DK4000000") {
  CardData c = specimen_card();
  c.document_number = c.holder.document_number = document_number;
  c.barcode = realistic_barcode(42);
  return c;
}

const Bytes& silhouette() {
  static const Bytes jpeg = [] { return make_specimen_silhouette_jpeg(); }();
  return jpeg;
}

// One 600 dpi rendering shared by the tests that need it (a second each).
const RenderedCard& rendered_600() {
  static const RenderedCard card = [] {
    auto r = render_card(test_card(), silhouette(), RenderOptions{});
    return r ? *r : RenderedCard{};
  }();
  return card;
}

fs::path temp_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("sdc_render_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::pair<int, int> png_size(const Bytes& png) {
  if (png.size() < 24) return {0, 0};
  auto be32 = [&](std::size_t at) {
    return static_cast<int>((png[at] << 24) | (png[at + 1] << 16) | (png[at + 2] << 8) |
                            png[at + 3]);
  };
  return {be32(16), be32(20)};
}

bool have_tool(const char* name) {
  return std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0;
}

// What a phone makes of the card's back: 1,200 px wide, turned 10 degrees on
// a grey table, blurred, noisy, and saved as a JPEG of quality 60.
Result<Bytes> phone_photo(const Bytes& back_png) {
  auto rgb = decode_image(back_png);
  if (!rgb) return std::unexpected(rgb.error());
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> card(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, rgb->width, rgb->height),
      cairo_surface_destroy);
  unsigned char* data = cairo_image_surface_get_data(card.get());
  const int stride = cairo_image_surface_get_stride(card.get());
  for (int y = 0; y < rgb->height; ++y) {
    for (int x = 0; x < rgb->width; ++x) {
      const std::uint8_t* p = &rgb->rgb[(static_cast<std::size_t>(y) * rgb->width + x) * 3];
      unsigned char* q = data + y * stride + 4 * x;
      q[0] = p[2];
      q[1] = p[1];
      q[2] = p[0];
      q[3] = 0xFF;
    }
  }
  cairo_surface_mark_dirty(card.get());

  constexpr int kW = 1200, kH = 800;
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> photo(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, kW, kH), cairo_surface_destroy);
  cairo_t* cr = cairo_create(photo.get());
  cairo_set_source_rgb(cr, 0.42, 0.40, 0.37);
  cairo_paint(cr);
  cairo_translate(cr, kW / 2.0, kH / 2.0);
  cairo_rotate(cr, 10 * std::numbers::pi / 180);
  const double scale = 0.78 * kW / rgb->width;
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, card.get(), -rgb->width / 2.0, -rgb->height / 2.0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_flush(photo.get());

  GrayImage gray;
  gray.width = kW;
  gray.height = kH;
  gray.pixels.resize(static_cast<std::size_t>(kW) * kH);
  const unsigned char* pd = cairo_image_surface_get_data(photo.get());
  const int ps = cairo_image_surface_get_stride(photo.get());
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) {
      const unsigned char* p = pd + y * ps + 4 * x;
      gray.pixels[static_cast<std::size_t>(y) * kW + x] =
          static_cast<std::uint8_t>((29 * p[0] + 150 * p[1] + 77 * p[2]) >> 8);
    }
  }
  // A 3x3 box blur, twice: the softness of a phone lens and its processing.
  for (int pass = 0; pass < 2; ++pass) {
    GrayImage out = gray;
    for (int y = 1; y < kH - 1; ++y) {
      for (int x = 1; x < kW - 1; ++x) {
        int sum = 0;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx)
            sum += gray.pixels[static_cast<std::size_t>(y + dy) * kW + x + dx];
        }
        out.pixels[static_cast<std::size_t>(y) * kW + x] = static_cast<std::uint8_t>(sum / 9);
      }
    }
    gray = std::move(out);
  }
  // Sensor noise: uniform, +-20 levels.
  std::uint32_t seed = 12345;
  for (auto& v : gray.pixels) {
    seed = seed * 1664525u + 1013904223u;
    const int noise = static_cast<int>(seed >> 24) % 41 - 20;
    v = static_cast<std::uint8_t>(std::clamp(v + noise, 0, 255));
  }
  RgbImage out;
  out.width = kW;
  out.height = kH;
  for (const std::uint8_t v : gray.pixels) out.rgb.insert(out.rgb.end(), {v, v, v});
  return encode_jpeg(out, 60);
}

TEST(RenderTest, Png600DpiIsTheSizeOfAnId1Card) {
  const RenderedCard& r = rendered_600();
  ASSERT_FALSE(r.front_png.empty());
  for (const Bytes* png : {&r.front_png, &r.back_png, &r.uv_png}) {
    const auto [w, h] = png_size(*png);
    EXPECT_NEAR(w, 2022, 1);
    EXPECT_NEAR(h, 1276, 1);
  }
  const auto [w, h] = card_pixel_size(600);
  EXPECT_NEAR(w, 2022, 1);
  EXPECT_NEAR(h, 1276, 1);
}

TEST(RenderTest, BackPngQrDecodesToTheBarcodeText) {
  const RenderedCard& r = rendered_600();
  ASSERT_FALSE(r.back_png.empty());
  auto text = read_qr_from_image_bytes(r.back_png);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, test_card().barcode);
}

TEST(RenderTest, QrStillDecodesFromAPhonePhotoOfTheBack) {
  const RenderedCard& r = rendered_600();
  auto photo = phone_photo(r.back_png);
  ASSERT_TRUE(photo) << photo.error().message;
  auto text = read_qr_from_image_bytes(*photo);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, test_card().barcode);
}

TEST(RenderTest, LongestBarcodeStillPrintsWithReadableModules) {
  // About what a card with a 500-byte thumbnail and long names carries: a
  // version-24 symbol, 0.306 mm per module. Read at the print resolution:
  // zxing-cpp 1.4 is erratic on pixel-exact renders of so large a symbol at
  // ~3.6 pixels per module (300 dpi), which says nothing about print.
  CardData c = test_card();
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  c.barcode = "SDC1:";
  for (std::size_t i = 0; i < 1250; ++i)
    c.barcode += alphabet[(i * 7919 + i / 3) % alphabet.size()];
  RenderOptions o;
  o.pdf = false;
  auto r = render_card(c, silhouette(), o);
  ASSERT_TRUE(r) << r.error().message;
  auto text = read_qr_from_image_bytes(r->back_png);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, c.barcode);
  auto photo = phone_photo(r->back_png);
  ASSERT_TRUE(photo);
  auto from_photo = read_qr_from_image_bytes(*photo);
  ASSERT_TRUE(from_photo) << from_photo.error().message;
  EXPECT_EQ(*from_photo, c.barcode);
}

TEST(RenderTest, ConcurrentRendersMatchSequentialOnes) {
  RenderOptions o;
  o.dpi = 120;
  const CardData a = test_card("DK4000010"), b = test_card("DK4000011");
  auto ra = render_card(a, silhouette(), o);
  auto rb = render_card(b, silhouette(), o);
  ASSERT_TRUE(ra && rb);
  Result<RenderedCard> ta, tb;
  {
    std::jthread t1([&] { ta = render_card(a, silhouette(), o); });
    std::jthread t2([&] { tb = render_card(b, silhouette(), o); });
  }
  ASSERT_TRUE(ta && tb);
  EXPECT_EQ(ta->front_png, ra->front_png);
  EXPECT_EQ(ta->back_png, ra->back_png);
  EXPECT_EQ(tb->uv_png, rb->uv_png);
  EXPECT_EQ(tb->pdf.size(), rb->pdf.size());
}

TEST(RenderTest, PdfHasTwoPagesThatPopplerReadsAndRenders) {
  ASSERT_TRUE(have_tool("pdfinfo") && have_tool("pdftoppm"))
      << "poppler-utils is missing: scripts/setup.sh --test installs it";
  const fs::path dir = temp_dir("pdf");
  RenderOptions plain;
  plain.png = false;
  RenderOptions print = plain;
  print.bleed_mm = 2;
  print.crop_marks = true;
  int n = 0;
  for (const RenderOptions& o : {plain, print}) {
    auto r = render_card(test_card(), silhouette(), o);
    ASSERT_TRUE(r) << r.error().message;
    const fs::path pdf = dir / ("card" + std::to_string(n++) + ".pdf");
    write_bytes(pdf, r->pdf);
    const fs::path info = dir / "info.txt";
    ASSERT_EQ(
        std::system(("pdfinfo '" + pdf.string() + "' > '" + info.string() + "' 2>&1").c_str()), 0)
        << read_text(info);
    const std::string text = read_text(info);
    const auto pages = text.find("Pages:");
    ASSERT_NE(pages, std::string::npos) << text;
    EXPECT_EQ(std::stoi(text.substr(pages + 6)), 2) << text;
    const fs::path prefix = dir / "page";
    ASSERT_EQ(std::system(("pdftoppm -r 40 -png '" + pdf.string() + "' '" + prefix.string() +
                           "' 2>" + (dir / "err.txt").string())
                              .c_str()),
              0)
        << read_text(dir / "err.txt");
    EXPECT_TRUE(read_text(dir / "err.txt").empty()) << read_text(dir / "err.txt");
    EXPECT_TRUE(fs::exists(dir / "page-1.png"));
    EXPECT_TRUE(fs::exists(dir / "page-2.png"));
    // The portrait goes in as the JPEG it was given.
    EXPECT_NE(std::string(as_chars(r->pdf)).find("/DCTDecode"), std::string::npos);
    fs::remove(dir / "page-1.png");
    fs::remove(dir / "page-2.png");
  }
  fs::remove_all(dir);
}

TEST(RenderTest, BleedAndCropMarksGrowThePage) {
  RenderOptions o;
  o.png = false;
  o.bleed_mm = 2;
  o.crop_marks = true;
  auto r = render_card(test_card(), silhouette(), o);
  ASSERT_TRUE(r);
  // 85.60 + 2 * (2 + 6) mm = 101.6 mm = 288 pt.
  EXPECT_NE(std::string(as_chars(r->pdf)).find("/MediaBox [ 0 0 288"), std::string::npos);
}

// A strip of the front holding only guilloche (right of the short specimen
// names, above the data grid), as RGB rows.
std::vector<std::uint8_t> guilloche_strip(const Bytes& png, int dpi) {
  auto img = decode_image(png);
  if (!img) return {};
  const double px = dpi / 25.4;
  const int x0 = static_cast<int>(62 * px), x1 = static_cast<int>(82 * px);
  const int y0 = static_cast<int>(13 * px), y1 = static_cast<int>(27 * px);
  std::vector<std::uint8_t> strip;
  for (int y = y0; y < y1; ++y) {
    const auto* row = &img->rgb[(static_cast<std::size_t>(y) * img->width + x0) * 3];
    strip.insert(strip.end(), row, row + (x1 - x0) * 3);
  }
  return strip;
}

TEST(RenderTest, EachDocumentNumberHasItsOwnGuilloche) {
  RenderOptions o;
  o.pdf = false;
  o.dpi = 200;
  auto a = render_card(test_card("DK4000000"), silhouette(), o);
  auto a2 = render_card(test_card("DK4000000"), silhouette(), o);
  auto b = render_card(test_card("DK4000001"), silhouette(), o);
  ASSERT_TRUE(a && a2 && b);
  const auto sa = guilloche_strip(a->front_png, o.dpi);
  const auto sa2 = guilloche_strip(a2->front_png, o.dpi);
  const auto sb = guilloche_strip(b->front_png, o.dpi);
  ASSERT_FALSE(sa.empty());
  ASSERT_EQ(sa.size(), sb.size());
  EXPECT_EQ(sa, sa2) << "the same card must render the same";
  std::size_t differing = 0;
  for (std::size_t i = 0; i < sa.size(); ++i) differing += sa[i] != sb[i];
  EXPECT_GT(differing, sa.size() / 5) << "patterns of two cards barely differ";
  EXPECT_NE(a->uv_png, b->uv_png);
}

TEST(RenderTest, WritesExactlyTheFilesAskedFor) {
  const fs::path dir = temp_dir("files");
  nlohmann::json card = {{"barcode", realistic_barcode(9)},
                         {"mrz", test_card().mrz},
                         {"document_number", "DK4000000"},
                         {"iss", "USA"},
                         {"issued_at", "2026-11-27T00:00:00Z"},
                         {"expires_at", "2031-11-27T00:00:00Z"},
                         {"status_index", 123},
                         {"status_uri", "https://sdc.invalid/status/1"},
                         {"holder",
                          {{"document_number", "DK4000000"},
                           {"a_number", "201555000"},
                           {"family_name", "ERIKSSON"},
                           {"given_names", "ANNA MARIA"},
                           {"date_of_birth", "1974-08-12"},
                           {"sex", "F"},
                           {"nationality", "UTO"},
                           {"portrait_sha256", std::string(64, 'a')},
                           {"card_version", 1},
                           {"issuing_office", "ATL"}}}};
  RenderOptions o;
  o.dpi = 100;
  auto both = render_card_to_dir(card, silhouette(), dir / "both", o);
  ASSERT_TRUE(both) << both.error().message;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir / "both")) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"back.png", "card.pdf", "front.png", "uv.png"}));

  o.png = false;
  auto pdf_only = render_card_to_dir(card, silhouette(), dir / "pdf", o);
  ASSERT_TRUE(pdf_only) << pdf_only.error().message;
  EXPECT_TRUE(fs::exists(dir / "pdf" / "card.pdf"));
  EXPECT_FALSE(fs::exists(dir / "pdf" / "front.png"));
  fs::remove_all(dir);
}

TEST(RenderTest, CardFromJsonReadsWhatIssuePrints) {
  const auto j = nlohmann::json::parse(R"({
    "barcode": "SDC1:ABC", "mrz": ["A", "B", "C"], "document_number": "DK4000000",
    "iss": "USA", "issued_at": "2026-11-27T00:00:00Z", "expires_at": "2031-11-27T00:00:00Z",
    "status_index": 123, "status_uri": "https://x.invalid/s",
    "holder": {"document_number": "DK4000000", "a_number": "201555000",
               "family_name": "ERIKSSON", "given_names": "ANNA MARIA",
               "date_of_birth": "1990-XX-XX", "sex": "F", "nationality": "UTO",
               "portrait_sha256": "00", "thumbnail": "AAAA", "card_version": 2,
               "issuing_office": "ATL", "unknown": true}})");
  auto c = card_from_json(j);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->issue_date, "2026-11-27");
  EXPECT_EQ(c->expiry_date, "2031-11-26");  // the day before expires_at
  EXPECT_EQ(c->holder.card_version, 2u);
  EXPECT_EQ(c->status_index, 123u);
  EXPECT_EQ(c->mrz[2], "C");

  auto missing = j;
  missing["holder"].erase("family_name");
  auto m = card_from_json(missing);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Errc::parse);
  EXPECT_NE(m.error().message.find("holder.family_name"), std::string::npos);

  auto bad_mrz = j;
  bad_mrz["mrz"] = {"A", "B"};
  EXPECT_FALSE(card_from_json(bad_mrz));
  auto wrong_type = j;
  wrong_type["holder"]["sex"] = 1;
  EXPECT_FALSE(card_from_json(wrong_type));
  EXPECT_FALSE(card_from_json(nlohmann::json::array()));
}

TEST(RenderTest, FieldsAreSpelledAsPrinted) {
  EXPECT_EQ(format_a_number("201555000"), "A201-555-000");
  EXPECT_EQ(format_a_number("A123456789"), "A123-456-789");
  EXPECT_EQ(format_card_date("1974-08-12"), "12 AUG 1974");
  EXPECT_EQ(format_card_date("1990-XX-XX"), "XX XXX 1990");
  EXPECT_EQ(format_card_date("1990-05-XX"), "XX MAY 1990");
  EXPECT_EQ(country_name("UTO"), "UTOPIA");
  EXPECT_EQ(country_name("XXA"), "STATELESS");
  EXPECT_EQ(country_name("XXX"), "UNSPECIFIED");
  EXPECT_EQ(country_name("D<<"), "GERMANY");
  EXPECT_EQ(country_name("QQQ"), "");
  EXPECT_EQ(issuing_authority("USA"),
            "UNITED STATES OF AMERICA \u2014 DEPARTMENT OF HOMELAND SECURITY");
  EXPECT_EQ(issuing_authority("UTO"), "ISSUING STATE UTO");
  RenderOptions o;
  EXPECT_TRUE(parse_card_formats("png", o));
  EXPECT_TRUE(o.png && !o.pdf);
  EXPECT_TRUE(parse_card_formats("pdf, png", o));
  EXPECT_TRUE(o.png && o.pdf);
  EXPECT_FALSE(parse_card_formats("svg", o));
}

// A box on the card in millimetres from its top-left corner.
struct MmBox {
  double left, top, right, bottom;
};

// The value boxes of the front's name fields (render_front.cpp) and the
// microtext lines that repeat the name.
constexpr MmBox kFamilyNameBox{30.6, 15.85, 82.6, 20.3};
constexpr MmBox kGivenNamesBox{30.6, 23.25, 82.6, 27.2};
constexpr MmBox kMicrotextTop{3.6, 11.4, 82.6, 13.0};
constexpr MmBox kMicrotextFoot{30.6, 48.4, 69.5, 50.0};

bool in_box(const MmBox& b, double x_mm, double y_mm, double margin) {
  return x_mm >= b.left - margin && x_mm <= b.right + margin && y_mm >= b.top - margin &&
         y_mm <= b.bottom + margin;
}

// The pixels of one rendering that another rendering of the same card
// (with other names) does not have, within one box.
struct Ink {
  double left_mm = 1e9, right_mm = -1e9, top_mm = 1e9, bottom_mm = -1e9;
  int dark_pixels = 0;              // the text colour, not a blend with the guilloche
  std::map<int, int> dark_per_row;  // pixel row -> dark pixels in it
};

// True when the dark rows have a gap in their middle third: two lines of text.
bool two_lines(const Ink& ink) {
  if (ink.dark_per_row.size() < 6) return false;
  const int first = ink.dark_per_row.begin()->first, last = ink.dark_per_row.rbegin()->first;
  int peak = 0, middle_low = 1 << 30;
  for (int row = first; row <= last; ++row) {
    const auto it = ink.dark_per_row.find(row);
    const int n = it == ink.dark_per_row.end() ? 0 : it->second;
    peak = std::max(peak, n);
    if (3 * (row - first) >= last - first && 3 * (row - first) <= 2 * (last - first))
      middle_low = std::min(middle_low, n);
  }
  return middle_low * 50 <= peak;
}

// Characters of `text` the face has no glyph for (they would print as boxes).
int missing_glyphs(cairo_font_face_t* face, std::string_view text) {
  cairo_matrix_t m;
  cairo_matrix_init_identity(&m);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_scaled_font_t* font = cairo_scaled_font_create(face, &m, &m, options);
  cairo_font_options_destroy(options);
  cairo_glyph_t* glyphs = nullptr;
  int count = 0;
  int missing = -1;
  if (cairo_scaled_font_text_to_glyphs(font, 0, 0, text.data(), static_cast<int>(text.size()),
                                       &glyphs, &count, nullptr, nullptr,
                                       nullptr) == CAIRO_STATUS_SUCCESS) {
    missing = static_cast<int>(
        std::count_if(glyphs, glyphs + count, [](const cairo_glyph_t& g) { return g.index == 0; }));
  }
  cairo_glyph_free(glyphs);
  cairo_scaled_font_destroy(font);
  return missing;
}

TEST(RenderTest, LongAndUnicodeNamesRender) {
  CardData c = test_card();
  c.holder.family_name =
      "FERNÁNDEZ-RODRÍGUEZ DE LA SANTÍSIMA TRINIDAD Y BORBÓN-DOS SICILIAS "
      "VON UND ZU ØSTERGÅRD-ÞÓRSSON";
  c.holder.given_names = "МАРИЯ-ЛУИЗА ΑΙΚΑΤΕΡΙΝΗ Søren Łukasz Ğül Đorđević";
  c.holder.nationality = "COD";
  // The same card without names: where the two differ is what the names drew.
  CardData nameless = c;
  nameless.holder.family_name.clear();
  nameless.holder.given_names.clear();
  RenderOptions o;
  o.dpi = 300;
  o.pdf = false;
  auto r = render_card(c, silhouette(), o);
  ASSERT_TRUE(r) << r.error().message;
  auto rn = render_card(nameless, silhouette(), o);
  ASSERT_TRUE(rn) << rn.error().message;
  auto with = decode_image(r->front_png);
  auto without = decode_image(rn->front_png);
  ASSERT_TRUE(with && without);
  ASSERT_EQ(with->width, without->width);
  ASSERT_EQ(with->height, without->height);

  const double px_per_mm = with->width / kCardWidthMm;
  const double px_mm = 1 / px_per_mm;
  Ink family, given;
  int strays = 0;
  for (int y = 0; y < with->height; ++y) {
    for (int x = 0; x < with->width; ++x) {
      const std::size_t at = (static_cast<std::size_t>(y) * with->width + x) * 3;
      int diff = 0, sum = 0;
      for (int k = 0; k < 3; ++k) {
        diff = std::max(diff, std::abs(with->rgb[at + k] - without->rgb[at + k]));
        sum += with->rgb[at + k];
      }
      if (diff < 24) continue;
      const double xm = (x + 0.5) * px_mm, ym = (y + 0.5) * px_mm;
      // Anti-aliasing may reach a pixel past a box; nothing else may.
      Ink* ink = in_box(kFamilyNameBox, xm, ym, 2 * px_mm)   ? &family
                 : in_box(kGivenNamesBox, xm, ym, 2 * px_mm) ? &given
                                                             : nullptr;
      if (!ink) {
        if (!in_box(kMicrotextTop, xm, ym, 0.3) && !in_box(kMicrotextFoot, xm, ym, 0.3) &&
            strays++ < 5)
          ADD_FAILURE() << "the names drew outside their boxes at " << xm << ", " << ym << " mm";
        continue;
      }
      ink->left_mm = std::min(ink->left_mm, xm);
      ink->right_mm = std::max(ink->right_mm, xm);
      ink->top_mm = std::min(ink->top_mm, ym);
      ink->bottom_mm = std::max(ink->bottom_mm, ym);
      if (sum / 3 < 80) {
        ++ink->dark_pixels;
        ++ink->dark_per_row[y];
      }
    }
  }
  EXPECT_EQ(strays, 0);

  for (const auto& [name, ink, box] : {std::tuple{"family name", &family, kFamilyNameBox},
                                       {"given names", &given, kGivenNamesBox}}) {
    SCOPED_TRACE(name);
    // Dark text fills a good part of the box...
    const double box_px = (box.right - box.left) * (box.bottom - box.top) * px_per_mm * px_per_mm;
    EXPECT_GT(ink->dark_pixels, 0.05 * box_px);
    // ...from its left edge to near its right one: so long a name is fitted
    // to the box's width, neither cut short nor spilling past it.
    EXPECT_NEAR(ink->left_mm, box.left, 0.5);
    EXPECT_GT(ink->right_mm, box.right - 1.5);
    EXPECT_LE(ink->right_mm, box.right + px_mm);
    EXPECT_GE(ink->top_mm, box.top - px_mm);
    EXPECT_LE(ink->bottom_mm, box.bottom + px_mm);
  }
  // Too long for one line even condensed, the family name takes two; the
  // given names fit one.
  EXPECT_TRUE(two_lines(family));
  EXPECT_FALSE(two_lines(given));

  // Every letter, Latin, Greek or Cyrillic, has a glyph in the card's faces.
  auto fonts = card_render::load_fonts();
  ASSERT_TRUE(fonts) << fonts.error().message;
  for (cairo_font_face_t* face : {fonts->sans_bold.get(), fonts->condensed_bold.get()}) {
    EXPECT_EQ(missing_glyphs(face, c.holder.family_name), 0);
    EXPECT_EQ(missing_glyphs(face, c.holder.given_names), 0);
  }
}

TEST(RenderTest, RendersACmykPortrait) {
  // An Adobe CMYK portrait, all red (no cyan ink, full magenta and yellow):
  // drawn as red, not inverted, in the raster and in the PDF.
  RenderOptions o;
  o.dpi = 150;
  auto r = render_card(test_card(), test::uniform_cmyk_jpeg(350, 450, {255, 0, 0, 255}), o);
  ASSERT_TRUE(r) << r.error().message;
  auto front = decode_image(r->front_png);
  ASSERT_TRUE(front) << front.error().message;
  const auto reddish = std::count_if(front->rgb.begin(), front->rgb.end() - 2, [&](const auto& v) {
    const auto i = static_cast<std::size_t>(&v - front->rgb.data());
    return i % 3 == 0 && v > 200 && front->rgb[i + 1] < 120 && front->rgb[i + 2] < 120;
  });
  EXPECT_GT(reddish, 5000) << "the red portrait is not on the card";
  EXPECT_FALSE(r->pdf.empty());
}

TEST(RenderTest, RefusesWhatItCannotPrint) {
  RenderOptions o;
  o.dpi = 100;
  auto none = render_card(test_card(), Bytes{}, o);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::invalid_argument);
  const std::string not_jpeg = "\x89PNG\r\n\x1a\n";
  EXPECT_FALSE(render_card(test_card(), as_bytes(not_jpeg), o));
  const Bytes broken = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0};
  auto b = render_card(test_card(), broken, o);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, Errc::invalid_argument);

  RenderOptions bad_dpi;
  bad_dpi.dpi = 10;
  EXPECT_FALSE(render_card(test_card(), silhouette(), bad_dpi));

  // So long a barcode would need modules under 0.3 mm.
  CardData c = test_card();
  c.barcode = "SDC1:" + std::string(1500, 'A');
  auto long_code = render_card(c, silhouette(), o);
  ASSERT_FALSE(long_code);
  EXPECT_EQ(long_code.error().code, Errc::invalid_argument);
}

TEST(RenderTest, SpecimenIsConsistent) {
  const CardData s = specimen_card();
  EXPECT_EQ(s.holder.family_name, "SPECIMEN");
  EXPECT_EQ(s.holder.given_names, "SAMPLE");
  EXPECT_EQ(s.holder.nationality, "UTO");
  EXPECT_EQ(s.barcode.rfind("SDC1:", 0), 0u);
  for (const auto& line : s.mrz) EXPECT_EQ(line.size(), 30u);
  // Check digits of the specimen's MRZ (7-3-1).
  const std::string& l1 = s.mrz[0];
  const std::string& l2 = s.mrz[1];
  EXPECT_EQ(mrz_check_digit(l1.substr(5, 9)), l1[14]);
  EXPECT_EQ(mrz_check_digit(l2.substr(0, 6)), l2[6]);
  EXPECT_EQ(mrz_check_digit(l2.substr(8, 6)), l2[14]);
  EXPECT_EQ(
      mrz_check_digit(l1.substr(5, 25) + l2.substr(0, 7) + l2.substr(8, 7) + l2.substr(18, 11)),
      l2[29]);
  // The card prints the one specimen holder, and its MRZ is the one issuance
  // would compute for that holder.
  const Holder person = specimen_holder();
  EXPECT_EQ(s.holder.a_number, person.a_number);
  EXPECT_EQ(s.holder.date_of_birth, person.date_of_birth);
  EXPECT_EQ(s.holder.sex, person.sex);
  Claims claims;
  claims.iss = s.iss;
  claims.exp = *parse_time(s.expires_at);
  claims.holder = person;
  claims.holder.document_number = s.document_number;
  auto mrz = card_mrz(claims);
  ASSERT_TRUE(mrz) << mrz.error().message;
  EXPECT_EQ(*mrz, s.mrz);
  auto img = decode_image(make_specimen_silhouette_jpeg());
  ASSERT_TRUE(img);
  EXPECT_EQ(img->width, kPortraitWidth);
  EXPECT_EQ(img->height, kPortraitHeight);
}

}  // namespace
}  // namespace sdc
