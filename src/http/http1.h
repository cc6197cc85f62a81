// HTTP/1.1 request framing (RFC 9112) for the event-driven listener
// (event_server.h): where a request ends in a byte stream, and what its head
// says. Pure functions over bytes, bounded, no I/O; a fuzz target drives them.
//
// Deliberately small: origin-form targets, Content-Length bodies only (a
// Transfer-Encoding is refused with 501, as RFC 9112 section 6.1 allows), no
// obs-fold, CRLF line ends. Everything the registry's clients send.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sdc::http::http1 {

constexpr std::size_t kMaxHead = 16 * 1024;  // request line and headers
constexpr std::size_t kMaxHeaders = 100;

struct RequestHead {
  std::string method;
  std::string target;                                        // as sent
  std::string path;                                          // target before '?', percent-decoded
  std::multimap<std::string, std::string> params;            // query, '+' and %XX decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::size_t content_length = 0;
  int minor_version = 1;         // HTTP/1.<minor>
  bool keep_alive = true;        // after this request
  bool expect_continue = false;  // "Expect: 100-continue"
};

enum class Parse { incomplete, complete, error };

struct ParseResult {
  Parse state = Parse::incomplete;
  std::size_t head_size = 0;  // complete: bytes of request line and headers
  int status = 0;             // error: the status to answer (then close)
  std::string message;        // error: what is wrong, for the answer
};

// Looks for one request at the start of `buffer`. `complete` means the head
// is parsed into `head` and `buffer` holds at least head_size +
// head.content_length bytes; `incomplete` means more bytes may finish it
// (when the head is already parsed, `head` is filled and head_size set, so
// the caller can answer "100 Continue" and size its buffer); `error` gives
// the status and message to answer. A body over `max_body` is an error (413)
// as soon as the head says so.
ParseResult parse_request(std::string_view buffer, std::size_t max_body, RequestHead& head);

// %XX decoding; '+' becomes a space when plus_is_space. Invalid escapes are
// kept as they are (as most servers do).
std::string percent_decode(std::string_view s, bool plus_is_space);

// An application/x-www-form-urlencoded body (an HTML form's): name=value
// pairs joined by '&', '+' and %XX decoded. False, with `out` cleared, when
// it holds more than `max_fields` pairs.
bool parse_form(std::string_view body, std::size_t max_fields,
                std::multimap<std::string, std::string>& out);

// The reason phrase for a status code ("OK", "Not Found", ...).
const char* reason_phrase(int status);

}  // namespace sdc::http::http1
