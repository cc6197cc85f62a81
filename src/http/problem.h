// Answers in JSON and errors as RFC 9457 problem details, the same for
// every route. Internal to the http module.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sdc/util/error.h"

namespace sdc::http {

struct FieldError {
  std::string field;
  std::string message;
};

// The title of a status, e.g. "Forbidden" for 403.
const char* title_for(int status);

// Answers `status` with an application/problem+json body; `errors` name
// the fields at fault, an entry each.
void problem(httplib::Response& res, int status, const std::string& detail,
             std::vector<FieldError> errors = {});

// The field a line of a domain message names ("sex: F, M or X",
// "date_of_birth '...': no such month"), by its request name, with the
// line; field empty when the line names no field a request has.
FieldError field_error(const std::string& line);

// The status of a domain error's answer, as error_response gives it.
int status_for(const Error& e);

// Maps an error of the domain to its answer: invalid_argument and parse to
// 400 (a field entry per line of the message that names a field),
// not_found 404, forbidden 403, unauthorized 401, conflict 409, limit 429,
// anything else 500 without its message.
void error_response(httplib::Response& res, const Error& e);

void send_json(httplib::Response& res, int status, const nlohmann::json& j);

// Reads a JSON object body; on failure answers 400 and returns nullopt.
std::optional<nlohmann::json> body_object(const httplib::Request& req, httplib::Response& res);

// A string member; answers 400 naming the field when absent (required) or
// not a string, and returns nullopt. An absent optional member is "".
std::optional<std::string> str_field(const nlohmann::json& j, const char* name,
                                     httplib::Response& res, bool required = true);

// Answers 400 naming the first member of `j` not in `known`; false then.
bool only_known_fields(const nlohmann::json& j, std::initializer_list<std::string_view> known,
                       httplib::Response& res);

}  // namespace sdc::http
