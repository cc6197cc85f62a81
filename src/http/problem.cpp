#include "http/problem.h"

#include <cctype>

namespace sdc::http {

using json = nlohmann::json;

// Messages begin with the field's name ("sex: F, M or X",
// "date_of_birth '...': no such month"); map it to the request's name.
FieldError field_error(const std::string& message) {
  static const char* const kFields[] = {"a_number", "family_name", "given_names", "date_of_birth",
                                        "sex", "nationality", "portrait", "contact", "language",
                                        "effective_date", "reason", "status", "username",
                                        "password", "role", "barcode", "image_base64",
                                        // accounts and offices
                                        "disabled", "name", "address", "time_zone", "phone",
                                        // holders' logins
                                        "document_number", "pin", "current_pin", "new_pin"};
  std::size_t n = 0;
  while (n < message.size() &&
         (std::islower(static_cast<unsigned char>(message[n])) || message[n] == '_'))
    ++n;
  std::string word = message.substr(0, n);
  if (n < message.size() && (message[n] == ':' || message[n] == ' ')) {
    for (const char* f : kFields) {
      if (word == f) {
        std::string why = message.substr(n);
        while (!why.empty() && (why.front() == ' ' || why.front() == ':')) why.erase(0, 1);
        if (word == "portrait") word = "portrait_base64";
        return {word, why};
      }
    }
  }
  return {"", message};
}

int status_for(const Error& e) {
  switch (e.code) {
    case Errc::invalid_argument:
    case Errc::parse:
      return 400;
    case Errc::not_found:
      return 404;
    case Errc::forbidden:
      return 403;
    case Errc::unauthorized:
      return 401;
    case Errc::conflict:
      return 409;
    case Errc::limit:
      return 429;
    default:
      return 500;
  }
}

const char* title_for(int status) {
  switch (status) {
    case 400:
      return "Invalid request";
    case 401:
      return "Not authenticated";
    case 403:
      return "Forbidden";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Request body too large";
    case 415:
      return "Unsupported media type";
    case 422:
      return "Unprocessable content";
    case 423:
      return "Locked";
    case 429:
      return "Too many requests";
    case 500:
      return "Internal error";
    default:
      return "Error";
  }
}

void problem(httplib::Response& res, int status, const std::string& detail,
             std::vector<FieldError> errors) {
  json j = {{"type", "about:blank"},
            {"title", title_for(status)},
            {"status", status},
            {"detail", detail}};
  if (!errors.empty()) {
    json arr = json::array();
    for (auto& e : errors) arr.push_back({{"field", e.field}, {"message", e.message}});
    j["errors"] = arr;
  }
  res.status = status;
  res.set_content(j.dump(), "application/problem+json");
}

void error_response(httplib::Response& res, const Error& e) {
  switch (e.code) {
    case Errc::invalid_argument:
    case Errc::parse: {
      // A line per bad field (validate_holder, check_office): an entry each
      // in "errors", and all of them in the detail.
      std::vector<FieldError> fields;
      std::string detail;
      std::string_view rest = e.message;
      while (!rest.empty()) {
        auto nl = rest.find('\n');
        std::string line(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (line.empty()) continue;
        detail += (detail.empty() ? "" : "; ") + line;
        if (auto fe = field_error(line); !fe.field.empty()) fields.push_back(std::move(fe));
      }
      return problem(res, 400, detail, std::move(fields));
    }
    case Errc::not_found:
      return problem(res, 404, "not found");
    case Errc::forbidden:
      return problem(res, 403, "your role may not do this");
    case Errc::unauthorized:
    case Errc::conflict:
    case Errc::limit:
      return problem(res, status_for(e), e.message);
    default:
      return problem(res, 500, "internal error");
  }
}

void send_json(httplib::Response& res, int status, const json& j) {
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

// Reads a JSON object body; on failure answers 400 and returns nullopt.
std::optional<json> body_object(const httplib::Request& req, httplib::Response& res) {
  auto j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    problem(res, 400, "the body must be a JSON object", {{"", "expected a JSON object"}});
    return std::nullopt;
  }
  return j;
}

// A string member; answers 400 naming the field when absent (required) or not a string.
std::optional<std::string> str_field(const json& j, const char* name, httplib::Response& res,
                                     bool required) {
  auto it = j.find(name);
  if (it == j.end()) {
    if (!required) return std::string();
    problem(res, 400, std::string(name) + ": missing", {{name, "missing"}});
    return std::nullopt;
  }
  if (!it->is_string()) {
    problem(res, 400, std::string(name) + ": expected a string", {{name, "expected a string"}});
    return std::nullopt;
  }
  return it->get<std::string>();
}

bool only_known_fields(const json& j, std::initializer_list<std::string_view> known,
                       httplib::Response& res) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (auto k : known) ok = ok || it.key() == k;
    if (!ok) {
      problem(res, 400, it.key() + ": unknown field", {{it.key(), "unknown field"}});
      return false;
    }
  }
  return true;
}

}  // namespace sdc::http
