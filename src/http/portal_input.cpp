#include "http/portal_input.h"

#include <algorithm>
#include <cctype>

#include "http/http1.h"
#include "sdc/i18n/language.h"

namespace sdc::http::portal {

namespace {

std::string_view header(const httplib::Request& req, const char* name) {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? std::string_view() : std::string_view(it->second);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string cookie(const httplib::Request& req, std::string_view name) {
  auto range = req.headers.equal_range("Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name)
        return std::string(pair.substr(eq + 1));
    }
  }
  return {};
}

std::string field(const Form& form, std::string_view name) {
  auto it = form.find(std::string(name));
  return it == form.end() ? std::string() : it->second;
}

std::optional<Form> parse_form_body(const httplib::Request& req) {
  if (req.body.size() > kMaxFormBytes) return std::nullopt;
  std::string type = lower(header(req, "Content-Type"));
  if (!type.starts_with("application/x-www-form-urlencoded")) return std::nullopt;
  Form form;
  if (!http1::parse_form(req.body, kMaxFormFields, form)) return std::nullopt;
  return form;
}

namespace {

// The value of parameter `name` (lower case) in a header value such as
// `form-data; name="photo"; filename="a.jpg"`; nullopt when absent.
std::optional<std::string> header_parameter(std::string_view value, std::string_view name) {
  std::size_t at = value.find(';');
  while (at != std::string_view::npos) {
    std::string_view rest = trim(value.substr(at + 1));
    auto eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string key = lower(trim(rest.substr(0, eq)));
    rest = trim(rest.substr(eq + 1));
    std::string v;
    std::size_t used = 0;
    if (!rest.empty() && rest.front() == '"') {
      auto close = rest.find('"', 1);
      if (close == std::string_view::npos) return std::nullopt;
      v = std::string(rest.substr(1, close - 1));
      used = close + 1;
    } else {
      used = std::min(rest.find(';'), rest.size());
      v = std::string(trim(rest.substr(0, used)));
    }
    if (key == name) return v;
    rest = rest.substr(used);
    at = rest.find(';');
    value = rest;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<FormPart>> parse_multipart(std::string_view content_type,
                                                     std::string_view body) {
  if (!lower(content_type).starts_with("multipart/form-data")) return std::nullopt;
  auto boundary = header_parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) return std::nullopt;
  const std::string delimiter = "--" + *boundary;
  const std::string separator = "\r\n" + delimiter;
  if (!body.starts_with(delimiter)) return std::nullopt;
  std::size_t at = delimiter.size();
  std::vector<FormPart> parts;
  for (;;) {
    if (body.substr(at, 2) == "--") return parts;  // the closing boundary
    if (body.substr(at, 2) != "\r\n") return std::nullopt;
    at += 2;
    const std::size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos || head_end - at > kMaxPartHeaderBytes)
      return std::nullopt;
    if (parts.size() == kMaxFormParts) return std::nullopt;
    FormPart p;
    bool disposition = false;
    std::string_view headers = body.substr(at, head_end - at);
    while (!headers.empty()) {
      auto eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      auto colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      const std::string name = lower(trim(line.substr(0, colon)));
      std::string_view value = trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        if (!lower(value).starts_with("form-data")) return std::nullopt;
        auto n = header_parameter(value, "name");
        if (!n || n->empty()) return std::nullopt;
        p.name = std::move(*n);
        p.filename = header_parameter(value, "filename").value_or("");
        disposition = true;
      } else if (name == "content-type") {
        p.content_type = std::string(value);
      }
    }
    if (!disposition) return std::nullopt;
    const std::size_t data_at = head_end + 4;
    const std::size_t end = body.find(separator, data_at);
    if (end == std::string_view::npos) return std::nullopt;
    p.data = std::string(body.substr(data_at, end - data_at));
    parts.push_back(std::move(p));
    at = end + separator.size();
  }
}

const FormPart* part(const std::vector<FormPart>& parts, std::string_view name) {
  for (const FormPart& p : parts)
    if (p.name == name) return &p;
  return nullptr;
}

bool same_origin(const httplib::Request& req) {
  const std::string site = lower(header(req, "Sec-Fetch-Site"));
  if (!site.empty() && site != "same-origin" && site != "none") return false;
  const std::string_view origin = header(req, "Origin");
  if (origin.empty()) return true;
  if (origin == "null") return false;
  const std::string_view host = header(req, "Host");
  auto scheme = origin.find("://");
  return scheme != std::string_view::npos && !host.empty() && origin.substr(scheme + 3) == host;
}

std::string page_language(const httplib::Request& req) {
  const std::string chosen = cookie(req, kLanguageCookie);
  if (i18n::is_supported(chosen)) return chosen;
  // Accept-Language: "es-MX,es;q=0.9,en;q=0.8" — the first supported one.
  std::string_view rest = header(req, "Accept-Language");
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    item = trim(item.substr(0, item.find(';')));
    std::string code = lower(item.substr(0, item.find_first_of("-_")));
    if (i18n::is_supported(code)) return code;
  }
  return std::string(i18n::kFallbackLanguage);
}

}  // namespace sdc::http::portal
