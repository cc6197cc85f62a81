#include "http/http1.h"

#include <algorithm>
#include <cctype>

namespace sdc::http::http1 {
namespace {

bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True when the comma-separated list `value` holds `token` (case-insensitive).
bool list_has(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    auto comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

ParseResult error(int status, std::string message) {
  return ParseResult{Parse::error, 0, status, std::move(message)};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void parse_query(std::string_view query, std::multimap<std::string, std::string>& out) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    out.emplace(
        percent_decode(pair.substr(0, eq), true),
        eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true));
  }
}

}  // namespace

bool parse_form(std::string_view body, std::size_t max_fields,
                std::multimap<std::string, std::string>& out) {
  out.clear();
  std::size_t pairs = 0;
  for (std::size_t i = 0; i <= body.size(); ++i)
    if (i == body.size() || body[i] == '&') ++pairs;
  if (pairs > max_fields) return false;
  parse_query(body, out);
  return true;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

ParseResult parse_request(std::string_view buffer, std::size_t max_body, RequestHead& head) {
  auto end = buffer.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (buffer.size() > kMaxHead) return error(431, "the request head is over 16 KiB");
    // A request line must start with a token: refuse garbage before waiting.
    for (char c : buffer.substr(0, std::min<std::size_t>(buffer.size(), 16))) {
      if (c == ' ' || c == '\r' || c == '\n') break;
      if (!is_tchar(c)) return error(400, "not an HTTP request");
    }
    return {};
  }
  if (end + 4 > kMaxHead) return error(431, "the request head is over 16 KiB");
  head = RequestHead{};
  std::string_view text = buffer.substr(0, end + 2);  // each line ends in CRLF

  // request-line = method SP request-target SP HTTP-version
  auto eol = text.find("\r\n");
  std::string_view line = text.substr(0, eol);
  text.remove_prefix(eol + 2);
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return error(400, "the request line is not: method, target, version");
  auto method = line.substr(0, sp1);
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto version = line.substr(sp2 + 1);
  if (!is_token(method)) return error(400, "the method is not a token");
  if (target.empty() || target.front() != '/')
    return error(400, "the request target must be a path starting with /");
  for (char c : target)
    if (c <= 0x20 || c >= 0x7f) return error(400, "the request target has a character not allowed");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      !std::isdigit(static_cast<unsigned char>(version[5])) ||
      !std::isdigit(static_cast<unsigned char>(version[7])))
    return error(400, "the HTTP version is malformed");
  if (version[5] != '1') return error(505, "only HTTP/1.0 and HTTP/1.1 are served");
  head.method = std::string(method);
  head.target = std::string(target);
  head.minor_version = version[7] - '0';
  auto q = target.find('?');
  head.path = percent_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) parse_query(target.substr(q + 1), head.params);

  bool close = head.minor_version == 0;
  std::optional<std::size_t> length;
  while (!text.empty()) {
    eol = text.find("\r\n");
    line = text.substr(0, eol);
    text.remove_prefix(eol + 2);
    if (head.headers.size() == kMaxHeaders) return error(431, "over 100 header fields");
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return error(400, "a header line has no colon");
    auto name = line.substr(0, colon);
    if (!is_token(name)) return error(400, "a header name is not a token");
    auto value = trim(line.substr(colon + 1));
    for (char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return error(400, "a header value has a control character");
    if (iequals(name, "Content-Length")) {
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return error(400, "Content-Length is not a number");
      std::size_t n = 0;
      for (char c : value) n = n * 10 + static_cast<std::size_t>(c - '0');
      if (length && *length != n) return error(400, "two different Content-Length values");
      length = n;
    } else if (iequals(name, "Transfer-Encoding")) {
      return error(501, "Transfer-Encoding is not accepted: send the body with Content-Length");
    } else if (iequals(name, "Connection")) {
      if (list_has(value, "close")) close = true;
      if (list_has(value, "keep-alive")) close = false;
    } else if (iequals(name, "Expect")) {
      if (!iequals(value, "100-continue")) return error(417, "only Expect: 100-continue is known");
      head.expect_continue = head.minor_version >= 1;
    }
    head.headers.emplace_back(std::string(name), std::string(value));
  }
  head.keep_alive = !close;
  head.content_length = length.value_or(0);
  if (head.content_length > max_body)
    return error(413, "the request body is over " + std::to_string(max_body) + " bytes");
  ParseResult r;
  r.head_size = end + 4;
  r.state =
      buffer.size() - r.head_size >= head.content_length ? Parse::complete : Parse::incomplete;
  return r;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return status < 400 ? "OK" : "Error";
  }
}

}  // namespace sdc::http::http1
