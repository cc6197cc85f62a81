// The console's cards: issuing a holder's card, the card's page (its state,
// a preview of both sides, the print files) and its changes: reissue (lost,
// stolen, damaged, data changed), revoke, suspend and lift a suspension,
// each with a reason. The domain decides who may do what and audits it; a
// change is followed by the validity list's publication. The print files
// are rendered from the stored, signed barcode and the enrolled portrait,
// read through the domain (audited), never kept on disk.
#include <array>
#include <map>
#include <string>

#include "http/portal.h"
#include "http/problem.h"
#include "http/routes/console_form.h"
#include "http/routes/routes.h"
#include "sdc/card/card_render.h"
#include "sdc/credential/issuer.h"
#include "sdc/credential/verify.h"

namespace sdc::http {

namespace {

using console::Field;
using portal::escape;
using portal::kOfficer;
using portal::Page;
using portal::Texts;
using portal::Visit;
using registry::Action;
using registry::CardRecord;

constexpr int kPreviewDpi = 150;
constexpr int kPrintDpi = 600;

std::string card_path(const std::string& doc) {
  return "/console/cards/" + doc;
}

// The problem shown for a refusal of the domain.
std::string refusal(const Texts& t, const Error& e) {
  switch (e.code) {
    case Errc::forbidden:
      return t("console.card.not_allowed");
    case Errc::not_found:
      return t("problem.not_found");
    case Errc::conflict:
      return t("console.card.conflict");
    default:
      return t("problem.internal");
  }
}

void refuse(Api& api, const Call& c, const Visit& v, int status, const std::string& why) {
  const Texts& t = v.texts;
  portal::send_page(api, c.res, status, t, Page{t("console.card.title"), "", "console", "", why},
                    &v);
}

// ---- Issue ----

void issue(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  auto made = api.registry.issue_card(v.user, c.params["id"]);
  api.status_list.changed();
  if (!made) return refuse(api, c, v, status_for(made.error()), refusal(v.texts, made.error()));
  portal::redirect(api, c.res, card_path(made->card.document_number) + "?done=issued", kOfficer);
}

// ---- Rendering ----

// The card as printed: its signed barcode read back (so the print shows
// exactly what was signed) and the enrolled portrait, both read through the
// domain for a role that may issue cards.
// `printing`: only a valid card (Errc::conflict for another).
Result<RenderedCard> render(Api& api, const Visit& v, const std::string& doc,
                            const RenderOptions& options, bool printing) {
  if (auto ok = api.registry.authorize(v.user, Action::issue_card, "print card " + doc); !ok)
    return std::unexpected(ok.error());
  auto card = api.registry.get_card(v.user, doc);
  if (!card) return std::unexpected(card.error());
  if (printing && card->state != CardState::valid)
    return fail(Errc::conflict, "only a valid card is printed");
  Verification read = verify_barcode(card->barcode, api.trust, nullptr, api.clock.now());
  if (!read.claims) return fail(Errc::crypto, "the stored barcode does not verify: " + read.detail);
  auto mrz = card_mrz(*read.claims);
  if (!mrz) return std::unexpected(mrz.error());
  const IssuedCard issued{*read.claims, card->barcode, *mrz};
  auto data = card_from_json(issued.to_json());
  if (!data) return std::unexpected(data.error());
  auto portrait = api.registry.portrait(v.user, card->holder_id);
  if (!portrait) return std::unexpected(portrait.error());
  return render_card(*data, *portrait, options);
}

// A print file or a preview image of `doc`.
enum class Output { pdf, front, back, preview_front, preview_back };

void send_output(Api& api, const Call& c, const Visit& v, Output what) {
  const std::string& doc = c.params["document_number"];
  RenderOptions options;
  options.pdf = what == Output::pdf;
  options.png = !options.pdf;
  const bool preview = what == Output::preview_front || what == Output::preview_back;
  options.dpi = preview ? kPreviewDpi : kPrintDpi;
  if (options.pdf) options.crop_marks = false;
  // Only a valid card is printed; its preview shows whatever state it is in.
  auto r = render(api, v, doc, options, !preview);
  if (!r)
    return refuse(api, c, v, status_for(r.error()),
                  r.error().code == Errc::conflict ? v.texts("console.card.print_only_valid")
                                                   : refusal(v.texts, r.error()));
  portal::security_headers(api, c.res, kOfficer);
  const Bytes& body = what == Output::pdf                                      ? r->pdf
                      : what == Output::front || what == Output::preview_front ? r->front_png
                                                                               : r->back_png;
  c.res.status = 200;
  c.res.set_content(std::string(body.begin(), body.end()),
                    what == Output::pdf ? "application/pdf" : "image/png");
  if (!preview) {
    // The PDF opens in the browser's viewer (the page's download link saves
    // it); the PNGs are saved.
    const char* name = what == Output::pdf     ? "card.pdf"
                       : what == Output::front ? "front.png"
                                               : "back.png";
    c.res.set_header("Content-Disposition",
                     std::string(what == Output::pdf ? "inline" : "attachment") +
                         "; filename=\"sdc-" + doc + "-" + name + "\"");
  }
}

// ---- The card's page ----

struct ChangeForm {
  std::string action;  // the change whose form has an error
  std::string error;
  std::string reason;
};

std::string reason_form(const Texts& t, const Visit& v, const std::string& doc, const char* change,
                        const ChangeForm& f, bool danger) {
  const std::string id = std::string(change) + "-reason";
  const bool mine = f.action == change;
  std::string b = "<form method=\"post\" action=\"" + card_path(doc) + "/" + change +
                  "\" class=\"stack\" novalidate>" + console::csrf_field(v);
  b += "<label for=\"" + id + "\">" + t.html("console.card.reason_for_" + std::string(change)) +
       "</label>";
  std::string described = id + "-hint";
  b += "<p class=\"hint\" id=\"" + id + "-hint\">" + t.html("console.card.reason_hint") + "</p>";
  if (mine && !f.error.empty()) {
    b += "<p class=\"field-error\" id=\"" + id + "-error\">" + escape(f.error) + "</p>";
    described += " " + id + "-error";
  }
  b += "<input id=\"" + id +
       "\" name=\"reason\" type=\"text\" maxlength=\"200\" required "
       "autocomplete=\"off\" aria-describedby=\"" +
       described + "\"" + (mine && !f.error.empty() ? " aria-invalid=\"true\"" : "") + " value=\"" +
       escape(mine ? f.reason : "") + "\">";
  b += std::string("<button type=\"submit\"") + (danger ? " class=\"danger\"" : "") + ">" +
       t.html("console.card.do_" + std::string(change)) + "</button></form>";
  return b;
}

std::string reissue_form(const Texts& t, const Visit& v, const std::string& doc,
                         const ChangeForm& f) {
  std::string b = "<form method=\"post\" action=\"" + card_path(doc) +
                  "/reissue\" class=\"stack\">" + console::csrf_field(v);
  std::vector<std::pair<std::string, std::string>> reasons;
  for (const char* r : {"lost", "stolen", "damaged", "data_changed"})
    reasons.emplace_back(r, t("console.card.reissue_" + std::string(r)));
  b += console::select(
      t,
      {"reissue-reason", "console.card.reason_for_reissue",
       f.action == "reissue" ? f.reason : "lost", f.action == "reissue" ? f.error : ""},
      reasons);
  b += "<button type=\"submit\">" + t.html("console.card.do_reissue") + "</button></form>";
  return b;
}

void card_page(Api& api, const Call& c, const Visit& v, int status, const ChangeForm& f) {
  const Texts& t = v.texts;
  const std::string& doc = c.params["document_number"];
  auto card = api.registry.get_card(v.user, doc);
  if (!card) return refuse(api, c, v, status_for(card.error()), refusal(t, card.error()));
  const registry::Role role = v.user.role;
  std::string b = "<p><a href=\"/console/holders/" + escape(card->holder_id) + "\">" +
                  t.html("console.card.back_to_holder") + "</a></p>";
  b += "<dl class=\"facts\">";
  console::fact(b, t, "verify.field.document_number", card->document_number);
  console::fact(b, t, "console.card.state",
                t("console.card." + std::string(registry::to_string(card->state))));
  if (card->state != CardState::valid && !card->state_reason.empty())
    console::fact(b, t, "console.card.reason", card->state_reason);
  console::fact(b, t, "verify.field.card_version", std::to_string(card->card_version));
  console::fact(b, t, "console.card.issued", t.when(card->issued_at, "UTC", i18n::DateStyle::date));
  console::fact(b, t, "verify.field.expires_at",
                t.when(card->expires_at - 1, "UTC", i18n::DateStyle::date));
  b += "</dl>";
  if (registry::allowed(role, Action::issue_card)) {
    const std::string base = escape(card_path(doc));
    b += "<section aria-labelledby=\"preview\"><h2 id=\"preview\">" +
         t.html("console.card.preview") + "</h2><div class=\"card-preview\">";
    b += "<img src=\"" + base + "/preview-front.png\" width=\"506\" height=\"319\" alt=\"" +
         t.html("console.card.front") + "\">";
    b += "<img src=\"" + base + "/preview-back.png\" width=\"506\" height=\"319\" alt=\"" +
         t.html("console.card.back") + "\"></div>";
    if (card->state == CardState::valid) {
      b += "<ul class=\"places\">";
      b += "<li><a href=\"" + base + "/card.pdf\">" + t.html("console.card.open_pdf") + "</a></li>";
      b += "<li><a href=\"" + base + "/card.pdf\" download>" + t.html("console.card.download_pdf") +
           "</a></li>";
      b += "<li><a href=\"" + base + "/front.png\" download>" +
           t.html("console.card.download_front") + "</a></li>";
      b += "<li><a href=\"" + base + "/back.png\" download>" +
           t.html("console.card.download_back") + "</a></li></ul>";
    } else {
      b += "<p>" + t.html("console.card.print_only_valid") + "</p>";
    }
    b += "</section>";
  }
  std::string changes;
  const bool live = card->state == CardState::valid || card->state == CardState::suspended;
  if (live && registry::allowed(role, Action::reissue_card)) changes += reissue_form(t, v, doc, f);
  if (card->state == CardState::valid && registry::allowed(role, Action::suspend_card))
    changes += reason_form(t, v, doc, "suspend", f, false);
  if (card->state == CardState::suspended && registry::allowed(role, Action::lift_suspension))
    changes += reason_form(t, v, doc, "lift", f, false);
  if (live && registry::allowed(role, Action::revoke_card))
    changes += reason_form(t, v, doc, "revoke", f, true);
  if (!changes.empty())
    b += "<section aria-labelledby=\"changes\" class=\"changes\"><h2 id=\"changes\">" +
         t.html("console.card.changes") + "</h2>" + changes + "</section>";
  std::string notice;
  const std::string done = c.req.get_param_value("done");
  for (const char* d : {"issued", "reissued", "revoked", "suspended", "lifted"})
    if (done == d) notice = t("console.card.done_" + done);
  portal::send_page(api, c.res, status, t,
                    Page{t("console.card.title"), b, "console", notice,
                         f.error.empty() ? "" : t("console.card.fix")},
                    &v);
}

// ---- Changes ----

using StateChange = Result<CardRecord> (registry::Registry::*)(const registry::User&,
                                                               const std::string&,
                                                               std::string_view);
struct Change {
  const char* name;  // in the path, and the form's
  const char* done;  // the page's notice after it
  StateChange change;
};
constexpr Change kChanges[] = {
    {"revoke", "revoked", &registry::Registry::revoke_card},
    {"suspend", "suspended", &registry::Registry::suspend_card},
    {"lift", "lifted", &registry::Registry::lift_suspension},
};

void change_state(Api& api, const Call& c, const Visit& v, const Change& change) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  const std::string& doc = c.params["document_number"];
  ChangeForm f{change.name, "", portal::field(*form, "reason")};
  if (f.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    f.error = v.texts("console.card.reason_missing");
    return card_page(api, c, v, 400, f);
  }
  if (f.reason.size() > 200) {
    f.error = v.texts("console.card.reason_too_long");
    return card_page(api, c, v, 400, f);
  }
  auto r = (api.registry.*change.change)(v.user, doc, f.reason);
  api.status_list.changed();
  if (!r) return refuse(api, c, v, status_for(r.error()), refusal(v.texts, r.error()));
  portal::redirect(api, c.res, card_path(doc) + "?done=" + change.done, kOfficer);
}

void reissue(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  const std::string& doc = c.params["document_number"];
  ChangeForm f{"reissue", "", portal::field(*form, "reissue-reason")};
  using R = registry::ReissueReason;
  std::optional<R> reason;
  for (R r : {R::lost, R::stolen, R::damaged, R::data_changed})
    if (f.reason == registry::to_string(r)) reason = r;
  if (!reason) {
    f.error = v.texts("console.card.reason_missing");
    return card_page(api, c, v, 400, f);
  }
  auto card = api.registry.get_card(v.user, doc);
  if (!card) return refuse(api, c, v, status_for(card.error()), refusal(v.texts, card.error()));
  auto r = api.registry.reissue_card(v.user, card->holder_id, *reason);
  api.status_list.changed();
  if (!r) return refuse(api, c, v, status_for(r.error()), refusal(v.texts, r.error()));
  portal::redirect(api, c.res, card_path(r->card.document_number) + "?done=reissued", kOfficer);
}

}  // namespace

