// sdcd's settings: the TOML file, the environment, flags, and their order.
#include "sdc/http/config.h"

#include <gtest/gtest.h>

#include <map>

namespace {

using sdc::http::Config;
using sdc::http::ConfigOverrides;
using sdc::http::StoreKind;

sdc::http::Environment env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

sdc::Result<Config> parse(const std::string& text) {
  return sdc::http::parse_config(text, "sdcd.toml", "/srv/sdcd");
}

// The error's message, or "" when there was none.
std::string error_of(const sdc::Result<Config>& r) {
  return r ? std::string() : r.error().message;
}

TEST(Config, EmptyFileGivesTheDefaults) {
  auto c = parse("");
  ASSERT_TRUE(c) << c.error().message;
  Config d;
  EXPECT_EQ(c->base_url, d.base_url);
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->threads, 16);
  EXPECT_EQ(c->store, StoreKind::sqlite);
  EXPECT_EQ(c->status_list_size, sdc::kDefaultStatusListSize);
  EXPECT_EQ(c->status_list_ttl, 3600u);
  EXPECT_EQ(c->publish_interval, 1u);
  EXPECT_EQ(c->card_validity_days, sdc::kDefaultValidDays);
  EXPECT_FALSE(c->tls());
  EXPECT_EQ(c->status_uri(), "http://127.0.0.1:8080/status/validity");
}

TEST(Config, ReadsEverySetting) {
  auto c = parse(R"(
base_url = "https://registry.example"
listen = "0.0.0.0:9443"
threads = 8
store = "postgres"
postgres = "host=db dbname=sdc"
status_list_size = 4096
status_list_ttl = 600
publish_interval = 5
card_validity_days = 365
tls_cert = "tls/cert.pem"
tls_key = "/etc/sdcd/key.pem"
openapi_path = "api.yaml"
)");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->base_url, "https://registry.example");
  EXPECT_EQ(c->listen, "0.0.0.0:9443");
  EXPECT_EQ(c->threads, 8);
  EXPECT_EQ(c->store, StoreKind::postgres);
  EXPECT_EQ(c->postgres, "host=db dbname=sdc");
  EXPECT_EQ(c->status_list_size, 4096u);
  EXPECT_EQ(c->status_list_ttl, 600u);
  EXPECT_EQ(c->publish_interval, 5u);
  EXPECT_EQ(c->card_validity_days, 365);
  // Relative paths are taken from the file's folder, absolute ones as they are.
  EXPECT_EQ(c->tls_cert, std::filesystem::path("/srv/sdcd/tls/cert.pem"));
  EXPECT_EQ(c->tls_key, std::filesystem::path("/etc/sdcd/key.pem"));
  EXPECT_EQ(c->openapi_path, std::filesystem::path("/srv/sdcd/api.yaml"));
  EXPECT_EQ(c->status_uri(), "https://registry.example/status/validity");
}

