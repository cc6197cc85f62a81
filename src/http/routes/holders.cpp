#include <algorithm>

#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/views.h"
#include "sdc/util/bytes.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::Action;
using registry::User;

namespace {

// The holder fields of an enrollment (base null: all but contact required)
// or of a correction (base: the current record, which absent fields keep).
std::optional<registry::HolderInput> holder_input(const json& j, httplib::Response& res,
                                                  const registry::HolderInput* base) {
  registry::HolderInput in = base ? *base : registry::HolderInput{};
  if (!only_known_fields(j,
                         {"a_number", "family_name", "given_names", "date_of_birth", "sex",
                          "nationality", "portrait_base64", "contact", "language"},
                         res))
    return std::nullopt;
  auto take = [&](const char* name, std::string& out) -> bool {
    bool required = base == nullptr && std::string(name) != "contact";
    if (!j.contains(name) && !required) return true;
    auto v = str_field(j, name, res, required);
    if (!v) return false;
    out = *v;
    return true;
  };
  if (!take("a_number", in.a_number) || !take("family_name", in.family_name) ||
      !take("given_names", in.given_names) || !take("date_of_birth", in.date_of_birth) ||
      !take("sex", in.sex) || !take("nationality", in.nationality) ||
      !take("contact", in.contact) || !take("language", in.language))
    return std::nullopt;
  if (j.contains("portrait_base64") || !base) {
    auto v = str_field(j, "portrait_base64", res);
    if (!v) return std::nullopt;
    auto bytes = base64_decode(*v);
    if (!bytes || bytes->empty()) {
      problem(res, 400, "portrait_base64: not base64", {{"portrait_base64", "not base64"}});
      return std::nullopt;
    }
    in.portrait = std::move(*bytes);
  }
  return in;
}

void enroll(Api& api, const Call& c, const User& u) {
  if (auto ok = api.registry.authorize(u, Action::enroll_holder); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  auto in = holder_input(*j, c.res, nullptr);
  if (!in) return;
  auto h = api.registry.enroll(u, *in);
  if (!h) return error_response(c.res, h.error());
  send_json(c.res, 201, holder_json(registry::HolderView{*h, true, true}));
}

void find(Api& api, const Call& c, const User& u) {
  const auto& req = c.req;
  if (req.has_param("a_number")) {
    auto v = api.registry.find_by_a_number(u, req.get_param_value("a_number"));
    if (!v) {
      if (v.error().code == Errc::not_found)
        return send_json(c.res, 200, {{"holders", json::array()}});
      return error_response(c.res, v.error());
    }
    return send_json(c.res, 200, {{"holders", json::array({holder_json(*v)})}});
  }
  if (req.has_param("family_name") && req.has_param("date_of_birth")) {
    auto v = api.registry.find_by_name(u, req.get_param_value("family_name"),
                                       req.get_param_value("date_of_birth"),
                                       req.get_param_value("given_names"));
    if (!v) return error_response(c.res, v.error());
    json arr = json::array();
    for (const auto& h : *v) arr.push_back(holder_json(h));
    return send_json(c.res, 200, {{"holders", arr}});
  }
  problem(c.res, 400, "query: give a_number, or family_name and date_of_birth",
          {{"a_number", "or family_name and date_of_birth"}});
}

void correct(Api& api, const Call& c, const User& u) {
  const std::string& id = c.params["id"];
  if (auto ok = api.registry.authorize(u, Action::correct_holder, "holder " + id); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  auto cur = api.registry.get_holder(u, id);
  if (!cur) return error_response(c.res, cur.error());
  const auto& r = cur->record;
  registry::HolderInput base{r.a_number,    r.family_name, r.given_names, r.date_of_birth, r.sex,
                             r.nationality, r.portrait,    r.contact,     r.language};
  auto in = holder_input(*j, c.res, &base);
  if (!in) return;
  auto h = api.registry.correct(u, id, *in);
  if (!h) return error_response(c.res, h.error());
  send_json(c.res, 200, holder_json(registry::HolderView{*h, true, true}));
}

void set_case_status(Api& api, const Call& c, const User& u) {
  const std::string& id = c.params["id"];
  if (auto ok = api.registry.authorize(u, Action::set_case_status, "holder " + id); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  auto status = str_field(*j, "status", c.res);
  if (!status) return;
  auto date = str_field(*j, "effective_date", c.res);
  if (!date) return;
  auto reason = str_field(*j, "reason", c.res, false);
  if (!reason) return;
  auto cs = registry::parse_case_status(*status);
  if (!cs)
    return problem(c.res, 400, "status: " + cs.error().message, {{"status", cs.error().message}});
  auto r = api.registry.set_case_status(u, id, *cs, *date, *reason);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 200, case_json(*r));
}

}  // namespace

void add_holder_routes(Router& router, Api& api) {
  router.post("/v1/holders",
              authed(api, [&api](const Call& c, const User& u) { enroll(api, c, u); }));
  router.get("/v1/holders", authed(api, [&api](const Call& c, const User& u) { find(api, c, u); }));
  router.get("/v1/holders/{id}", authed(api, [&api](const Call& c, const User& u) {
               auto v = api.registry.get_holder(u, c.params["id"]);
               if (!v) return error_response(c.res, v.error());
               send_json(c.res, 200, holder_json(*v));
             }));
  router.patch("/v1/holders/{id}",
               authed(api, [&api](const Call& c, const User& u) { correct(api, c, u); }));
  router.get("/v1/holders/{id}/case-status", authed(api, [&api](const Call& c, const User& u) {
               auto r = api.registry.get_case_status(u, c.params["id"]);
               if (!r) return error_response(c.res, r.error());
               send_json(c.res, 200, case_json(*r));
             }));
  router.put("/v1/holders/{id}/case-status",
             authed(api, [&api](const Call& c, const User& u) { set_case_status(api, c, u); }));
  router.get("/v1/holders/{id}/case-status/history",
             authed(api, [&api](const Call& c, const User& u) {
               auto r = api.registry.case_status_history(u, c.params["id"]);
               if (!r) return error_response(c.res, r.error());
               json arr = json::array();
               for (const auto& e : *r) arr.push_back(case_json(e));
               send_json(c.res, 200, {{"entries", arr}});
             }));
}

}  // namespace sdc::http
