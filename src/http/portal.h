// What every web page is made with, the holder portal's (/portal/,
// routes/portal*.cpp) and the officers' (/console/, /verify/,
// routes/console*.cpp, routes/verify_page.cpp) alike: the signed-in visit
// (a session cookie, never a token in a page), forms and their CSRF check,
// the visitor's language, HTML escaping and the one page layout with its
// security headers. Pages are server-rendered HTML that works without
// JavaScript, under a strict Content-Security-Policy (no inline script;
// the portal has no script at all). A Site says whose pages they are.
// Internal to the http module.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "http/api.h"
#include "http/portal_input.h"
#include "sdc/i18n/catalogues.h"
#include "sdc/registry/types.h"

namespace sdc::http::portal {

// The Content-Security-Policy of every portal answer: no script at all.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";
// The officers' pages: scripts, workers and fetches of this server only (no
// inline script), images also from data: URLs (the faces of an answer) and
// blob: (a photo being sent), the camera's stream.
inline constexpr std::string_view kOfficerContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; media-src 'self' blob: "
    "mediastream:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
// The verify page's: the officers' policy, and its QR reader may compile
// WebAssembly (zxing-wasm, served by this server), which no other page may.
inline constexpr std::string_view kVerifyContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "media-src 'self' blob: mediastream:; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

// One entry of a site's navigation; `shown` null shows it to every role.
struct NavItem {
  const char* id;
  const char* href;
  const char* key;
  bool (*shown)(registry::Role role) = nullptr;
};

// Whose pages: the holder portal's, or the officers'.
struct Site {
  bool holders;                     // signs in holders (own_holder_id), else officers
  std::string_view session_cookie;  // the HttpOnly session cookie's name
  std::string_view cookie_path;     // its Path
  std::string_view login_path;      // where a visit without a session goes
  std::string_view logout_path;     // the logout form's action
  std::string_view language_path;   // the language page; empty: none
  std::string_view stylesheet;      // the one style sheet
  std::string_view name_key;        // the catalogue key of the site's name
  std::span<const NavItem> nav;     // for a signed-in visit
  std::string_view csp;             // the Content-Security-Policy of its answers
};
extern const Site kPortal;   // /portal/: holders
extern const Site kOfficer;  // /console/ and /verify/: every officer role

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
  // The message's pattern itself, its {arguments} left in (for a page's
  // script to fill in); English when this language lacks it, else the key.
  std::string pattern(std::string_view key) const;
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

// A signed-in visitor's request.
struct Visit {
  const Site* site = &kPortal;
  registry::User user;
  std::string holder_id;  // a holder's own; empty for an officer
  std::string token;      // the session's, from the cookie
  std::string csrf;       // csrf_token(token)
  Texts texts;
};

// The request's live session on `site`, or nullopt; answers nothing.
std::optional<Visit> current_visit(Api& api, const httplib::Request& req,
                                   const Site& site = kPortal);

// The signed-in visitor of the request, or nullopt after answering: a
// request without a live session on `site` is sent to its login page (303).
std::optional<Visit> visit(Api& api, const Call& call, const Site& site = kPortal);

// A route of a signed-in visitor: `page` runs for a live session on
// `site`, the others are sent to the login page.
using PageHandler = std::function<void(Api&, const Call&, const Visit&)>;
RouteHandler signed_in(Api& api, PageHandler page, const Site& site = kPortal);

// For a form of a signed-in holder: parses it and checks its origin and CSRF
// token; nullopt after answering 403 (or 400 for a body that is not a form).
std::optional<Form> posted_form(Api& api, const Call& call, const Visit& v);
// True when a form of `v` may be taken: sent from this site (Origin,
// Sec-Fetch-Site) with the visit's CSRF token `sent`, compared in constant
// time. False after answering 403.
bool form_allowed(Api& api, const Call& call, const Visit& v, std::string_view sent);

// The parts of a page.
struct Page {
  std::string title;          // plain text
  std::string body;           // HTML
  std::string current;        // the navigation entry shown as current ("home", ...)
  std::string notice;         // plain text in a role=status box; empty for none
  std::string error;          // plain text in a role=alert box; empty for none
  std::string head = {};      // HTML put in <head> (a manifest link, a script of 'self')
  std::string tail = {};      // HTML put after <main>
  std::string_view csp = {};  // the page's own Content-Security-Policy; empty: its site's
};

// Sends `page` with the layout of the visit's site (of `site` without a
// visit): language, navigation, the logout form, and the security headers.
void send_page(Api& api, httplib::Response& res, int status, const Texts& texts, const Page& page,
               const Visit* visit, const Site& site = kPortal);

// A page that could not be read: 500 with the catalogue's "something failed
// on our side", titled `title`.
void send_failure(Api& api, httplib::Response& res, const Visit& v, const std::string& title,
                  const std::string& current);

// An officers' page for a form whose file was over `limit` bytes and was
// refused unread (413), with a link back to the form (the request's path).
void send_too_large(Api& api, const httplib::Request& req, httplib::Response& res,
                    std::size_t limit);

// A 303 to `location` (a path of this server), with the security headers.
void redirect(Api& api, httplib::Response& res, const std::string& location,
              const Site& site = kPortal);

// The security headers of every portal answer (CSP, the site's unless `csp`
// is given; nosniff, no referrer, no caching of personal pages; HSTS over TLS).
void security_headers(Api& api, httplib::Response& res, const Site& site = kPortal,
                      std::string_view csp = {});

// A Set-Cookie value for a site's cookies: HttpOnly, SameSite=Strict,
// Path=the site's, Secure over TLS; max_age 0 deletes it.
std::string cookie_header(Api& api, std::string_view name, std::string_view value,
                          long long max_age, const Site& site = kPortal);

}  // namespace sdc::http::portal
