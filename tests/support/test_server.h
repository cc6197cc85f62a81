// An sdcd served in-process for the HTTP tests: a fresh data folder, the
// test world's clock, randomness and time zones, a free port on 127.0.0.1,
// and a thread running the server until stop().
#pragma once

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "sdc/http/server.h"
#include "support/test_world.h"

namespace sdc::test {

class TestServer {
 public:
  TestServer() = default;
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  ~TestServer() { stop(); }

  // Makes `data_dir` (removed first) and serves it. An error message, or
  // empty when the server is up.
  std::string start(TestWorld& world, const std::filesystem::path& data_dir, int threads = 2) {
    dir_ = data_dir;
    std::filesystem::remove_all(dir_);
    http::InitOptions io;
    io.data_dir = dir_;
    io.config.base_url = "http://127.0.0.1:1";
    io.config.status_list_size = 1024;
    io.clock = &world.clock;
    io.random = &world.random;
    if (auto init = http::init_data_dir(io); !init) return init.error().message;
    http::ServeOptions so;
    so.data_dir = dir_;
    so.overrides.threads = threads;
    so.log_requests = false;
    so.clock = &world.clock;
    so.random = &world.random;
    so.time_zones = &world.zones;
    auto server = http::Server::open(so);
    if (!server) return server.error().message;
    server_ = std::move(*server);
    auto port = server_->bind("127.0.0.1", 0);
    if (!port) return port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { server_->run(); });
    return {};
  }

  // Stops serving and removes the data folder.
  void stop() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }
  http::Server& server() { return *server_; }
  int port() const { return port_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace sdc::test
