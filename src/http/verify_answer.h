// What a verification answers, for /v1/verify and the /verify/ page alike:
// the spec's result with an explanation in plain words, the validity and
// "status as of", the holder's claims cut to what the role may see (the
// signed thumbnail as a data: URL), and, online, what the registry adds for
// the role: the case status; for a field officer also the stored portrait,
// the next hearing, the next reporting date and compliance. Every read is
// audited by the domain. Internal to the http module.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/api.h"
#include "sdc/credential/verify.h"

namespace sdc::http {

// A data: URL of an image file (JPEG or PNG, told from its first bytes).
std::string image_data_url(ByteView image);

// Verifies `barcode` for `user` and records it (docs/openapi.yaml,
// VerifyResponse); the explanation is in `language`.
Result<nlohmann::json> verification_answer(Api& api, const registry::User& user,
                                           const std::string& barcode, std::string_view language);

}  // namespace sdc::http