TEST(Config, UnknownKeyIsNamedWithItsLine) {
  auto msg = error_of(parse("listen = \"127.0.0.1:1\"\nlistn = \"x\"\n"));
  EXPECT_NE(msg.find("unknown key 'listn'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("sdcd.toml line 2"), std::string::npos) << msg;
  // Sections are not settings either.
  msg = error_of(parse("[tls]\ncert = \"a\"\n"));
  EXPECT_NE(msg.find("unknown key 'tls'"), std::string::npos) << msg;
}

TEST(Config, WrongTypeSaysWhatWasExpected) {
  auto msg = error_of(parse("threads = \"8\"\n"));
  EXPECT_NE(msg.find("threads: expected a whole number"), std::string::npos) << msg;
  msg = error_of(parse("listen = 8080\n"));
  EXPECT_NE(msg.find("listen: expected a string"), std::string::npos) << msg;
  msg = error_of(parse("status_list_ttl = 1.5\n"));
  EXPECT_NE(msg.find("status_list_ttl: expected a whole number"), std::string::npos) << msg;
}

TEST(Config, PublishIntervalIsZeroToAnHour) {
  auto zero = parse("publish_interval = 0\n");
  ASSERT_TRUE(zero) << zero.error().message;
  EXPECT_EQ(zero->publish_interval, 0u);  // every change publishes its own list
  auto hour = parse("publish_interval = 3600\n");
  ASSERT_TRUE(hour) << hour.error().message;
  EXPECT_EQ(hour->publish_interval, 3600u);
  for (const char* bad : {"publish_interval = -1\n", "publish_interval = 3601\n"}) {
    auto msg = error_of(parse(bad));
    EXPECT_NE(msg.find("publish_interval: from 0 to 3600 seconds"), std::string::npos)
        << bad << ": " << msg;
  }
  auto msg = error_of(parse("publish_interval = \"1s\"\n"));
  EXPECT_NE(msg.find("publish_interval: expected a whole number"), std::string::npos) << msg;
}

TEST(Config, BadValuesAreRefusedWithTheReason) {
  auto msg = error_of(parse("store = \"mysql\"\n"));
  EXPECT_NE(msg.find("store: 'sqlite' or 'postgres', not 'mysql'"), std::string::npos) << msg;
  msg = error_of(parse("listen = \"localhost\"\n"));
  EXPECT_NE(msg.find("listen: expected HOST:PORT"), std::string::npos) << msg;
  msg = error_of(parse("listen = \"localhost:70000\"\n"));
  EXPECT_NE(msg.find("0 to 65535"), std::string::npos) << msg;
  msg = error_of(parse("threads = 0\n"));
  EXPECT_NE(msg.find("threads: from 1 to 1024"), std::string::npos) << msg;
  msg = error_of(parse("card_validity_days = 100000\n"));
  EXPECT_NE(msg.find("card_validity_days: from 1 to"), std::string::npos) << msg;
  msg = error_of(parse("status_list_size = 1001\n"));
  EXPECT_NE(msg.find("status_list_size: a positive multiple of 4"), std::string::npos) << msg;
  msg = error_of(parse("base_url = \"ftp://x\"\n"));
  EXPECT_NE(msg.find("base_url: must start with http:// or https://"), std::string::npos) << msg;
  msg = error_of(parse("base_url = \"https://registry.example/\"\n"));
  EXPECT_NE(msg.find("trailing '/'"), std::string::npos) << msg;
}

TEST(Config, SyntaxErrorsAndDuplicatesNameTheLine) {
  auto msg = error_of(parse("threads = 4\nlisten = \"127.0.0.1:1\n"));
  EXPECT_NE(msg.find("sdcd.toml line 2"), std::string::npos) << msg;
  msg = error_of(parse("threads = 4\nthreads = 5\n"));
  EXPECT_NE(msg.find("sdcd.toml line 2"), std::string::npos) << msg;
}

TEST(Config, FlagsBeatEnvironmentBeatFileBeatDefaults) {
  auto file = parse("listen = \"127.0.0.1:1000\"\nthreads = 3\nstore = \"sqlite\"\n");
  ASSERT_TRUE(file) << file.error().message;
  auto env = sdc::http::overrides_from_environment(env_of(
      {{"SDCD_THREADS", "5"}, {"SDCD_STORE", "postgres"}, {"SDCD_POSTGRES", "dbname=fromenv"}}));
  ASSERT_TRUE(env) << env.error().message;
  ConfigOverrides flags;
  flags.postgres = "dbname=fromflag";
  flags.listen = "127.0.0.1:3000";

  auto only_file = sdc::http::resolve_config(*file, {});
  ASSERT_TRUE(only_file) << only_file.error().message;
  EXPECT_EQ(only_file->listen, "127.0.0.1:1000");
  EXPECT_EQ(only_file->threads, 3);
  EXPECT_EQ(only_file->status_list_ttl, 3600u);  // default: not in the file

  auto c = sdc::http::resolve_config(*file, sdc::http::merge(*env, flags));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen, "127.0.0.1:3000");     // flag over file
  EXPECT_EQ(c->threads, 5);                   // environment over file
  EXPECT_EQ(c->store, StoreKind::postgres);   // environment over file
  EXPECT_EQ(c->postgres, "dbname=fromflag");  // flag over environment
  EXPECT_EQ(c->status_list_ttl, 3600u);       // default
}

TEST(Config, EnvironmentIsCheckedAndEmptyMeansUnset) {
  auto bad = sdc::http::overrides_from_environment(env_of({{"SDCD_THREADS", "many"}}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("SDCD_THREADS"), std::string::npos) << bad.error().message;
  bad = sdc::http::overrides_from_environment(env_of({{"SDCD_STORE", "mysql"}}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("SDCD_STORE"), std::string::npos) << bad.error().message;
  bad = sdc::http::overrides_from_environment(env_of({{"SDCD_LISTEN", "nohost"}}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("SDCD_LISTEN"), std::string::npos) << bad.error().message;

  auto empty = sdc::http::overrides_from_environment(
      env_of({{"SDCD_LISTEN", ""}, {"SDCD_STORE", ""}, {"SDCD_TLS_CERT", ""}}));
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_FALSE(empty->listen);
  EXPECT_FALSE(empty->store);
  EXPECT_FALSE(empty->tls_cert);

  auto all = sdc::http::overrides_from_environment(env_of(
      {{"SDCD_LISTEN", "[::1]:8443"}, {"SDCD_TLS_CERT", "c.pem"}, {"SDCD_TLS_KEY", "k.pem"}}));
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->listen, "[::1]:8443");
  EXPECT_EQ(all->tls_cert, std::filesystem::path("c.pem"));
  EXPECT_EQ(all->tls_key, std::filesystem::path("k.pem"));
}

TEST(Config, TheWholeIsCheckedOnceEverySourceIsIn) {
  // A file may leave the conninfo or the key to the environment or flags...
  auto file = parse("store = \"postgres\"\ntls_cert = \"cert.pem\"\n");
  ASSERT_TRUE(file) << file.error().message;
  auto alone = sdc::http::resolve_config(*file, {});
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().message.find("store is postgres but no conninfo"), std::string::npos)
      << alone.error().message;
  ConfigOverrides given;
  given.postgres = "dbname=sdc";
  alone = sdc::http::resolve_config(*file, given);
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().message.find("tls_cert is set but tls_key is not"), std::string::npos)
      << alone.error().message;
  given.tls_key = "key.pem";
  auto whole = sdc::http::resolve_config(*file, given);
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_TRUE(whole->tls());

  // ...and the environment or flags alone may be incomplete too.
  ConfigOverrides o;
  o.store = StoreKind::postgres;
  auto c = sdc::http::resolve_config(Config{}, o);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("SDCD_POSTGRES or --postgres"), std::string::npos);
  ConfigOverrides key_only;
  key_only.tls_key = "key.pem";
  c = sdc::http::resolve_config(Config{}, key_only);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("tls_key is set but tls_cert is not"), std::string::npos);
}

