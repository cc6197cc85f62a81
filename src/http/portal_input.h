// What the holder portal reads from a request (portal.h): cookies, HTML
// form bodies, where a form came from, and the visitor's language. Pure
// functions over the request, bounded; a fuzz target drives them. Internal
// to the http module.
#pragma once

#include <httplib.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sdc::http::portal {

inline constexpr std::string_view kSessionCookie = "sdc_portal";
inline constexpr std::string_view kLanguageCookie = "sdc_lang";
inline constexpr std::size_t kMaxFormFields = 16;
inline constexpr std::size_t kMaxFormBytes = 4096;

// The value of the request's cookie `name`; empty when it has none.
std::string cookie(const httplib::Request& req, std::string_view name);

// A submitted form.
using Form = std::multimap<std::string, std::string>;
// The first value of `name`, empty when absent.
std::string field(const Form& form, std::string_view name);

// Parses an application/x-www-form-urlencoded body of at most kMaxFormBytes
// and kMaxFormFields fields; nullopt otherwise.
std::optional<Form> parse_form_body(const httplib::Request& req);

// False when a browser says the request came from another site (Origin or
// Sec-Fetch-Site): a form posted from elsewhere is refused.
bool same_origin(const httplib::Request& req);

// The language of a page: the language cookie when it names a supported
// language, else the first supported one of Accept-Language, else English.
std::string page_language(const httplib::Request& req);

}  // namespace sdc::http::portal
