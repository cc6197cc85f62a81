#include "http/portal_input.h"

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
