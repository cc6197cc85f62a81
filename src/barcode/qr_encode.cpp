// QR encoding with zint. zint hands back its module matrix bit-packed in
// `encoded_data`; we copy it out so no zint type leaves this file.
#include <zint.h>

#include <memory>
#include <string>

#include "sdc/barcode/barcode.h"

namespace sdc {
namespace {

struct ZintDeleter {
  void operator()(zint_symbol* s) const { ZBarcode_Delete(s); }
};
using ZintSymbol = std::unique_ptr<zint_symbol, ZintDeleter>;

// zint 2.11 stores row `y` as bits, module x at bit (x & 7) of byte x >> 3.
bool zint_module(const zint_symbol& s, int x, int y) {
  return ((s.encoded_data[y][x >> 3] >> (x & 7)) & 1) != 0;
}

}  // namespace

Result<QrCode> encode_qr(std::string_view text, QrErrorCorrection ecc) {
  if (text.empty()) return fail(Errc::invalid_argument, "QR text is empty");
  // A version-40 symbol holds at most 7,089 numeric characters.
  if (text.size() > 7089) return fail(Errc::limit, "QR text is too long for any QR version");

  ZintSymbol symbol(ZBarcode_Create());
  if (!symbol) return fail(Errc::internal, "zint could not allocate a symbol");
  symbol->symbology = BARCODE_QRCODE;
  symbol->input_mode = DATA_MODE;
  symbol->option_1 = static_cast<int>(ecc);
  symbol->show_hrt = 0;

  const int rc = ZBarcode_Encode(symbol.get(), reinterpret_cast<const unsigned char*>(text.data()),
                                 static_cast<int>(text.size()));
  if (rc >= ZINT_ERROR) {
    const Errc code = rc == ZINT_ERROR_TOO_LONG ? Errc::limit : Errc::invalid_argument;
    return fail(code, std::string("QR encoding failed: ") + symbol->errtxt);
  }
  const int size = symbol->width;
  if (size < 21 || size != symbol->rows || (size - 17) % 4 != 0) {
    return fail(Errc::internal, "zint returned a QR symbol of unexpected shape");
  }

  QrCode code;
  code.size = size;
  code.version = (size - 17) / 4;
  code.modules.resize(static_cast<std::size_t>(size) * static_cast<std::size_t>(size));
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      code.modules[static_cast<std::size_t>(y * size + x)] = zint_module(*symbol, x, y) ? 1 : 0;
    }
  }
  return code;
}

GrayImage qr_to_image(const QrCode& code, int module_px, int quiet_zone) {
  if (module_px < 1) module_px = 1;
  if (quiet_zone < 0) quiet_zone = 0;
  const int side = (code.size + 2 * quiet_zone) * module_px;
  GrayImage image;
  image.width = side;
  image.height = side;
  image.pixels.assign(static_cast<std::size_t>(side) * static_cast<std::size_t>(side), 255);
  for (int y = 0; y < code.size; ++y) {
    for (int x = 0; x < code.size; ++x) {
      if (!code.dark(x, y)) continue;
      const int px0 = (x + quiet_zone) * module_px;
      const int py0 = (y + quiet_zone) * module_px;
      for (int py = py0; py < py0 + module_px; ++py) {
        auto row = image.pixels.begin() + static_cast<std::ptrdiff_t>(py) * side;
        std::fill(row + px0, row + px0 + module_px, std::uint8_t{0});
      }
    }
  }
  return image;
}

}  // namespace sdc
