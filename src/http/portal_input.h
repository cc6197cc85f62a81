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
#include <vector>

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

// One part of a multipart/form-data body (RFC 7578).
struct FormPart {
  std::string name;
  std::string filename;  // empty for a field that is not a file
  std::string content_type;
  std::string data;
};
inline constexpr std::size_t kMaxFormParts = 16;
inline constexpr std::size_t kMaxPartHeaderBytes = 1024;

// Parses a multipart/form-data body (an HTML form with a file): the
// boundary from the Content-Type, at most kMaxFormParts parts, each named
// by its Content-Disposition, headers of at most kMaxPartHeaderBytes. The
// body's size is bounded by the server. Nullopt for anything else, a part
// without a name, or a body that does not end with the closing boundary.
std::optional<std::vector<FormPart>> parse_multipart(std::string_view content_type,
                                                     std::string_view body);
// The first part named `name`, or null.
const FormPart* part(const std::vector<FormPart>& parts, std::string_view name);

// False when a browser says the request came from another site (Origin or
// Sec-Fetch-Site): a form posted from elsewhere is refused.
bool same_origin(const httplib::Request& req);

// The language of a page: the language cookie when it names a supported
// language, else the first supported one of Accept-Language, else English.
std::string page_language(const httplib::Request& req);

}  // namespace sdc::http::portal
