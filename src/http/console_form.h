// The pieces of the console's forms (routes/console_*.cpp): a labelled
// field with its hint and its error beside it, tied together for screen
// readers (aria-describedby, aria-invalid), a select, and the CSRF field.
// Every text comes from the catalogues except the values, which are escaped.
// Internal to the http module.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/portal.h"

namespace sdc::http::console {

struct Field {
  std::string id;         // the element's id and the form field's name
  const char* label_key;  // catalogue key of the label
  std::string value;      // as entered
  std::string error;      // plain text shown beside the field; empty for none
  const char* hint_key = nullptr;
  const char* type = "text";
  const char* autocomplete = "off";
  int maxlength = 100;
  bool required = false;
};

// <label>, the hint, the error and the <input>.
std::string input(const portal::Texts& t, const Field& f);

// <label>, the error and a <select> of (value, label) options, `f.value`
// selected.
std::string select(const portal::Texts& t, const Field& f,
                   const std::vector<std::pair<std::string, std::string>>& options);

// The hidden CSRF field of a form of the visit.
std::string csrf_field(const portal::Visit& v);

// A form that posts `fields` (name, value) as hidden inputs with the CSRF
// token to `action`, shown as one button labelled `button_label`.
std::string button_form(const portal::Visit& v, const std::string& action,
                        const std::vector<std::pair<std::string, std::string>>& fields,
                        const std::string& button_label, const char* button_class = nullptr);

}  // namespace sdc::http::console
