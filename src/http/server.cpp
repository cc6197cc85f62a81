#include "sdc/http/server.h"

#include <sodium.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "http/api.h"
#include "http/data_folder.h"
#include "http/event_server.h"
#include "http/live_status_list.h"
#include "http/metrics.h"
#include "http/portal.h"
#include "http/problem.h"
#include "http/router.h"
#include "http/routes/routes.h"
#include "http/tls_listener.h"
#include "sdc/card/portrait.h"
#include "sdc/credential/pki.h"
#include "sdc/credential/trust.h"
#include "sdc/notify/notify.h"
#include "sdc/registry/accounts.h"
#include "sdc/registry/check_ins.h"
#include "sdc/registry/hearings.h"
#include "sdc/registry/holder_logins.h"
#include "sdc/registry/offices.h"
#include "sdc/registry/pii.h"
#include "sdc/registry/status_list_publisher.h"
#include "sdc/util/file.h"

namespace sdc::http {

namespace {

constexpr std::size_t kMaxBody = 1u << 20;
// A photo sent by a page's form (the verify page, the console's
// enrollment): as a phone takes it, decoded within its own limits.
constexpr std::size_t kMaxUpload = 12u << 20;
std::size_t max_body_for(std::string_view path) {
  return path == "/verify/" || path == "/console/enroll" ? kMaxUpload : kMaxBody;
}

}  // namespace

struct Server::Impl {
  DataPaths paths;
  ServeOptions options;
  Config config;
  std::unique_ptr<registry::Store> store;
  std::unique_ptr<registry::PiiCipher> cipher;
  std::unique_ptr<Signer> signer;
  std::optional<registry::CheckpointKey> checkpoint_key;
  std::optional<registry::Registry> reg;
  std::optional<TrustStore> trust;
  std::string root_pem, signers_pem, openapi;
  std::optional<i18n::Catalogues> catalogues;
  std::unique_ptr<registry::Accounts> accounts;
  std::unique_ptr<registry::HolderLogins> holder_logins;
  std::unique_ptr<registry::Offices> offices;
  std::unique_ptr<registry::Scheduling> scheduling;
  std::unique_ptr<registry::Hearings> hearings;
  std::unique_ptr<registry::CheckIns> check_ins;
  std::unique_ptr<LiveStatusList> status_list;
  // Publishes the queued card changes while run() serves (publish_interval).
  std::unique_ptr<registry::StatusListPublisher> publisher;
  Metrics metrics;
  std::optional<Api> api;
  std::optional<Router> router;
  std::unique_ptr<httplib::SSLServer> tls_http;  // HTTPS
  std::unique_ptr<EventServer> plain_http;       // HTTP
  // The reminder sender (docs/REMINDERS.md): runs while run() serves.
  std::unique_ptr<registry::Reminders> reminders;
  std::unique_ptr<notify::Adapter> file_sink, smtp, sms_gateway;
  std::unique_ptr<notify::Sender> sender;
  Result<void> make_sender();

  // Every answer is counted by its route template and logged without its
  // path, which may carry personal data.
  void observe(const std::string& label, int status, long long us) {
    metrics.count_request(label, status);
    if (options.log_requests) log_request(label, status, us);
  }
  void unmatched(const std::string& method, httplib::Response& res, int status) {
    problem(res, status,
            status == 404   ? "no such resource"
            : status == 405 ? "this resource does not take " + method
            : status == 413 ? "the request body is over 1 MiB"
                            : title_for(status));
  }
  // A body over its path's limit: a page for a page's photo form, else
  // problem+json.
  void too_large(const httplib::Request& req, httplib::Response& res) {
    const std::size_t limit = max_body_for(req.path);
    if (limit == kMaxUpload)
      portal::send_too_large(*api, req, res, limit);
    else
      unmatched(req.method, res, 413);
    observe(req.method + " (unmatched)", 413, 0);
  }
  // A request the listener refused before routing (method unknown).
  void refused(httplib::Response& res, int status, const std::string& why) {
    problem(res, status, why);
    observe("- (refused)", status, 0);
  }

