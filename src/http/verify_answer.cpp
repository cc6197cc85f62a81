#include "http/verify_answer.h"

#include "http/card_check.h"
#include "http/views.h"
#include "sdc/i18n/language.h"
#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::Action;
using registry::allowed;

namespace {

json cardholder_json(const registry::CardholderView& v) {
  const Holder& h = v.holder;
  json j = {{"document_number", h.document_number},
            {"family_name", h.family_name},
            {"given_names", h.given_names}};
  if (v.identity_shown) {
    j["date_of_birth"] = h.date_of_birth;
    j["sex"] = h.sex;
    j["nationality"] = h.nationality;
    j["portrait_sha256"] = hex_encode(h.portrait_sha256);
    if (h.thumbnail) {  // a JPEG (spec claim 10)
      const std::string encoded = base64_encode(*h.thumbnail);
      j["thumbnail"] = encoded;
      j["thumbnail_url"] = "data:image/jpeg;base64," + encoded;
    }
    j["card_version"] = h.card_version;
    j["issuing_office"] = h.issuing_office;
  }
  if (v.a_number_shown) j["a_number"] = h.a_number;
  return j;
}

// A read the role may make whose "nothing there" is an answer, not a failure.
template <typename T>
Result<std::optional<T>> optional_read(Result<T> r) {
  if (r) return std::optional<T>(std::move(*r));
  if (r.error().code == Errc::not_found) return std::optional<T>();
  return std::unexpected(r.error());
}

// What a field officer sees beside the card, online: the stored portrait,
// the next hearing, the next reporting date and compliance. Each read is
// audited by the domain as a read of the holder's record.
Result<void> add_field_view(Api& api, const registry::User& user, const std::string& holder_id,
                            json& out) {
  if (allowed(user.role, Action::read_holder_identity)) {
    auto portrait = api.registry.portrait(user, holder_id);
    if (!portrait) return std::unexpected(portrait.error());
    if (!portrait->empty()) out["holder"]["portrait_url"] = image_data_url(*portrait);
  }
  if (allowed(user.role, Action::read_next_hearing)) {
    auto next = api.hearings.next_for_holder(holder_id, user, api.clock.now());
    if (!next) return std::unexpected(next.error());
    out["next_hearing"] = *next ? hearing_json(**next) : json(nullptr);
  }
  if (allowed(user.role, Action::read_schedule)) {
    auto rep = optional_read(api.scheduling.get_reporting(user, holder_id));
    if (!rep) return std::unexpected(rep.error());
    out["reporting"] = *rep ? json{{"office_id", (*rep)->requirement.office_id},
                                   {"next_due_date", (*rep)->next_due_date},
                                   {"window_opens", (*rep)->window_opens},
                                   {"window_closes", (*rep)->window_closes}}
                            : json(nullptr);
  }
  if (allowed(user.role, Action::read_compliance)) {
    auto c = api.check_ins.compliance(user, holder_id);
    if (!c) return std::unexpected(c.error());
    out["compliance"] = {
        {"on_time", c->on_time},
        {"late", c->late},
        {"missed", c->missed},
        {"last_check_in", c->last_check_in ? json(format_time(*c->last_check_in)) : json(nullptr)}};
  }
  return {};
}

}  // namespace

std::string image_data_url(ByteView image) {
  const bool png = image.size() >= 4 && image[0] == 0x89 && image[1] == 'P' && image[2] == 'N' &&
                   image[3] == 'G';
  return std::string(png ? "data:image/png;base64," : "data:image/jpeg;base64,") +
         base64_encode(image);
}

Result<json> verification_answer(Api& api, const registry::User& user, const std::string& barcode,
                                 std::string_view language) {
  Verification v = verify_presented(api, barcode);
  std::string result = to_string(v.result);
  json out = {{"result", result}, {"detail", v.detail}};
  auto text = api.catalogues.format(language, explanation_key(v));
  if (!text) return std::unexpected(text.error());
  out["explanation"] = *text;
  out["language"] = std::string(i18n::resolve_language(language));
  out["validity"] = to_string(v.status.validity);
  if (v.status.as_of) out["status_as_of"] = format_time(*v.status.as_of);
  if (v.claims) {
    out["holder"] = cardholder_json(registry::cardholder_view_for(user.role, v.claims->holder));
    out["issued_at"] = format_time(v.claims->iat);
    out["expires_at"] = format_time(v.claims->exp);
  }
  // Every verification is audited, a forged or unreadable card's too, with
  // the online extras for a card the registry knows. Nothing is answered
  // unless its audit record is durable.
  auto online = api.registry.record_verification(
      user, v.claims ? v.claims->holder.document_number : "", result);
  if (!online) return std::unexpected(online.error());
  if (*online) {
    out["case_status"] = case_json(**online);
    if (user.role == registry::Role::field_officer && v.claims) {
      if (auto extra = add_field_view(api, user, (*online)->holder_id, out); !extra)
        return std::unexpected(extra.error());
    }
  }
  return out;
}

}  // namespace sdc::http
