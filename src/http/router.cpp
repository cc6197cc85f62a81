#include "http/router.h"

#include <chrono>

#include "http/problem.h"

namespace sdc::http {

namespace {

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<std::string> split_segments(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 1;  // after the leading '/'
  while (i <= path.size()) {
    auto slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

}  // namespace

const std::string& PathParams::operator[](std::string_view name) const {
  static const std::string kNone;
  for (const auto& [k, v] : values_)
    if (k == name) return v;
  return kNone;
}

bool valid_path_parameter(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return s != "." && s != "..";
}

void Router::add(std::string method, std::string path, RouteHandler handler) {
  std::string label = method + " " + path;
  auto segments = split_segments(path);
  bool templated = false;
  for (const auto& s : segments) templated = templated || is_parameter(s);
  std::size_t index = routes_.size();
  routes_.push_back({std::move(method), std::move(path), label, std::move(handler)});
  if (templated)
    templated_.emplace_back(index, std::move(segments));
  else
    exact_.emplace(std::move(label), index);
}

bool Router::match(const std::vector<std::string>& segments, std::string_view path,
                   PathParams* params) {
  if (path.empty() || path.front() != '/') return false;
  std::size_t i = 1;
  for (std::size_t k = 0; k < segments.size(); ++k) {
    if (i > path.size()) return false;
    auto slash = path.find('/', i);
    const bool last = k + 1 == segments.size();
    if ((slash == std::string_view::npos) != last) return false;
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(i, slash - i);
    const std::string& want = segments[k];
    if (is_parameter(want)) {
      if (!valid_path_parameter(part)) return false;
      if (params) params->add(want.substr(1, want.size() - 2), std::string(part));
    } else if (part != want) {
      return false;
    }
    i = slash + 1;
  }
  return true;
}

void Router::run(const Route& route, const httplib::Request& req, httplib::Response& res,
                 const PathParams& params) const {
  auto start = std::chrono::steady_clock::now();
  try {
    route.handler(Call{req, res, params});
  } catch (...) {
    problem(res, 500, "internal error");
  }
  if (res.status == -1) res.status = 200;
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  observer_(route.label, res.status, us);
}

void Router::dispatch(const httplib::Request& req, httplib::Response& res) const {
  std::string key;
  key.reserve(req.method.size() + 1 + req.path.size());
  key.append(req.method).append(" ").append(req.path);
  if (auto it = exact_.find(key); it != exact_.end())
    return run(routes_[it->second], req, res, PathParams{});
  for (const auto& [index, segments] : templated_) {
    const Route& r = routes_[index];
    if (r.method != req.method) continue;
    PathParams params;
    if (match(segments, req.path, &params)) return run(r, req, res, params);
  }
  // The path is known under another method: 405 and the methods it has.
  std::string allow;
  for (std::string method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    bool takes = exact_.contains(method + " " + req.path);
    for (const auto& [index, segments] : templated_)
      takes = takes || (routes_[index].method == method && match(segments, req.path, nullptr));
    if (takes) allow += (allow.empty() ? "" : ", ") + method;
  }
  if (!allow.empty()) res.set_header("Allow", allow);
  const int status = allow.empty() ? 404 : 405;
  unmatched_(req.method, res, status);
  observer_(req.method + " (unmatched)", status, 0);
}

}  // namespace sdc::http