  Result<void> load(const ServeOptions& options);
  void add_routes();
  void listen_plain();
  void listen_tls();
};

Result<void> Server::Impl::load(const ServeOptions& o) {
  if (!o.clock || !o.random || !o.time_zones)
    return fail(Errc::invalid_argument, "serve: clock, random and time_zones are required");
  paths = DataPaths{o.data_dir};
  options = o;
  auto file =
      load_config_file(o.config_file.empty() ? default_config_path(o.data_dir) : o.config_file);
  if (!file) return std::unexpected(file.error());
  auto cfg = resolve_config(*file, o.overrides);
  if (!cfg) return std::unexpected(cfg.error());
  config = *cfg;
  if (config.tls()) {
    auto listener = make_tls_listener(config);
    if (!listener) return std::unexpected(listener.error());
    tls_http = std::move(*listener);
  }
  auto opened = open_store(config, paths);
  if (!opened) return std::unexpected(opened.error());
  store = std::move(*opened);
  if (auto r = store->migrate(); !r) return std::unexpected(r.error());
  auto keys = registry::PiiKeys::load(paths.pii());
  if (!keys) return std::unexpected(keys.error());
  cipher = std::make_unique<registry::PiiCipher>(std::move(*keys));
  auto ck = registry::CheckpointKey::load(paths.checkpoint_key());
  if (!ck) return std::unexpected(ck.error());
  checkpoint_key = std::move(*ck);
  PkiFolder pki(paths.pki());
  auto loaded = config.signer_pkcs11.empty()
                    ? load_signer(pki)
                    : load_token_signer(config.signer_pkcs11, pki.signer_cert());
  if (!loaded) return std::unexpected(loaded.error());
  signer = std::make_unique<Signer>(std::move(*loaded));
  auto settings = load_settings(pki);
  if (!settings) return std::unexpected(settings.error());
  if (settings->status_uri != config.status_uri())
    return fail(Errc::invalid_argument,
                "base_url " + config.base_url + " does not match the status uri the cards " +
                    "carry (" + settings->status_uri + ", pki/issuer.json): base_url is fixed " +
                    "when the data folder is made");
  auto root = read_file(pki.root_cert());
  if (!root) return std::unexpected(root.error());
  auto bundle = read_file(pki.bundle());
  if (!bundle) return std::unexpected(bundle.error());
  root_pem = *root;
  signers_pem = *bundle;
  auto ts = TrustStore::from_pem(*root, *bundle);
  if (!ts) return std::unexpected(ts.error());
  trust = std::move(*ts);
  openapi = o.openapi_yaml;
  if (!config.openapi_path.empty()) {
    auto text = read_file(config.openapi_path);
    if (!text) return std::unexpected(text.error());
    openapi = *text;
  }
  // The holder-facing texts; a catalogue that does not load stops the start.
  auto texts = i18n::load_catalogues(i18n::default_catalogue_dir());
  if (!texts) return std::unexpected(texts.error());
  catalogues.emplace(std::move(*texts));

  registry::RegistryOptions ro;
  ro.store = store.get();
  ro.cipher = cipher.get();
  ro.signer = signer.get();
  ro.settings = *settings;
  ro.clock = o.clock;
  ro.random = o.random;
  ro.status_list_size = config.status_list_size;
  ro.card_valid_days = config.card_validity_days;
  ro.status_list_ttl = config.status_list_ttl;
  ro.publish_interval = static_cast<UnixTime>(config.publish_interval);
  // The barcode carries the signed thumbnail of the portrait when it decodes.
  ro.thumbnail = [](ByteView portrait) -> std::optional<Bytes> {
    auto image = decode_image(portrait);
    if (!image) return std::nullopt;
    auto thumbnail = make_thumbnail(*image);
    if (!thumbnail) return std::nullopt;
    return std::move(*thumbnail);
  };
  auto made = registry::Registry::create(ro);
  if (!made) return std::unexpected(made.error());
  reg.emplace(std::move(*made));
  accounts = std::make_unique<registry::Accounts>(*store, *o.clock, *o.random);
  if (auto r = accounts->prepare(); !r) return std::unexpected(r.error());
  offices = std::make_unique<registry::Offices>(*store, *o.clock, *o.random, *o.time_zones);
  scheduling = std::make_unique<registry::Scheduling>(*store, reg->audit_batcher(), *o.clock,
                                                      *o.random, *o.time_zones);
  status_list = std::make_unique<LiveStatusList>(*reg, *trust);
  if (config.publish_interval > 0) {
    publisher = std::make_unique<registry::StatusListPublisher>(
        *reg, [list = status_list.get()] { list->changed(); });
    reg->on_list_change([p = publisher.get()] { p->wake(); });
  }
  hearings = std::make_unique<registry::Hearings>(*store, *cipher, *o.clock, *o.random);
  holder_logins = std::make_unique<registry::HolderLogins>(*store, *accounts, *o.clock, *o.random);
  check_ins = std::make_unique<registry::CheckIns>(*store, reg->audit_batcher(), *o.clock,
                                                   *o.random, *o.time_zones);
  api.emplace(Api{*reg, *accounts, *offices, *scheduling, *o.clock, *trust, *status_list, metrics,
                  root_pem, signers_pem, openapi, config.status_list_ttl, *hearings, *o.time_zones,
                  *holder_logins, *catalogues, *check_ins, config.tls()});
  api->check_audit_chain = [this] {
    return registry::verify_audit(*store, paths.checkpoints(), checkpoint_key->public_key());
  };
  if (config.reminders.enabled)
    if (auto r = make_sender(); !r) return r;
  return {};
}

Result<void> Server::Impl::make_sender() {
  const Config::Reminders& rc = config.reminders;
  reminders = std::make_unique<registry::Reminders>(*store, reg->audit_batcher(), *options.clock,
                                                    *options.random, *cipher);
  file_sink =
      std::make_unique<notify::FileSink>(rc.file.empty() ? paths.dir / "outbox.jsonl" : rc.file);
  notify::Adapter* email = rc.email == "file" ? file_sink.get() : nullptr;
  if (rc.email == "smtp") {
    smtp = std::make_unique<notify::SmtpSender>(
        notify::SmtpSettings{rc.smtp_host, rc.smtp_port, rc.smtp_from, 10});
    email = smtp.get();
  }
  notify::Adapter* sms = rc.sms == "file" ? file_sink.get() : nullptr;
  if (rc.sms == "gateway") {
    sms_gateway = std::make_unique<notify::SmsGateway>(rc.sms_url, 10);
    sms = sms_gateway.get();
  }
  notify::SenderSettings st;
  st.portal_url = rc.portal_url.empty() ? config.base_url : rc.portal_url;
  st.interval_seconds = rc.interval_seconds;
  sender = std::make_unique<notify::Sender>(*store, *reminders, *catalogues, *options.clock, email,
                                            sms, st);
  return {};
}

void Server::Impl::add_routes() {
  router.emplace(
      [this](const std::string& label, int status, long long us) { observe(label, status, us); },
      [this](const std::string& method, httplib::Response& res, int status) {
        unmatched(method, res, status);
      });
  Router& r = *router;
  add_service_routes(r, *api);
  add_trust_routes(r, *api);
  add_session_routes(r, *api);
  add_verify_routes(r, *api);
  add_holder_routes(r, *api);
  add_card_routes(r, *api);
  add_audit_routes(r, *api);
  add_user_routes(r, *api);
  add_office_routes(r, *api);
  add_appointment_routes(r, *api);
  add_hearing_routes(r, *api);
  add_me_routes(r, *api);
  add_check_in_routes(r, *api);
  add_portal_routes(r, *api);
  add_console_routes(r, *api);
  add_console_enroll_routes(r, *api);
  add_console_card_routes(r, *api);
  add_console_schedule_routes(r, *api);
  add_console_audit_routes(r, *api);
  add_console_admin_routes(r, *api);
  add_verify_page_routes(r, *api);
}

void Server::Impl::listen_plain() {
  EventServer::Options eo;
  eo.threads = config.threads;
  eo.max_body = kMaxUpload;
  eo.max_body_for = max_body_for;
  eo.too_large = [this](const httplib::Request& req, httplib::Response& res) {
    too_large(req, res);
  };
  plain_http = std::make_unique<EventServer>(
      eo, [this](httplib::Request& req, httplib::Response& res) { router->dispatch(req, res); },
      [this](int status, const std::string& message, httplib::Response& res) {
        refused(res, status, message);
      });
}

// cpp-httplib serves HTTPS; every request goes to the same router before
// cpp-httplib's own routing, which has no routes.
void Server::Impl::listen_tls() {
  auto& s = *tls_http;
  s.set_tcp_nodelay(true);
  s.set_keep_alive_max_count(1000);
  s.set_payload_max_length(kMaxUpload);
  const int threads = config.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    problem(res, 500, "internal error");
  });
  s.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const int status = res.status;
    if (status == 413) {
      unmatched(req.method, res, status);
      observe(req.method + " (unmatched)", status, 0);
    } else {
      problem(res, status, title_for(status));
    }
  });
  // RFC 9112 section 6.3: a request with neither Content-Length nor
  // Transfer-Encoding has an empty body. cpp-httplib would instead read a
  // POST, PUT, PATCH or DELETE until the connection closes (and answer 400
  // after its read timeout), so `curl -X POST .../v1/logout` would hang:
  // say the body is empty before it reads one. The request is the server's
  // own non-const object, handed here as const.
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    const bool may_have_body = req.method == "POST" || req.method == "PUT" ||
                               req.method == "PATCH" || req.method == "DELETE";
    if (may_have_body && !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))
      const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // The body is read by then; every route answers from the one router.
  auto route = [this](const httplib::Request& req, httplib::Response& res) {
    if (req.body.size() > max_body_for(req.path)) return too_large(req, res);
    router->dispatch(req, res);
  };
  s.Get(".*", route);
  s.Post(".*", route);
  s.Put(".*", route);
  s.Patch(".*", route);
  s.Delete(".*", route);
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_ && impl_->checkpoint_key && impl_->store)
    (void)checkpoint_audit(*impl_->store, impl_->paths, *impl_->checkpoint_key,
                           impl_->options.clock->now());
}

