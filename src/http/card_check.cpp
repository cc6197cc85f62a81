#include "http/card_check.h"

#include "http/problem.h"
#include "sdc/barcode/barcode.h"
#include "sdc/util/bytes.h"

namespace sdc::http {

std::optional<std::string> presented_barcode(const nlohmann::json& j, httplib::Response& res) {
  if (j.contains("barcode")) return str_field(j, "barcode", res);
  if (!j.contains("image_base64")) {
    problem(res, 400, "barcode: missing (or image_base64)", {{"barcode", "missing"}});
    return std::nullopt;
  }
  auto v = str_field(j, "image_base64", res);
  if (!v) return std::nullopt;
  auto img = base64_decode(*v);
  if (!img) {
    problem(res, 400, "image_base64: not base64", {{"image_base64", "not base64"}});
    return std::nullopt;
  }
  auto text = read_qr_from_image_bytes(*img);
  if (!text) {
    problem(res, 400, "image_base64: no readable barcode",
            {{"image_base64", "no readable barcode"}});
    return std::nullopt;
  }
  return *text;
}

Verification verify_presented(Api& api, const std::string& barcode) {
  auto lists = api.status_list.current();
  auto v = verify_barcode(barcode, api.trust, lists.get(), api.clock.now());
  api.metrics.count_verification(to_string(v.result));
  return v;
}

}  // namespace sdc::http