TEST(Config, WhatInitWritesReadsBackTheSame) {
  Config c;
  c.base_url = "https://registry.example";
  c.listen = "127.0.0.1:9000";
  c.threads = 7;
  c.store = StoreKind::postgres;
  c.postgres = R"(host=127.0.0.1 dbname='sdc "main"')";
  c.status_list_size = 8192;
  c.status_list_ttl = 120;
  c.publish_interval = 0;
  c.card_validity_days = 730;
  c.tls_cert = "/etc/sdcd/cert.pem";
  c.tls_key = "/etc/sdcd/key.pem";
  std::string text = sdc::http::render_config(c);
  EXPECT_NE(text.find("# The public base URL"), std::string::npos);
  EXPECT_NE(text.find("SDCD_POSTGRES"), std::string::npos);
  auto back = parse(text);
  ASSERT_TRUE(back) << back.error().message << "\n" << text;
  EXPECT_EQ(back->base_url, c.base_url);
  EXPECT_EQ(back->listen, c.listen);
  EXPECT_EQ(back->threads, c.threads);
  EXPECT_EQ(back->store, c.store);
  EXPECT_EQ(back->postgres, c.postgres);
  EXPECT_EQ(back->status_list_size, c.status_list_size);
  EXPECT_EQ(back->status_list_ttl, c.status_list_ttl);
  EXPECT_EQ(back->publish_interval, c.publish_interval);
  EXPECT_EQ(back->card_validity_days, c.card_validity_days);
  EXPECT_EQ(back->tls_cert, c.tls_cert);
  EXPECT_EQ(back->tls_key, c.tls_key);

  auto defaults = parse(sdc::http::render_config(Config{}));
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_FALSE(defaults->tls());
  EXPECT_EQ(defaults->store, StoreKind::sqlite);
}

