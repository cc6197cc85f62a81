// Errors as values: every public call that can fail for a reason a person
// should see returns std::expected<T, sdc::Error>.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace sdc {

enum class Errc {
  invalid_argument,  // the caller's input is wrong; the message says which and why
  parse,             // bytes or text do not have the expected format
  io,                // a file or the network failed
  crypto,            // a cryptographic operation failed or a key/cert is unusable
  not_found,
  conflict,
  forbidden,
  unauthorized,
  limit,             // a size, count or rate limit was reached
  internal,
};

const char* to_string(Errc code);

struct Error {
  Errc code = Errc::internal;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace sdc
