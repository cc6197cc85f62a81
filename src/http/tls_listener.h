// sdcd's HTTPS listener (cpp-httplib over OpenSSL). Internal to the http
// module.
#pragma once

#include <httplib.h>

#include <memory>

#include "sdc/http/config.h"
#include "sdc/util/error.h"

namespace sdc::http {

// HTTPS (TLS 1.2 or newer) with the configured certificate chain and key.
// The key file must be the owner's alone (Errc::invalid_argument names the
// mode); Errc::crypto when the chain or key do not load or do not match.
Result<std::unique_ptr<httplib::SSLServer>> make_tls_listener(const Config& c);

}  // namespace sdc::http