void add_console_card_routes(Router& router, Api& api) {
  router.post("/console/holders/{id}/cards", portal::signed_in(api, issue, kOfficer));
  router.get("/console/cards/{document_number}",
             portal::signed_in(
                 api, [](Api& a, const Call& c, const Visit& v) { card_page(a, c, v, 200, {}); },
                 kOfficer));
  static constexpr std::pair<const char*, Output> kOutputs[] = {
      {"/card.pdf", Output::pdf},
      {"/front.png", Output::front},
      {"/back.png", Output::back},
      {"/preview-front.png", Output::preview_front},
      {"/preview-back.png", Output::preview_back}};
  for (const auto& [suffix, what] : kOutputs)
    router.get(
        std::string("/console/cards/{document_number}") + suffix,
        portal::signed_in(
            api, [what](Api& a, const Call& c, const Visit& v) { send_output(a, c, v, what); },
            kOfficer));
  router.post("/console/cards/{document_number}/reissue",
              portal::signed_in(api, reissue, kOfficer));
  for (const Change& change : kChanges)
    router.post(
        std::string("/console/cards/{document_number}/") + change.name,
        portal::signed_in(
            api,
            [&change](Api& a, const Call& c, const Visit& v) { change_state(a, c, v, change); },
            kOfficer));
}

}  // namespace sdc::http