// Control characters in a setting are written escaped, so the file reads back.
TEST(Config, ControlCharactersAreEscapedInWhatInitWrites) {
  Config c;
  c.postgres = "host=db\tdbname=sdc\nuser=sdcd";
  c.openapi_path = "/srv/sdcd/api\n\x01.yaml";
  c.tls_cert = "/etc/sdcd/cert\r.pem";
  c.tls_key = "/etc/sdcd/key\x7f.pem";
  std::string text = sdc::http::render_config(c);
  auto back = parse(text);
  ASSERT_TRUE(back) << back.error().message << "\n" << text;
  EXPECT_EQ(back->postgres, c.postgres);
  EXPECT_EQ(back->openapi_path, c.openapi_path);
  EXPECT_EQ(back->tls_cert, c.tls_cert);
  EXPECT_EQ(back->tls_key, c.tls_key);
}

TEST(Config, AConninfoWithAPasswordStaysOutOfTheFile) {
  EXPECT_TRUE(sdc::http::conninfo_has_password("host=db password=s3cret dbname=sdc"));
  EXPECT_TRUE(sdc::http::conninfo_has_password("host=db password = 's3 cret'"));
  EXPECT_TRUE(sdc::http::conninfo_has_password("postgresql://sdcd:s3cret@db/sdc"));
  EXPECT_TRUE(sdc::http::conninfo_has_password("postgres://db/sdc?user=sdcd&password=s3cret"));
  EXPECT_FALSE(sdc::http::conninfo_has_password("host=db dbname=sdc user=sdcd"));
  EXPECT_FALSE(sdc::http::conninfo_has_password("postgresql://sdcd@db/sdc"));
  EXPECT_FALSE(sdc::http::conninfo_has_password("host=db passfile=/etc/sdcd/pgpass"));

  Config c;
  c.store = StoreKind::postgres;
  c.postgres = "host=db password=s3cret";
  std::string text = sdc::http::render_config(c);
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
  // Without the conninfo the file alone is incomplete, and says how to complete it.
  auto back = parse(text);
  ASSERT_TRUE(back) << back.error().message;
  auto alone = sdc::http::resolve_config(*back, {});
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().message.find("SDCD_POSTGRES"), std::string::npos);
  ConfigOverrides o;
  o.postgres = c.postgres;
  auto whole = sdc::http::resolve_config(*back, o);
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_EQ(whole->postgres, c.postgres);
}

TEST(Config, ListenAddresses) {
  auto a = sdc::http::parse_listen("127.0.0.1:8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  a = sdc::http::parse_listen("[::1]:0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 0);
  EXPECT_FALSE(sdc::http::parse_listen(":8080"));
  EXPECT_FALSE(sdc::http::parse_listen("host:"));
  EXPECT_FALSE(sdc::http::parse_listen("host:80x"));
  EXPECT_FALSE(sdc::http::parse_listen("host:-1"));
}

TEST(Config, InsecureHttpFromTheFileTheEnvironmentAndFlags) {
  auto d = parse("");
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->insecure_http);
  auto f = parse("insecure_http = true\n");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_TRUE(f->insecure_http);
  auto msg = error_of(parse("insecure_http = \"yes\"\n"));
  EXPECT_NE(msg.find("insecure_http: expected true or false"), std::string::npos) << msg;

  auto env = sdc::http::overrides_from_environment(env_of({{"SDCD_INSECURE_HTTP", "1"}}));
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->insecure_http, true);
  env = sdc::http::overrides_from_environment(env_of({{"SDCD_INSECURE_HTTP", "false"}}));
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->insecure_http, false);
  env = sdc::http::overrides_from_environment(env_of({{"SDCD_INSECURE_HTTP", ""}}));
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_FALSE(env->insecure_http);
  auto bad = sdc::http::overrides_from_environment(env_of({{"SDCD_INSECURE_HTTP", "maybe"}}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("SDCD_INSECURE_HTTP"), std::string::npos);

  // A flag over the environment over the file.
  ConfigOverrides from_env;
  from_env.insecure_http = false;
  ConfigOverrides flag;
  flag.insecure_http = true;
  auto c = sdc::http::resolve_config(*f, from_env);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->insecure_http);
  c = sdc::http::resolve_config(*f, sdc::http::merge(from_env, flag));
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->insecure_http);

  // What init writes reads back, and says how to allow it when it is off.
  Config on;
  on.insecure_http = true;
  auto back = parse(sdc::http::render_config(on));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back->insecure_http);
  auto text = sdc::http::render_config(Config{});
  EXPECT_NE(text.find("# insecure_http = true"), std::string::npos) << text;
  back = parse(text);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->insecure_http);
}

