// What every page of the holder portal (/portal/, routes/portal*.cpp) is
// made with: the signed-in visit (a session cookie, never a token in a
// page), forms and their CSRF check, the holder's language, HTML escaping
// and the one page layout with its security headers. Pages are plain
// server-rendered HTML that works without JavaScript, under a strict
// Content-Security-Policy (no script at all, styles from /portal/static/
// only). Internal to the http module.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/api.h"
#include "http/portal_input.h"
#include "sdc/i18n/catalogues.h"
#include "sdc/registry/types.h"

namespace sdc::http::portal {

// The Content-Security-Policy of every portal answer.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

// Text for HTML element content and double-quoted attribute values.
std::string escape(std::string_view text);

// The CSRF token a session's forms carry: derived from the session token
// (SHA-256 with a label, hex), so it needs no storage and shows nothing of
// the token, which lives only in an HttpOnly cookie.
std::string csrf_token(std::string_view session_token);

// The texts of one language; a key the catalogues lack shows as the key
// itself (and the catalogues log it), never as a blank.
class Texts {
 public:
  Texts(const i18n::Catalogues& catalogues, std::string language)
      : catalogues_(catalogues), language_(std::move(language)) {}
  const std::string& language() const { return language_; }
  std::string operator()(std::string_view key, const i18n::Args& args = {}) const;
  // The same, escaped for HTML.
  std::string html(std::string_view key, const i18n::Args& args = {}) const;
  // A date and time on `zone`'s wall clock, in this language.
  std::string when(UnixTime t, std::string_view zone,
                   i18n::DateStyle style = i18n::DateStyle::full) const;
  // A calendar date (YYYY-MM-DD) in this language; the text itself if it is
  // not a date.
  std::string date(std::string_view iso_date) const;

 private:
  const i18n::Catalogues& catalogues_;
  std::string language_;
};

// A signed-in holder's request.
struct Visit {
  registry::User user;
  std::string holder_id;
  std::string token;  // the session's, from the cookie
  std::string csrf;   // csrf_token(token)
  Texts texts;
};

// The request's live holder session, or nullopt; answers nothing.
std::optional<Visit> current_visit(Api& api, const httplib::Request& req);

// The signed-in holder of the request, or nullopt after answering: a
// request without a live holder session is sent to the login page (303).
std::optional<Visit> visit(Api& api, const Call& call);

// A route of a signed-in holder: `page` runs for a live holder session,
// the others are sent to the login page.
using PageHandler = std::function<void(Api&, const Call&, const Visit&)>;
RouteHandler signed_in(Api& api, PageHandler page);

// For a form of a signed-in holder: parses it and checks its origin and CSRF
// token; nullopt after answering 403 (or 400 for a body that is not a form).
std::optional<Form> posted_form(Api& api, const Call& call, const Visit& v);

// The parts of a page.
struct Page {
  std::string title;    // plain text
  std::string body;     // HTML
  std::string current;  // the navigation entry shown as current ("home", ...)
  std::string notice;   // plain text in a role=status box; empty for none
  std::string error;    // plain text in a role=alert box; empty for none
};

// Sends `page` with the layout: language, navigation (for a signed-in
// visit), the logout form, and the security headers.
void send_page(Api& api, httplib::Response& res, int status, const Texts& texts, const Page& page,
               const Visit* visit);

// A page that could not be read: 500 with the catalogue's "something failed
// on our side", titled `title`.
void send_failure(Api& api, httplib::Response& res, const Visit& v, const std::string& title,
                  const std::string& current);

// A 303 to `location` (a /portal/ path), with the security headers.
void redirect(Api& api, httplib::Response& res, const std::string& location);

// The security headers of every portal answer (CSP, nosniff, no referrer,
// no caching of personal pages; HSTS over TLS).
void security_headers(Api& api, httplib::Response& res);

// A Set-Cookie value for the portal's cookies: HttpOnly, SameSite=Strict,
// Path=/portal, Secure over TLS; max_age 0 deletes it.
std::string cookie_header(Api& api, std::string_view name, std::string_view value,
                          long long max_age);

}  // namespace sdc::http::portal