Result<std::unique_ptr<Server>> Server::open(const ServeOptions& options) {
  if (sodium_init() < 0) return fail(Errc::crypto, "libsodium did not initialise");
  auto impl = std::make_unique<Impl>();
  if (auto r = impl->load(options); !r) return std::unexpected(r.error());
  impl->add_routes();
  if (impl->tls_http)
    impl->listen_tls();
  else
    impl->listen_plain();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::bind(const std::string& host, int port) {
  if (impl_->plain_http) {
    if (auto ok = check_plain_http_host(impl_->config, host); !ok)
      return std::unexpected(ok.error());
    return impl_->plain_http->bind(host, port);
  }
  if (port == 0) {
    int p = impl_->tls_http->bind_to_any_port(host);
    if (p <= 0) return fail(Errc::io, "cannot bind " + host);
    return p;
  }
  if (!impl_->tls_http->bind_to_port(host, port))
    return fail(Errc::io, "cannot bind " + host + ":" + std::to_string(port));
  return port;
}

Result<int> Server::bind() {
  auto listen = parse_listen(impl_->config.listen);
  if (!listen) return std::unexpected(listen.error());
  return bind(listen->host, listen->port);
}

// Serves; meanwhile a checkpoint of the audit chain is signed when serving
// starts, every five minutes, and once more when the server is destroyed.
bool Server::run() {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  auto checkpoint = [this] {
    auto r = checkpoint_audit(*impl_->store, impl_->paths, *impl_->checkpoint_key,
                              impl_->options.clock->now());
    if (!r) std::fprintf(stderr, "sdcd: audit checkpoint failed: %s\n", r.error().message.c_str());
  };
  std::thread checkpointer([&] {
    checkpoint();  // at start too, so the chain is anchored before the first interval
    std::unique_lock lock(mu);
    while (!cv.wait_for(lock, std::chrono::minutes(5), [&] { return done; })) checkpoint();
  });
  if (impl_->sender) impl_->sender->start();
  if (impl_->publisher) impl_->publisher->start();
  bool ok = impl_->plain_http ? impl_->plain_http->run() : impl_->tls_http->listen_after_bind();
  if (impl_->publisher) impl_->publisher->stop();
  if (impl_->sender) impl_->sender->stop();
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
  checkpointer.join();
  return ok;
}

void Server::stop() {
  if (impl_->plain_http)
    impl_->plain_http->stop();
  else
    impl_->tls_http->stop();
}

bool Server::running() const {
  return impl_->plain_http ? impl_->plain_http->running() : impl_->tls_http->is_running();
}

Result<registry::User> Server::add_user(const std::string& username, const std::string& password,
                                        registry::Role role, const std::string& office_id) {
  return impl_->accounts->create(username, password, role, nullptr, office_id);
}

Result<registry::OfficeRow> Server::add_office(const std::string& name, const std::string& address,
                                               const std::string& time_zone,
                                               const std::string& phone) {
  return impl_->offices->create(registry::OfficeInput{name, address, time_zone, phone});
}

Result<registry::OfficeRow> Server::add_office(const registry::OfficeInput& in) {
  return impl_->offices->create(in);
}

registry::Registry& Server::registry() {
  return *impl_->reg;
}

registry::Scheduling& Server::scheduling() {
  return *impl_->scheduling;
}

registry::Hearings& Server::hearings() {
  return *impl_->hearings;
}

registry::HolderLogins& Server::holder_logins() {
  return *impl_->holder_logins;
}

const registry::TimeZones& Server::time_zones() const {
  return *impl_->options.time_zones;
}

const Clock& Server::clock() const {
  return *impl_->options.clock;
}

const Config& Server::config() const {
  return impl_->config;
}

std::vector<std::pair<std::string, std::string>> Server::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : impl_->router->routes()) out.emplace_back(r.method, r.path);
  return out;
}

}  // namespace sdc::http
