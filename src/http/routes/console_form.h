// The widgets of the console's forms (routes/console*.cpp): labelled inputs
// and selects with a hint and the field's own error beside it
// (aria-describedby, aria-invalid), the CSRF field, a one-button form, and a
// fact of a definition list. Every label and hint is a
// catalogue key; values are escaped here. Internal to the http module.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/portal.h"

namespace sdc::http::console {

struct Field {
  std::string id;                  // the input's id and name
  const char* label_key;           // catalogue key of its label
  std::string value;               // as entered
  std::string error;               // plain text beside the field; empty for none
  const char* hint_key = nullptr;  // catalogue key of a hint under the label
  const char* type = "text";
  const char* autocomplete = "off";
  int maxlength = 100;
  bool required = false;
};
std::string input(const portal::Texts& t, const Field& f);

// A <select>; `options` are (value, shown text), the one equal to
// f.value selected.
std::string select(const portal::Texts& t, const Field& f,
                   const std::vector<std::pair<std::string, std::string>>& options);

// A file input (accept: image types) with its label, hint and error.
std::string file_input(const portal::Texts& t, const Field& f, const char* accept);

std::string csrf_field(const portal::Visit& v);

// A form that posts `fields` (name, value) as hidden inputs with the CSRF
// token to `action`, shown as one button labelled `button_label`.
std::string button_form(const portal::Visit& v, const std::string& action,
                        const std::vector<std::pair<std::string, std::string>>& fields,
                        const std::string& button_label, const char* button_class = nullptr);

// <dt>label</dt><dd>value</dd>
void fact(std::string& html, const portal::Texts& t, const char* key, const std::string& value);

}  // namespace sdc::http::console
