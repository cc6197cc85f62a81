#include "http/console_form.h"

namespace sdc::http::console {

using portal::escape;

namespace {

// The label, hint and error, and the aria attributes that tie them to the
// control.
std::string described(const portal::Texts& t, const Field& f, std::string& attributes) {
  const std::string& id = f.id;
  std::string b = "<label for=\"" + id + "\">" + t.html(f.label_key) + "</label>";
  std::string ids;
  if (f.hint_key) {
    b += "<p class=\"hint\" id=\"" + id + "-hint\">" + t.html(f.hint_key) + "</p>";
    ids = id + "-hint";
  }
  if (!f.error.empty()) {
    b += "<p class=\"field-error\" id=\"" + id + "-error\">" + escape(f.error) + "</p>";
    ids += (ids.empty() ? "" : " ") + id + "-error";
  }
  if (!ids.empty()) attributes += " aria-describedby=\"" + ids + "\"";
  if (!f.error.empty()) attributes += " aria-invalid=\"true\"";
  if (f.required) attributes += " required";
  return b;
}

}  // namespace

std::string input(const portal::Texts& t, const Field& f) {
  std::string attributes;
  std::string b = described(t, f, attributes);
  const std::string& id = f.id;
  b += "<input id=\"" + id + "\" name=\"" + id + "\" type=\"" + f.type + "\"";
  const std::string_view type(f.type);
  if (type == "text" || type == "password" || type == "tel")
    b += " maxlength=\"" + std::to_string(f.maxlength) + "\" spellcheck=\"false\"";
  b += " autocomplete=\"" + std::string(f.autocomplete) + "\" value=\"" + escape(f.value) + "\"";
  return b + attributes + ">";
}

std::string select(const portal::Texts& t, const Field& f,
                   const std::vector<std::pair<std::string, std::string>>& options) {
  std::string attributes;
  std::string b = described(t, f, attributes);
  const std::string& id = f.id;
  b += "<select id=\"" + id + "\" name=\"" + id + "\"" + attributes + ">";
  for (const auto& [value, label] : options)
    b += "<option value=\"" + escape(value) + "\"" + (value == f.value ? " selected" : "") + ">" +
         escape(label) + "</option>";
  return b + "</select>";
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

}  // namespace sdc::http::console
