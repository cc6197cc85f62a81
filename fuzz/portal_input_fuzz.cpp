// libFuzzer target for what the web pages read from a request
// (src/http/portal_input.h): the Cookie header, an HTML form body, the
// Origin / Sec-Fetch-Site pair, Accept-Language and a multipart form (the
// verify page's photo). The input is split at its first three NUL bytes
// into a header value (also the multipart Content-Type), a form body, a
// language header and a multipart body. None may crash, hang or exceed its bounds, and what they
// answer must hold: a form has at most kMaxFormFields fields and only from a body within
// kMaxFormBytes, the language is always a supported one.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/portal_input.h"
#include "sdc/i18n/language.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdc::http::portal;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto next = [&in]() {
    auto nul = in.find('\0');
    std::string part(in.substr(0, nul));
    in = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
    return part;
  };
  const std::string header = next(), body = next(), language = next();
  const std::string multipart_body(in);

  httplib::Request req;
  req.headers.emplace("Cookie", header);
  req.headers.emplace("Origin", header);
  req.headers.emplace("Host", "127.0.0.1:8080");
  req.headers.emplace("Accept-Language", language);
  req.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  req.body = body;

  const std::string session = cookie(req, kSessionCookie);
  if (session.size() > header.size()) __builtin_trap();
  (void)same_origin(req);
  if (!sdc::i18n::is_supported(page_language(req))) __builtin_trap();
  if (auto form = parse_form_body(req)) {
    if (body.size() > kMaxFormBytes || form->size() > kMaxFormFields) __builtin_trap();
    (void)field(*form, "csrf");
  }
  if (auto parts = parse_multipart(header, multipart_body)) {
    if (parts->size() > kMaxFormParts) __builtin_trap();
    std::size_t total = 0;
    for (const FormPart& p : *parts) {
      if (p.name.empty()) __builtin_trap();
      total += p.data.size();
    }
    if (total > multipart_body.size()) __builtin_trap();
    (void)part(*parts, "photo");
  }
  return 0;
}
