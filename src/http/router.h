// The one route table of sdcd, for both transports (the event listener and
// cpp-httplib's HTTPS server hand every request to dispatch()). A route is a
// method and a template such as "/v1/holders/{id}": the template is what
// matches, the label in metrics and the access log, and the path in
// docs/openapi.yaml. Internal to the http module.
//
// Routes are added before serving and never after; dispatch() is then safe
// from any number of threads at once.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sdc::http {

// The values of a matched template's {parameters}, by name.
class PathParams {
 public:
  // The value of {name}; empty if the template has no such parameter.
  const std::string& operator[](std::string_view name) const;
  void add(std::string name, std::string value) {
    values_.emplace_back(std::move(name), std::move(value));
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// What a handler gets: the request, the answer to fill in, the parameters.
struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  const PathParams& params;
};

using RouteHandler = std::function<void(const Call&)>;

// The characters a {parameter} may hold: ids, document numbers and
// usernames are made of these, so anything else cannot name a resource.
bool valid_path_parameter(std::string_view segment);

class Router {
 public:
  struct Route {
    std::string method;  // GET, POST, PUT, PATCH, DELETE
    std::string path;    // the template, e.g. "/v1/holders/{id}"
    std::string label;   // "GET /v1/holders/{id}"
    RouteHandler handler;
  };

  // Called once per routed request after its handler ran, with the
  // route's label, the answer's status and the handler's time in
  // microseconds; also for requests no route took (label "METHOD
  // (unmatched)", time 0).
  using Observer = std::function<void(const std::string& label, int status, long long us)>;
  // Answers a request no route takes: 404, or 405 with the "Allow" header
  // already set when the path is known under other methods.
  using Unmatched = std::function<void(const std::string& method, httplib::Response&, int status)>;

  Router(Observer observer, Unmatched unmatched)
      : observer_(std::move(observer)), unmatched_(std::move(unmatched)) {}

  // Adds a route. A template segment is a literal or "{name}"; a parameter
  // matches one non-empty segment of valid_path_parameter() characters.
  void add(std::string method, std::string path, RouteHandler handler);
  void get(std::string path, RouteHandler h) { add("GET", std::move(path), std::move(h)); }
  void post(std::string path, RouteHandler h) { add("POST", std::move(path), std::move(h)); }
  void put(std::string path, RouteHandler h) { add("PUT", std::move(path), std::move(h)); }
  void patch(std::string path, RouteHandler h) { add("PATCH", std::move(path), std::move(h)); }
  void del(std::string path, RouteHandler h) { add("DELETE", std::move(path), std::move(h)); }

  // Finds the route, runs it (a handler that throws answers 500) and
  // reports it to the observer.
  void dispatch(const httplib::Request& req, httplib::Response& res) const;

  // Every route, in the order added.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  // Matches `path` against the template's segments, filling `params`.
  static bool match(const std::vector<std::string>& segments, std::string_view path,
                    PathParams* params);
  void run(const Route& route, const httplib::Request& req, httplib::Response& res,
           const PathParams& params) const;

  Observer observer_;
  Unmatched unmatched_;
  std::vector<Route> routes_;
  std::unordered_map<std::string, std::size_t> exact_;  // "GET /healthz" -> index
  std::vector<std::pair<std::size_t, std::vector<std::string>>> templated_;  // index, segments
};

}  // namespace sdc::http
