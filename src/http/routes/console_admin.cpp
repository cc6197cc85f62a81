// The administrators' pages of the console: the users (list, create,
// disable and enable) and the offices (list, create). They call the same
// domain as /v1/users and /v1/offices (Accounts, Offices), which decides
// what each role may do and audits every change, refusal and failure.
// Auditors read both lists (DESIGN.md: users, roles, offices: read); the
// forms are shown only to the roles that may change them. Every form is
// POSTed with the CSRF field, each bad field named beside itself.
#include <charconv>
#include <map>
#include <string>
#include <vector>

#include "http/portal.h"
#include "http/routes/console_form.h"
#include "http/routes/routes.h"
#include "sdc/registry/admin_audit.h"

namespace sdc::http {

namespace {

using console::Field;
using portal::escape;
using portal::kOfficer;
using portal::Page;
using portal::Texts;
using portal::Visit;
using registry::AdminAction;
using registry::Role;

// A form's fields as entered, and the error of each, by field name.
struct Entered {
  std::map<std::string, std::string> values, errors;
  const std::string& value(const std::string& name) const {
    static const std::string none;
    auto it = values.find(name);
    return it == values.end() ? none : it->second;
  }
  std::string error(const std::string& name) const {
    auto it = errors.find(name);
    return it == errors.end() ? std::string() : it->second;
  }
};

// A refusal or failure as a page of its own.
void refuse(Api& api, const Call& c, const Visit& v, const char* title_key, const char* current,
            int status, const std::string& why) {
  const Texts& t = v.texts;
  portal::send_page(api, c.res, status, t, Page{t(title_key), "", current, "", why}, &v);
}

// ---- users ----

std::string role_label(const Texts& t, Role r) {
  return t("portal.role." + std::string(registry::to_string(r)));
}

std::string users_table(const Texts& t, const Visit& v,
                        const std::vector<registry::AccountRow>& accounts,
                        const std::map<std::string, std::string>& office_names, bool manage) {
  std::string b =
      "<section aria-labelledby=\"users-title\"><h2 id=\"users-title\">" +
      t.html("console.users.list", {{"count", static_cast<std::int64_t>(accounts.size())}}) +
      "</h2>";
  b += "<div class=\"scroll\" role=\"region\" aria-labelledby=\"users-title\" tabindex=\"0\">";
  b += "<table><thead><tr>";
  for (const char* key : {"console.users.col.username", "console.users.col.role",
                          "console.users.col.office", "console.users.col.state"})
    b += "<th scope=\"col\">" + t.html(key) + "</th>";
  if (manage) b += "<th scope=\"col\">" + t.html("console.users.col.change") + "</th>";
  b += "</tr></thead><tbody>";
  for (const registry::AccountRow& a : accounts) {
    auto office = office_names.find(a.office_id);
    b += "<tr><td>" + escape(a.username) + "</td><td>" + escape(role_label(t, a.role)) +
         "</td><td>" +
         (a.office_id.empty()            ? t.html("console.users.no_office")
          : office != office_names.end() ? escape(office->second)
                                         : escape(a.office_id)) +
         "</td><td" + (a.disabled ? " class=\"changed\"" : "") + ">" +
         t.html(a.disabled ? "console.users.disabled" : "console.users.enabled") + "</td>";
    if (manage)
      b += "<td>" +
           console::button_form(v, "/console/users/state",
                                {{"username", a.username}, {"disabled", a.disabled ? "0" : "1"}},
                                t(a.disabled ? "console.users.enable" : "console.users.disable",
                                  {{"username", a.username}}),
                                a.disabled ? nullptr : "danger") +
           "</td>";
    b += "</tr>";
  }
  return b + "</tbody></table></div></section>";
}

std::string create_user_form(const Texts& t, const Visit& v,
                             const std::vector<registry::OfficeRow>& offices, const Entered& e) {
  std::vector<std::pair<std::string, std::string>> roles, places;
  for (Role r : {Role::enrollment_officer, Role::field_officer, Role::checkpoint_screener,
                 Role::kiosk, Role::auditor, Role::administrator})
    roles.emplace_back(registry::to_string(r), role_label(t, r));
  places.emplace_back("", t("console.users.no_office"));
  for (const registry::OfficeRow& o : offices) places.emplace_back(o.id, o.name);
  // Folded away until wanted, so that the list comes first; open when its
  // fields have errors to show.
  std::string b = std::string("<details class=\"create\"") + (e.errors.empty() ? "" : " open") +
                  "><summary>" + t.html("console.users.create") + "</summary>";
  b += "<form method=\"post\" action=\"/console/users\" class=\"stack\">" + console::csrf_field(v);
  Field username{"username", "console.users.username", e.value("username"), e.error("username"),
                 "console.users.username_hint"};
  username.maxlength = 64;
  username.required = true;
  b += console::input(t, username);
  Field password{"password",          "console.users.password",      "",
                 e.error("password"), "console.users.password_hint", "password",
                 "new-password"};
  password.maxlength = 1024;
  password.required = true;
  b += console::input(t, password);
  b += console::select(t, Field{"role", "console.users.role", e.value("role"), e.error("role")},
                       roles);
  b += console::select(
      t, Field{"office_id", "console.users.office", e.value("office_id"), e.error("office_id")},
      places);
  b += "<button type=\"submit\">" + t.html("console.users.submit") + "</button></form></details>";
  return b;
}

// The users page: the list, and for a role that manages users the form
// (`entered` as it was sent) and the buttons.
void show_users(Api& api, const Call& c, const Visit& v, int status, const Entered& entered,
                const std::string& notice, const std::string& error) {
  const Texts& t = v.texts;
  auto accounts = api.accounts.list(v.user);
  if (!accounts) {
    if (accounts.error().code == Errc::forbidden)
      return refuse(api, c, v, "console.users.title", "users", 403, t("console.users.not_allowed"));
    return refuse(api, c, v, "console.users.title", "users", 500, t("problem.internal"));
  }
  auto offices = api.offices.list();
  if (!offices)
    return refuse(api, c, v, "console.users.title", "users", 500, t("problem.internal"));
  std::map<std::string, std::string> names;
  for (const registry::OfficeRow& o : *offices) names[o.id] = o.name;
  const bool manage = registry::admin_allowed(v.user.role, AdminAction::create_user);
  std::string b;
  if (manage) b += create_user_form(t, v, *offices, entered);
  b += users_table(t, v, *accounts, names, manage);
  portal::send_page(api, c.res, status, t,
                    Page{t("console.users.title"), b, "users", notice, error}, &v);
}

void users_page(Api& api, const Call& c, const Visit& v) {
  show_users(api, c, v, 200, {}, "", "");
}

void create_user(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  const Texts& t = v.texts;
  if (auto ok = api.accounts.authorize(v.user, AdminAction::create_user); !ok)
    return refuse(api, c, v, "console.users.title", "users",
                  ok.error().code == Errc::forbidden ? 403 : 500,
                  ok.error().code == Errc::forbidden ? t("console.users.not_allowed")
                                                     : t("problem.internal"));
  Entered e;
  for (const char* name : {"username", "role", "office_id"})
    e.values[name] = portal::field(*form, name);
  auto role = registry::parse_role(e.value("role"));
  if (!role || *role == Role::holder) {
    e.errors["role"] = t("console.users.bad_role");
    return show_users(api, c, v, 400, e, "", t("problem.bad_input"));
  }
  auto made = api.accounts.create(e.value("username"), portal::field(*form, "password"), *role,
                                  &v.user, e.value("office_id"));
  if (!made) {
    const Error& err = made.error();
    if (err.code == Errc::forbidden)
      return refuse(api, c, v, "console.users.title", "users", 403, t("console.users.not_allowed"));
    if (err.code == Errc::conflict)
      e.errors["username"] = t("console.users.taken");
    else if (err.code == Errc::not_found)
      e.errors["office_id"] = t("console.users.bad_office");
    else if (err.code == Errc::invalid_argument && err.message.starts_with("password:"))
      e.errors["password"] = t("console.users.bad_password");
    else if (err.code == Errc::invalid_argument && err.message.starts_with("role:"))
      e.errors["role"] = t("console.users.bad_role");
    else if (err.code == Errc::invalid_argument)
      e.errors["username"] = t("console.users.bad_username");
    else
      return refuse(api, c, v, "console.users.title", "users", 500, t("problem.internal"));
    return show_users(api, c, v, 400, e, "", t("problem.bad_input"));
  }
  show_users(api, c, v, 200, {}, t("console.users.created", {{"username", e.value("username")}}),
             "");
}

void set_user_state(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  const Texts& t = v.texts;
  const std::string username = portal::field(*form, "username");
  const bool disable = portal::field(*form, "disabled") != "0";
  auto done = api.accounts.set_disabled(username, disable, v.user);
  if (!done) {
    switch (done.error().code) {
      case Errc::forbidden:
        return refuse(api, c, v, "console.users.title", "users", 403,
                      t("console.users.not_allowed"));
      case Errc::not_found:
        return show_users(api, c, v, 404, {}, "", t("console.users.unknown"));
      case Errc::conflict:
        return show_users(api, c, v, 409, {}, "", t("console.users.own_account"));
      default:
        return refuse(api, c, v, "console.users.title", "users", 500, t("problem.internal"));
    }
  }
  show_users(api, c, v, 200, {},
             t(disable ? "console.users.disabled_done" : "console.users.enabled_done",
               {{"username", username}}),
             "");
}

// ---- offices ----

constexpr const char* kDayKeys[] = {"console.offices.day.mon", "console.offices.day.tue",
                                    "console.offices.day.wed", "console.offices.day.thu",
                                    "console.offices.day.fri", "console.offices.day.sat",
                                    "console.offices.day.sun"};

std::string hours_html(const Texts& t, const registry::WeekHours& week) {
  std::string b;
  for (std::size_t d = 0; d < week.size(); ++d) {
    if (!week[d].open()) continue;
    if (!b.empty()) b += "<br>";
    b += t.html(kDayKeys[d]) + " " + escape(registry::format_day_hours(week[d]));
  }
  return b.empty() ? t.html("console.offices.closed") : b;
}

std::string offices_table(const Texts& t, const std::vector<registry::OfficeRow>& offices) {
  std::string b =
      "<section aria-labelledby=\"offices-title\"><h2 id=\"offices-title\">" +
      t.html("console.offices.list", {{"count", static_cast<std::int64_t>(offices.size())}}) +
      "</h2>";
  if (offices.empty()) return b + "<p>" + t.html("console.offices.none") + "</p></section>";
  b += "<div class=\"scroll\" role=\"region\" aria-labelledby=\"offices-title\" tabindex=\"0\">";
  b += "<table><thead><tr>";
  for (const char* key :
       {"console.offices.col.name", "console.offices.col.address", "console.offices.col.time_zone",
        "console.offices.col.phone", "console.offices.col.hours",
        "console.offices.col.slot_minutes", "console.offices.col.slot_capacity"})
    b += "<th scope=\"col\">" + t.html(key) + "</th>";
  b += "</tr></thead><tbody>";
  for (const registry::OfficeRow& o : offices)
    b += "<tr><td>" + escape(o.name) + "</td><td>" + escape(o.address) + "</td><td>" +
         escape(o.time_zone) + "</td><td>" + escape(o.phone) + "</td><td class=\"hours\">" +
         hours_html(t, o.hours) + "</td><td>" + std::to_string(o.slot_minutes) + "</td><td>" +
         std::to_string(o.slot_capacity) + "</td></tr>";
  return b + "</tbody></table></div></section>";
}

std::string create_office_form(const Texts& t, const Visit& v, const Entered& e) {
  std::string b = std::string("<details class=\"create\"") + (e.errors.empty() ? "" : " open") +
                  "><summary>" + t.html("console.offices.create") + "</summary>";
  b +=
      "<form method=\"post\" action=\"/console/offices\" class=\"stack\">" + console::csrf_field(v);
  Field name{"name", "console.offices.name", e.value("name"), e.error("name")};
  name.maxlength = 200;
  name.required = true;
  b += console::input(t, name);
  Field address{"address", "console.offices.address", e.value("address"), e.error("address")};
  address.maxlength = 500;
  b += console::input(t, address);
  Field zone{"time_zone", "console.offices.time_zone", e.value("time_zone"), e.error("time_zone"),
             "console.offices.time_zone_hint"};
  zone.required = true;
  b += console::input(t, zone);
  Field phone{"phone", "console.offices.phone", e.value("phone"), e.error("phone"), nullptr, "tel",
              "off"};
  phone.maxlength = 40;
  b += console::input(t, phone);
  b += "<fieldset><legend>" + t.html("console.offices.hours") + "</legend><p class=\"hint\">" +
       t.html("console.offices.hours_hint") + "</p><div class=\"days\">";
  for (std::size_t d = 0; d < registry::kWeekdayNames.size(); ++d) {
    const std::string id = std::string("hours_") + registry::kWeekdayNames[d];
    b += "<div>" + console::input(t, Field{id, kDayKeys[d], e.value(id), e.error(id)}) + "</div>";
  }
  b += "</div></fieldset>";
  Field minutes{
      "slot_minutes",          "console.offices.slot_minutes",      e.value("slot_minutes"),
      e.error("slot_minutes"), "console.offices.slot_minutes_hint", "number"};
  b += console::input(t, minutes);
  Field capacity{
      "slot_capacity",          "console.offices.slot_capacity",      e.value("slot_capacity"),
      e.error("slot_capacity"), "console.offices.slot_capacity_hint", "number"};
  b += console::input(t, capacity);
  b += "<button type=\"submit\">" + t.html("console.offices.submit") + "</button></form></details>";
  return b;
}

Entered office_defaults() {
  Entered e;
  e.values["slot_minutes"] = "30";
  e.values["slot_capacity"] = "1";
  return e;
}

// Whether the visitor may see the offices' administration (the roles that
// read users, roles and offices); after answering 403 if not, the refusal
// audited by the domain.
bool may_read_offices(Api& api, const Call& c, const Visit& v) {
  auto ok = api.accounts.authorize(v.user, AdminAction::read_users);
  if (ok) return true;
  const bool refused = ok.error().code == Errc::forbidden;
  refuse(api, c, v, "console.offices.title", "offices", refused ? 403 : 500,
         refused ? v.texts("console.offices.not_allowed") : v.texts("problem.internal"));
  return false;
}

void show_offices(Api& api, const Call& c, const Visit& v, int status, const Entered& entered,
                  const std::string& notice, const std::string& error) {
  const Texts& t = v.texts;
  auto offices = api.offices.list();
  if (!offices)
    return refuse(api, c, v, "console.offices.title", "offices", 500, t("problem.internal"));
  std::string b;
  if (registry::admin_allowed(v.user.role, AdminAction::create_office))
    b += create_office_form(t, v, entered);
  b += offices_table(t, *offices);
  portal::send_page(api, c.res, status, t,
                    Page{t("console.offices.title"), b, "offices", notice, error}, &v);
}

void offices_page(Api& api, const Call& c, const Visit& v) {
  if (!may_read_offices(api, c, v)) return;
  show_offices(api, c, v, 200, office_defaults(), "", "");
}

// The field a line of check_office's answer names ("hours.mon: ..." is
// hours_mon), and the text shown beside it.
std::pair<std::string, std::string> office_problem(const Texts& t, const std::string& line) {
  std::string field = line.substr(0, line.find(':'));
  if (field.starts_with("hours.")) {
    const bool short_day = line.find("shorter") != std::string::npos;
    return {"hours_" + field.substr(6),
            t(short_day ? "console.offices.bad_hours_short" : "console.offices.bad_hours_order")};
  }
  for (const char* known :
       {"name", "address", "time_zone", "phone", "slot_minutes", "slot_capacity"})
    if (field == known) return {field, t("console.offices.bad_" + field)};
  return {"name", t("problem.bad_input")};
}

std::optional<int> whole_number(const std::string& text) {
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

void create_office(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  const Texts& t = v.texts;
  if (auto ok = api.offices.authorize(v.user, AdminAction::create_office); !ok)
    return refuse(api, c, v, "console.offices.title", "offices",
                  ok.error().code == Errc::forbidden ? 403 : 500,
                  ok.error().code == Errc::forbidden ? t("console.offices.not_allowed")
                                                     : t("problem.internal"));
  Entered e;
  for (const char* name :
       {"name", "address", "time_zone", "phone", "slot_minutes", "slot_capacity"})
    e.values[name] = portal::field(*form, name);
  registry::OfficeInput in{e.value("name"), e.value("address"), e.value("time_zone"),
                           e.value("phone")};
  for (std::size_t d = 0; d < registry::kWeekdayNames.size(); ++d) {
    const std::string id = std::string("hours_") + registry::kWeekdayNames[d];
    const std::string text = portal::field(*form, id);
    e.values[id] = text;
    if (text.empty()) continue;
    auto h = registry::parse_day_hours(text);
    if (h)
      in.hours[d] = *h;
    else
      e.errors[id] = t("console.offices.bad_hours");
  }
  for (auto [name, slot] : {std::pair{"slot_minutes", &in.slot_minutes},
                            std::pair{"slot_capacity", &in.slot_capacity}}) {
    auto n = whole_number(e.value(name));
    if (n)
      *slot = *n;
    else
      e.errors[name] = t(std::string("console.offices.bad_") + name);
  }
  // The domain's own check names every other bad field before anything is
  // sent to it.
  auto problems = [&](const Error& err) {
    std::size_t at = 0;
    while (at <= err.message.size()) {
      std::size_t end = err.message.find('\n', at);
      if (end == std::string::npos) end = err.message.size();
      auto [field, why] = office_problem(t, err.message.substr(at, end - at));
      e.errors.emplace(field, why);
      at = end + 1;
    }
  };
  if (auto checked = registry::check_office(in, api.time_zones); !checked)
    problems(checked.error());
  if (!e.errors.empty()) return show_offices(api, c, v, 400, e, "", t("problem.bad_input"));
  auto made = api.offices.create(in, &v.user);
  if (!made) {
    switch (made.error().code) {
      case Errc::forbidden:
        return refuse(api, c, v, "console.offices.title", "offices", 403,
                      t("console.offices.not_allowed"));
      case Errc::conflict:
        e.errors["name"] = t("console.offices.taken");
        break;
      case Errc::invalid_argument:
        problems(made.error());
        break;
      default:
        return refuse(api, c, v, "console.offices.title", "offices", 500, t("problem.internal"));
    }
    return show_offices(api, c, v, 400, e, "", t("problem.bad_input"));
  }
  show_offices(api, c, v, 200, office_defaults(),
               t("console.offices.created", {{"name", made->name}}), "");
}

}  // namespace

void add_console_admin_routes(Router& router, Api& api) {
  router.get("/console/users", portal::signed_in(api, users_page, kOfficer));
  router.post("/console/users", portal::signed_in(api, create_user, kOfficer));
  router.post("/console/users/state", portal::signed_in(api, set_user_state, kOfficer));
  router.get("/console/offices", portal::signed_in(api, offices_page, kOfficer));
  router.post("/console/offices", portal::signed_in(api, create_office, kOfficer));
}

}  // namespace sdc::http
