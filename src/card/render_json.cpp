// The card JSON `sdc issue` prints, and how the card spells its fields.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "sdc/card/card_render.h"

namespace sdc {
namespace {

// Caps that keep a hostile card file from costing much to lay out.
constexpr std::size_t kMaxField = 400;
constexpr std::size_t kMaxBarcode = 7089;

Result<std::string> get_string(const nlohmann::json& obj, const char* key, const char* where,
                               bool required = true, std::size_t max = kMaxField) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (!required) return std::string();
    return fail(Errc::parse, std::string("card JSON: missing field ") + where + key);
  }
  if (!it->is_string()) {
    return fail(Errc::parse, std::string("card JSON: field ") + where + key + " is not a string");
  }
  std::string value = it->get<std::string>();
  if (value.size() > max) {
    return fail(Errc::parse, std::string("card JSON: field ") + where + key + " is too long");
  }
  return value;
}

bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    const char c = s[i];
    if (!((c >= '0' && c <= '9') || (i >= 5 && c == 'X'))) return false;
  }
  return true;
}

// "2031-11-27T00:00:00Z" -> "2031-11-26": the last day a card whose
// validity ends at that instant is valid.
std::string day_before(std::string_view rfc3339) {
  if (rfc3339.size() < 10 || !is_iso_date(rfc3339.substr(0, 10))) return {};
  const std::string date(rfc3339.substr(0, 10));
  if (date.find('X') != std::string::npos) return {};
  const int y = std::stoi(date.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(date.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(date.substr(8, 2)));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return {};
  // An instant after midnight still falls inside that day.
  const bool midnight = rfc3339.size() >= 19 && rfc3339.substr(10, 9) == "T00:00:00";
  const std::chrono::year_month_day last{std::chrono::sys_days{ymd} -
                                         std::chrono::days{midnight ? 1 : 0}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(last.year()),
                static_cast<unsigned>(last.month()), static_cast<unsigned>(last.day()));
  return buf;
}

}  // namespace

