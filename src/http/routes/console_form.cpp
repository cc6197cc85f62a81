#include "http/routes/console_form.h"

namespace sdc::http::console {

using portal::escape;

namespace {

// The label, hint and error of a field, and the attributes that tie them
// to the control.
std::string label_and_notes(const portal::Texts& t, const Field& f, std::string& attributes) {
  const std::string id = f.id;
  std::string b = "<label for=\"" + id + "\">" + t.html(f.label_key) + "</label>";
  std::string described;
  if (f.hint_key) {
    b += "<p class=\"hint\" id=\"" + id + "-hint\">" + t.html(f.hint_key) + "</p>";
    described = id + "-hint";
  }
  if (!f.error.empty()) {
    b += "<p class=\"field-error\" id=\"" + id + "-error\">" + escape(f.error) + "</p>";
    described += (described.empty() ? "" : " ") + id + "-error";
  }
  attributes = " id=\"" + id + "\" name=\"" + id + "\"";
  if (!described.empty()) attributes += " aria-describedby=\"" + described + "\"";
  if (!f.error.empty()) attributes += " aria-invalid=\"true\"";
  if (f.required) attributes += " required";
  return b;
}

}  // namespace

std::string input(const portal::Texts& t, const Field& f) {
  std::string attributes;
  std::string b = label_and_notes(t, f, attributes);
  b += "<input" + attributes + " type=\"" + f.type + "\" maxlength=\"" +
       std::to_string(f.maxlength) + "\" spellcheck=\"false\" autocomplete=\"" + f.autocomplete +
       "\" value=\"" + escape(f.value) + "\">";
  return b;
}

std::string select(const portal::Texts& t, const Field& f,
                   const std::vector<std::pair<std::string, std::string>>& options) {
  std::string attributes;
  std::string b = label_and_notes(t, f, attributes);
  b += "<select" + attributes + ">";
  for (const auto& [value, shown] : options)
    b += "<option value=\"" + escape(value) + "\"" + (value == f.value ? " selected" : "") + ">" +
         escape(shown) + "</option>";
  return b + "</select>";
}

std::string file_input(const portal::Texts& t, const Field& f, const char* accept) {
  std::string attributes;
  std::string b = label_and_notes(t, f, attributes);
  return b + "<input" + attributes + " type=\"file\" accept=\"" + accept + "\">";
}

std::string csrf_field(const portal::Visit& v) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(v.csrf) + "\">";
}

std::string button_form(const portal::Visit& v, const std::string& action,
                        const std::vector<std::pair<std::string, std::string>>& fields,
                        const std::string& button_label, const char* button_class) {
  std::string b = "<form method=\"post\" action=\"" + escape(action) + "\" class=\"inline\">";
  b += csrf_field(v);
  for (const auto& [name, value] : fields)
    b += "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
  b += "<button type=\"submit\"";
  if (button_class) b += " class=\"" + std::string(button_class) + "\"";
  return b + ">" + escape(button_label) + "</button></form>";
}

void fact(std::string& b, const portal::Texts& t, const char* key, const std::string& value) {
  b += "<dt>" + t.html(key) + "</dt><dd>" + escape(value) + "</dd>";
}

}  // namespace sdc::http::console
