// sdcd over HTTPS: the issuer's root certificate and key from a fresh data
// folder stand in for a TLS certificate, so no external tool is needed.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <thread>

#include "sdc/credential/pki.h"
#include "sdc/http/server.h"
#include "support/test_world.h"

namespace {

namespace fs = std::filesystem;

class HttpTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("sdc-tls-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    sdc::http::InitOptions io;
    io.data_dir = dir_ / "data";
    io.config.status_list_size = 1024;
    io.clock = &world_.clock;
    io.random = &world_.random;
    auto init = sdc::http::init_data_dir(io);
    ASSERT_TRUE(init) << init.error().message;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static sdc::PkiFolder pki() { return sdc::PkiFolder(dir_ / "data" / "pki"); }

  // Without a certificate (empty paths): plain HTTP, insecure_http as given.
  static sdc::Result<std::unique_ptr<sdc::http::Server>> open(
      const fs::path& cert, const fs::path& key, std::optional<bool> insecure_http = {}) {
    sdc::http::ServeOptions so;
    so.data_dir = dir_ / "data";
    so.log_requests = false;
    so.overrides.threads = 2;
    if (!cert.empty()) so.overrides.tls_cert = cert;
    if (!key.empty()) so.overrides.tls_key = key;
    so.overrides.insecure_http = insecure_http;
    so.clock = &world_.clock;
    so.random = &world_.random;
    so.time_zones = &world_.zones;
    return sdc::http::Server::open(so);
  }

  static inline sdc::test::TestWorld world_;
  static inline fs::path dir_;
};

TEST_F(HttpTls, ServesHttpsWithTheGivenCertificate) {
  auto server = open(pki().root_cert(), pki().root_key());
  ASSERT_TRUE(server) << server.error().message;
  EXPECT_TRUE((*server)->config().tls());
  auto port = (*server)->bind("127.0.0.1", 0);
  ASSERT_TRUE(port) << port.error().message;
  std::thread t([&] { (*server)->run(); });

  httplib::SSLClient tls("127.0.0.1", *port);
  tls.enable_server_certificate_verification(false);  // the root is no server certificate
  tls.set_connection_timeout(10, 0);
  auto res = tls.Get("/healthz");
  bool got = static_cast<bool>(res);
  int status = got ? res->status : 0;
  // Plain HTTP on the TLS port gets no HTTP answer.
  httplib::Client plain("127.0.0.1", *port);
  plain.set_read_timeout(5, 0);
  auto plain_res = plain.Get("/healthz");

  (*server)->stop();
  t.join();
  ASSERT_TRUE(got) << httplib::to_string(res.error());
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(!plain_res || plain_res->status != 200);
}

TEST_F(HttpTls, RefusesAKeyOthersMayRead) {
  fs::path key = dir_ / "open.key";
  fs::copy_file(pki().root_key(), key, fs::copy_options::overwrite_existing);
  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                           fs::perms::others_read);
  auto server = open(pki().root_cert(), key);
  ASSERT_FALSE(server);
  EXPECT_NE(server.error().message.find("mode 0644"), std::string::npos) << server.error().message;
  EXPECT_NE(server.error().message.find("chmod 600"), std::string::npos) << server.error().message;
}

TEST_F(HttpTls, RefusesAKeyThatIsNotTheCertificates) {
  auto server = open(pki().root_cert(), pki().signer_key());
  ASSERT_FALSE(server);
  EXPECT_NE(server.error().message.find("does not belong to tls_cert"), std::string::npos)
      << server.error().message;
}

TEST_F(HttpTls, RefusesAMissingKeyOrCertificate) {
  auto server = open(dir_ / "absent.pem", pki().root_key());
  ASSERT_FALSE(server);
  EXPECT_NE(server.error().message.find("tls_cert"), std::string::npos) << server.error().message;
  server = open(pki().root_cert(), dir_ / "absent.key");
  ASSERT_FALSE(server);
  EXPECT_NE(server.error().message.find("tls_key"), std::string::npos) << server.error().message;
}

// Plain HTTP is for loopback only, unless --insecure-http says otherwise; with
// a certificate any address will do.
TEST_F(HttpTls, RefusesPlainHttpOnANonLoopbackAddress) {
  auto plain = open({}, {});
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_FALSE((*plain)->config().tls());
  for (const char* host : {"0.0.0.0", "::"}) {
    auto refused = (*plain)->bind(host, 0);
    ASSERT_FALSE(refused) << host;
    const auto& msg = refused.error().message;
    EXPECT_NE(msg.find("not a loopback address"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--tls-cert"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--insecure-http"), std::string::npos) << msg;
  }
  auto local = (*plain)->bind("127.0.0.1", 0);
  EXPECT_TRUE(local) << local.error().message;
  plain->reset();

  auto allowed = open({}, {}, true);
  ASSERT_TRUE(allowed) << allowed.error().message;
  auto any = (*allowed)->bind("0.0.0.0", 0);
  EXPECT_TRUE(any) << any.error().message;
  allowed->reset();

  auto tls = open(pki().root_cert(), pki().root_key());
  ASSERT_TRUE(tls) << tls.error().message;
  auto tls_any = (*tls)->bind("0.0.0.0", 0);
  EXPECT_TRUE(tls_any) << tls_any.error().message;
}

}  // namespace
