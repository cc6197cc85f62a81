// A presented card, read and verified the same way for every route that
// takes one (/v1/verify, /v1/check-ins): its barcode text, or a photo of it
// decoded here, checked against the trust store and the live validity
// list. Internal to the http module.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "http/api.h"
#include "sdc/credential/verify.h"

namespace sdc::http {

// The barcode text of the request: "barcode", or read from the photo in
// "image_base64". On bad input answers 400 naming the field and returns
// nullopt.
std::optional<std::string> presented_barcode(const nlohmann::json& j, httplib::Response& res);

// Verifies `barcode` now against the current validity list, and counts
// the result in the metrics.
Verification verify_presented(Api& api, const std::string& barcode);

}  // namespace sdc::http