Result<CardData> card_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail(Errc::parse, "card JSON: not an object");
  CardData card;

  auto barcode = get_string(j, "barcode", "", true, kMaxBarcode);
  if (!barcode) return std::unexpected(barcode.error());
  if (barcode->empty()) return fail(Errc::parse, "card JSON: barcode is empty");
  card.barcode = std::move(*barcode);

  const auto mrz = j.find("mrz");
  if (mrz == j.end() || !mrz->is_array() || mrz->size() != 3) {
    return fail(Errc::parse, "card JSON: mrz must be an array of three strings");
  }
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& line = (*mrz)[i];
    if (!line.is_string() || line.get_ref<const std::string&>().size() > 60) {
      return fail(Errc::parse, "card JSON: mrz must be an array of three strings");
    }
    card.mrz[i] = line.get<std::string>();
  }

  const auto holder_it = j.find("holder");
  if (holder_it == j.end() || !holder_it->is_object()) {
    return fail(Errc::parse, "card JSON: missing object holder");
  }
  const nlohmann::json& h = *holder_it;
  CardHolder& holder = card.holder;
  struct Field {
    const char* key;
    std::string* out;
    bool required;
  };
  const Field holder_fields[] = {
      {"document_number", &holder.document_number, false},
      {"a_number", &holder.a_number, true},
      {"family_name", &holder.family_name, true},
      {"given_names", &holder.given_names, false},
      {"date_of_birth", &holder.date_of_birth, true},
      {"sex", &holder.sex, true},
      {"nationality", &holder.nationality, true},
      {"issuing_office", &holder.issuing_office, true},
      {"portrait_sha256", &holder.portrait_sha256, false},
  };
  for (const Field& f : holder_fields) {
    auto v = get_string(h, f.key, "holder.", f.required);
    if (!v) return std::unexpected(v.error());
    *f.out = std::move(*v);
  }
  if (const auto cv = h.find("card_version"); cv != h.end()) {
    if (!cv->is_number_integer() || cv->get<std::int64_t>() < 0) {
      return fail(Errc::parse, "card JSON: field holder.card_version is not an unsigned integer");
    }
    holder.card_version = cv->get<std::uint64_t>();
  }

  const Field top_fields[] = {
      {"document_number", &card.document_number, false},
      {"iss", &card.iss, true},
      {"issue_date", &card.issue_date, false},
      {"expiry_date", &card.expiry_date, false},
      {"issued_at", &card.issued_at, false},
      {"expires_at", &card.expires_at, false},
      {"status_uri", &card.status_uri, false},
  };
  for (const Field& f : top_fields) {
    auto v = get_string(j, f.key, "", f.required);
    if (!v) return std::unexpected(v.error());
    *f.out = std::move(*v);
  }
  if (const auto si = j.find("status_index"); si != j.end()) {
    if (!si->is_number_integer() || si->get<std::int64_t>() < 0) {
      return fail(Errc::parse, "card JSON: field status_index is not an unsigned integer");
    }
    card.status_index = si->get<std::uint64_t>();
  }

  if (card.document_number.empty()) card.document_number = holder.document_number;
  if (holder.document_number.empty()) holder.document_number = card.document_number;
  if (card.document_number.empty())
    return fail(Errc::parse, "card JSON: missing field document_number");
  if (card.document_number != holder.document_number) {
    return fail(Errc::parse, "card JSON: document_number and holder.document_number differ");
  }
  if (card.issue_date.empty() && card.issued_at.size() >= 10) {
    card.issue_date = card.issued_at.substr(0, 10);
  }
  if (card.expiry_date.empty()) card.expiry_date = day_before(card.expires_at);
  if (!is_iso_date(card.issue_date)) {
    return fail(Errc::parse, "card JSON: issue_date must be YYYY-MM-DD");
  }
  if (!is_iso_date(card.expiry_date)) {
    return fail(Errc::parse, "card JSON: expiry_date must be YYYY-MM-DD");
  }
  return card;
}

Result<void> parse_card_formats(std::string_view list, RenderOptions& options) {
  bool pdf = false, png = false;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "pdf") {
      pdf = true;
    } else if (item == "png") {
      png = true;
    } else if (!item.empty()) {
      return fail(Errc::invalid_argument,
                  "unknown format '" + std::string(item) + "' (formats: pdf, png)");
    }
  }
  if (!pdf && !png) return fail(Errc::invalid_argument, "no output format given (pdf, png)");
  options.pdf = pdf;
  options.png = png;
  return {};
}

std::pair<int, int> card_pixel_size(int dpi) {
  return {static_cast<int>(std::lround(kCardWidthMm / 25.4 * dpi)),
          static_cast<int>(std::lround(kCardHeightMm / 25.4 * dpi))};
}

std::string format_a_number(std::string_view a) {
  if (!a.empty() && (a.front() == 'A' || a.front() == 'a')) a.remove_prefix(1);
  bool digits = a.size() == 9;
  for (const char c : a) digits = digits && c >= '0' && c <= '9';
  if (!digits) return "A" + std::string(a);
  return "A" + std::string(a.substr(0, 3)) + "-" + std::string(a.substr(3, 3)) + "-" +
         std::string(a.substr(6, 3));
}

std::string format_card_date(std::string_view iso) {
  static constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  if (!is_iso_date(iso) || iso.substr(0, 4).find('X') != std::string_view::npos) {
    return std::string(iso);
  }
  const std::string_view mm = iso.substr(5, 2), dd = iso.substr(8, 2);
  std::string month = "XXX";
  if (mm != "XX") {
    if (mm.find('X') != std::string_view::npos) return std::string(iso);
    const int m = (mm[0] - '0') * 10 + (mm[1] - '0');
    if (m < 1 || m > 12) return std::string(iso);
    month = kMonths[m - 1];
  }
  return std::string(dd) + " " + month + " " + std::string(iso.substr(0, 4));
}

}  // namespace sdc