TEST(Config, PlainHttpIsForLoopbackUnlessAllowed) {
  for (const char* host : {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LocalHost",
                           "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"})
    EXPECT_TRUE(sdc::http::is_loopback_host(host)) << host;
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "192.168.1.2", "::2",
                           "example.org", "localhost.example.org", "126.255.255.255"})
    EXPECT_FALSE(sdc::http::is_loopback_host(host)) << host;

  Config plain;
  EXPECT_TRUE(sdc::http::check_plain_http_host(plain, "127.0.0.1"));
  auto refused = sdc::http::check_plain_http_host(plain, "0.0.0.0");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("TLS certificate"), std::string::npos);
  EXPECT_NE(refused.error().message.find("--insecure-http"), std::string::npos);
  Config allowed;
  allowed.insecure_http = true;
  EXPECT_TRUE(sdc::http::check_plain_http_host(allowed, "0.0.0.0"));
  Config tls;
  tls.tls_cert = "cert.pem";
  tls.tls_key = "key.pem";
  EXPECT_TRUE(sdc::http::check_plain_http_host(tls, "0.0.0.0"));
}

TEST(Config, TheRemindersTableChoosesTheAdaptersAndRefusesNonsense) {
  auto d = parse("");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->reminders.enabled);
  EXPECT_EQ(d->reminders.email, "file");
  EXPECT_EQ(d->reminders.sms, "file");
  EXPECT_TRUE(d->reminders.file.empty());
  auto c = parse(
      "threads = 4\n[reminders]\nemail = \"smtp\"\nsmtp_host = \"mail.local\"\n"
      "smtp_port = 2525\nsmtp_from = \"sdc@example.org\"\nsms = \"gateway\"\n"
      "sms_url = \"http://127.0.0.1:9000/send\"\nfile = \"out.jsonl\"\ninterval_seconds = 5\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->threads, 4);
  EXPECT_EQ(c->reminders.email, "smtp");
  EXPECT_EQ(c->reminders.smtp_host, "mail.local");
  EXPECT_EQ(c->reminders.smtp_port, 2525);
  EXPECT_EQ(c->reminders.smtp_from, "sdc@example.org");
  EXPECT_EQ(c->reminders.sms, "gateway");
  EXPECT_EQ(c->reminders.sms_url, "http://127.0.0.1:9000/send");
  EXPECT_EQ(c->reminders.file, "/srv/sdcd/out.jsonl");
  EXPECT_EQ(c->reminders.interval_seconds, 5);
  EXPECT_NE(error_of(parse("[reminders]\nemail = \"pigeon\"\n")).find("reminders.email"),
            std::string::npos);
  EXPECT_NE(error_of(parse("[reminders]\nsms = \"gateway\"\n")).find("sms_url"), std::string::npos);
  EXPECT_NE(error_of(parse("[reminders]\nsmtp_port = 0\n")).find("reminders.smtp_port"),
            std::string::npos);
  EXPECT_NE(error_of(parse("[reminders]\ncolour = \"red\"\n")).find("reminders.colour"),
            std::string::npos);
  EXPECT_NE(error_of(parse("reminders = 1\n")).find("expected a table"), std::string::npos);
  auto off = parse("[reminders]\nenabled = false\n");
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->reminders.enabled);
}

}  // namespace

TEST(Config, SignerPkcs11TakesAUriButNoPinValue) {
  auto c = parse("signer_pkcs11 = \"pkcs11:token=sdc;object=s?module-path=/m.so&pin-source=/p\"\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->signer_pkcs11, "pkcs11:token=sdc;object=s?module-path=/m.so&pin-source=/p");
  EXPECT_NE(
      error_of(parse("signer_pkcs11 = \"pkcs11:token=sdc?pin-value=1234\"\n")).find("pin-value"),
      std::string::npos);
  EXPECT_NE(error_of(parse("signer_pkcs11 = \"/etc/signer.key\"\n")).find("PKCS#11 URI"),
            std::string::npos);
}
