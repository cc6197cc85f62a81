// libFuzzer target for how a holder is reached (sdc/notify/notify.h):
// parse_contact on arbitrary text, then choose_channel on what it found.
// An e-mail address found is a piece of the text with one "@", a dot after
// it and no blank; a phone number is "+" and 7 to 15 digits; "no
// smartphone" is found exactly when the text says it; the channel follows
// the documented rule; and the contact written back as plain words parses
// to the same contact.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sdc/notify/notify.h"

namespace {

using sdc::notify::Channel;
using sdc::notify::Contact;

void check(bool ok) {
  if (!ok) std::abort();
}

bool good_email(std::string_view e, std::string_view text) {
  const auto at = e.find('@');
  if (at == 0 || at == std::string_view::npos || e.find('@', at + 1) != std::string_view::npos)
    return false;
  const auto dot = e.find('.', at + 2);
  if (dot == std::string_view::npos || dot + 1 >= e.size()) return false;
  const bool clean = std::ranges::none_of(e, [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == '"' ||
           c == ',' || c == ';';
  });
  return clean && text.find(e) != std::string_view::npos;
}

bool good_phone(std::string_view p) {
  if (p.size() < 8 || p.size() > 16 || p[0] != '+') return false;
  return std::ranges::all_of(p.substr(1),
                             [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool says_no_smartphone(std::string_view text) {
  std::string l(text);
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view phrase :
       {"no smartphone", "no-smartphone", "smartphone: no", "smartphone:no"})
    if (l.find(phrase) != std::string::npos) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Contact c = sdc::notify::parse_contact(text);
  check(sdc::notify::parse_contact(text) == c);
  check(c.email.empty() || good_email(c.email, text));
  check(c.phone.empty() || good_phone(c.phone));
  check(c.smartphone == !says_no_smartphone(text));

  const Channel channel = sdc::notify::choose_channel(c);
  if (c.email.empty() && c.phone.empty())
    check(channel == Channel::none);
  else if (!c.phone.empty() && (!c.smartphone || c.email.empty()))
    check(channel == Channel::sms);
  else
    check(channel == Channel::email);

  // Written back as plain words (an address holding a ":" could be read as
  // a label, so those are left out), the contact reads the same.
  if (c.email.find(':') == std::string::npos) {
    std::string again = c.email + " " + c.phone + (c.smartphone ? "" : " no smartphone");
    const Contact back = sdc::notify::parse_contact(again);
    check(back == c);
    check(sdc::notify::choose_channel(back) == channel);
  }
  return 0;
}
