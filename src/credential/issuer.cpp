#include "sdc/credential/issuer.h"

namespace sdc {

nlohmann::json IssuedCard::to_json() const {
  nlohmann::json j = claims_to_json(claims);
  j["barcode"] = barcode;
  j["mrz"] = {mrz[0], mrz[1], mrz[2]};
  j["document_number"] = claims.holder.document_number;
  return j;
}

Result<IssuedCard> issue_card(Holder holder, const Signer& signer, const IssuerSettings& settings,
                              const IssueOptions& o, Random& random) {
  if (o.valid_days < 1) return fail(Errc::invalid_argument, "valid-for: at least 1 day");
  IssuedCard card;
  Claims& c = card.claims;
  c.iss = settings.iss;
  c.iat = o.now;
  c.exp = expiry_for(o.now, o.valid_days);
  c.status_uri = o.status_uri.value_or(settings.status_uri);
  if (o.status_index) {
    if (*o.status_index >= o.status_list_size)
      return fail(Errc::invalid_argument, "status index " + std::to_string(*o.status_index) +
                                              " lies outside the list of " +
                                              std::to_string(o.status_list_size) + " entries");
    c.status_index = *o.status_index;
  } else {
    c.status_index = random.uniform(o.status_list_size);
  }
  if (holder.document_number.empty()) holder.document_number = new_document_number(random);
  if (o.office) holder.issuing_office = *o.office;
  if (holder.issuing_office.empty()) holder.issuing_office = settings.office;
  c.holder = std::move(holder);
  auto barcode = issue_barcode(c, signer);
  if (!barcode) return std::unexpected(barcode.error());
  card.barcode = std::move(*barcode);
  auto mrz = card_mrz(c);
  if (!mrz) return std::unexpected(mrz.error());
  card.mrz = std::move(*mrz);
  return card;
}

Result<Holder> holder_from_input_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail(Errc::invalid_argument, "holder: expected a JSON object");
  static const char* kKnown[] = {"document_number", "a_number",       "family_name",
                                 "given_names",     "date_of_birth",  "sex",
                                 "nationality",     "portrait",       "portrait_sha256",
                                 "thumbnail",       "card_version",   "issuing_office"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) return fail(Errc::invalid_argument, "holder: unknown field '" + it.key() + "'");
  }
  nlohmann::json full = j;
  full.erase("portrait");
  if (!full.contains("document_number")) full["document_number"] = "";
  if (!full.contains("issuing_office")) full["issuing_office"] = "";
  if (!full.contains("portrait_sha256")) full["portrait_sha256"] = std::string(64, '0');
  if (full.contains("a_number")) {
    if (!full["a_number"].is_string())
      return fail(Errc::invalid_argument, "a_number: expected a string");
    auto a = normalize_a_number(full["a_number"].get<std::string>());
    if (!a) return std::unexpected(a.error());
    full["a_number"] = *a;
  }
  auto h = holder_from_json(full);
  if (!h) return std::unexpected(h.error());
  if (!j.contains("portrait_sha256")) h->portrait_sha256.clear();
  return h;
}

}  // namespace sdc
