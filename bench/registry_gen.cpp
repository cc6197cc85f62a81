// sdc_registry_gen: fills an sdcd data folder (made by `sdcd init`) with N
// generated holders, each with one signed card, for the registry
// benchmarks. Rows are exactly what Registry::enroll and issue_card store —
// sealed identity and portrait, keyed lookup hashes, a sealed barcode signed
// by the folder's signer — so that the real sdcd finds, opens and verifies
// them. Written in large transactions through the Store interface.
//
// Not like enrollment through the registry:
//   - no audit events: the generated rows are outside the audit chain (the
//     chain itself stays intact and a checkpoint of its head is signed at
//     the end, so `sdc audit verify` passes);
//   - one ready-made portrait for everyone, sealed per holder;
//   - status indexes come from one random permutation, not by probing.
//
// The folder's status list is enlarged (sdcd.toml) to the smallest power
// of two holding twice the cards, as random index allocation needs, and
// published once at the end. A manifest, generated.json, records N; the
// A-numbers are bench::generated_a_number(0 .. N-1).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "registry_folder.h"
#include "sdc/crypto/crypto.h"
#include "sdc/http/server.h"
#include "sdc/card/portrait.h"

namespace {

using namespace sdc;
using registry::CardRow;
using registry::HolderRow;

constexpr const char* kFamilies[] = {"GARCIA", "HERNANDEZ", "LOPEZ",   "MARTINEZ", "GONZALEZ",
                                     "PEREZ",  "RODRIGUEZ", "SANCHEZ", "RAMIREZ",  "CRUZ",
                                     "FLORES", "GOMEZ",     "MORALES", "REYES",    "JIMENEZ",
                                     "NGUYEN", "PIERRE",    "JOSEPH",  "MENDOZA",  "CASTILLO"};
constexpr const char* kGivens[] = {"MARIA", "JOSE",   "ANA",   "LUIS",    "CARMEN", "JUAN",
                                   "ROSA",  "CARLOS", "SOFIA", "MIGUEL",  "ELENA",  "PEDRO",
                                   "LUCIA", "JORGE",  "PAULA", "ANTONIO", "MARTA",  "DAVID"};
constexpr const char* kNations[] = {"MEX", "GTM", "HND", "SLV", "VEN", "HTI", "CUB", "COL",
                                    "ECU", "NIC", "BRA", "IND", "CHN", "UKR", "RUS", "AFG"};

template <class T, std::size_t N>
const T& pick(const T (&a)[N], std::uint64_t i) {
  return a[i % N];
}

struct Generated {
  HolderRow holder;
  CardRow card;
};

// One holder and card, sealed as RegistryOps::seal and ::issue do.
Result<Generated> generate(const bench::RegistryFolder& f, std::uint64_t i,
                           std::uint64_t status_index, const std::string& document_number,
                           const Bytes& portrait, const Bytes& portrait_digest, UnixTime now,
                           Random& random) {
  std::uint64_t h = i * 0x9E3779B97F4A7C15ull;
  std::string family = std::string(pick(kFamilies, h >> 7)) + " " + pick(kFamilies, h >> 19);
  std::string given = pick(kGivens, h >> 31);
  char dob[11];
  std::snprintf(dob, sizeof dob, "%04u-%02u-%02u", static_cast<unsigned>(1940 + (h >> 13) % 65),
                static_cast<unsigned>(1 + (h >> 23) % 12),
                static_cast<unsigned>(1 + (h >> 29) % 28));
  registry::HolderRecord r;
  r.id = [&] {
    Bytes b(16);
    random.fill(b);
    return hex_encode(b);
  }();
  r.a_number = bench::generated_a_number(i);
  r.family_name = family;
  r.given_names = given;
  r.date_of_birth = dob;
  r.sex = (h >> 41) % 2 ? "F" : "M";
  r.nationality = pick(kNations, h >> 43);
  r.contact = "GENERATED " + std::to_string(i);
  r.language = "es";
  r.created_at = r.updated_at = now;

  r.portrait = portrait;
  Generated g;
  g.holder = registry::seal_holder(r, *f.cipher, random);

  Holder hd;
  hd.document_number = document_number;
  hd.a_number = r.a_number;
  hd.family_name = r.family_name;
  hd.given_names = r.given_names;
  hd.date_of_birth = r.date_of_birth;
  hd.sex = r.sex;
  hd.nationality = r.nationality;
  hd.portrait_sha256 = portrait_digest;
  hd.card_version = 1;
  IssueOptions io;
  io.now = now;
  io.status_index = status_index;
  io.status_list_size = f.config.status_list_size;
  io.valid_days = f.config.card_validity_days;
  auto issued = issue_card(std::move(hd), *f.signer, f.settings, io, random);
  if (!issued) return std::unexpected(issued.error());

  // About 1% revoked and 0.5% suspended, so the list is not all zeros.
  CardState state = CardState::valid;
  if ((h >> 47) % 1000 < 10)
    state = CardState::invalid;
  else if ((h >> 47) % 1000 < 15)
    state = CardState::suspended;
  g.card.document_number = document_number;
  g.card.holder_id = r.id;
  g.card.card_version = 1;
  g.card.status_index = status_index;
  g.card.state = state;
  g.card.issued_at = issued->claims.iat;
  g.card.expires_at = issued->claims.exp;
  g.card.sealed_barcode =
      f.cipher->seal(as_bytes(issued->barcode), document_number, "barcode", random);
  g.card.state_reason = state == CardState::valid ? "issued" : "generated";
  g.card.updated_at = now;
  return g;
}

std::uint64_t list_size_for(std::uint64_t cards, std::uint64_t current) {
  std::uint64_t size = 4;
  while (size < 2 * cards) size *= 2;
  return std::max(size, current);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int run(const std::string& dir, const std::string& postgres, std::uint64_t holders,
        std::uint64_t batch, unsigned threads, const std::string& portrait_file) {
  auto folder = bench::RegistryFolder::open(dir, postgres);
  if (!folder) {
    std::fprintf(stderr, "sdc_registry_gen: %s: %s\n", dir.c_str(), folder.error().message.c_str());
    return 1;
  }
  auto& f = *folder;
  if (f.generated_holders() != 0) {
    std::fprintf(stderr, "sdc_registry_gen: %s already holds generated data; use a fresh folder\n",
                 dir.c_str());
    return 1;
  }
  std::uint64_t size = list_size_for(holders, f.config.status_list_size);
  if (size != f.config.status_list_size) {
    f.config.status_list_size = size;
    if (auto w = f.save_config(); !w) {
      std::fprintf(stderr, "sdc_registry_gen: %s\n", w.error().message.c_str());
      return 1;
    }
    std::fprintf(stderr, "status list enlarged to %llu entries (%s)\n",
                 static_cast<unsigned long long>(size), f.config_path().c_str());
  }

  Bytes portrait;
  if (portrait_file.empty()) {
    portrait = specimen_portrait().jpeg;
  } else {
    auto text = read_file(portrait_file);
    if (!text) {
      std::fprintf(stderr, "sdc_registry_gen: %s\n", text.error().message.c_str());
      return 1;
    }
    portrait = Bytes(text->begin(), text->end());
  }
  auto digest = crypto::sha256(portrait);
  Bytes portrait_digest(digest.begin(), digest.end());
  std::fprintf(stderr, "portrait: %zu bytes; %llu holders in transactions of %llu, %u threads\n",
               portrait.size(), static_cast<unsigned long long>(holders),
               static_cast<unsigned long long>(batch), threads);

  Random& random = crypto::system_random();
  // Status indexes: the first `holders` of a random permutation of the
  // list's free entries (a demo folder already has a few cards).
  auto existing = f.store->in_transaction<std::vector<std::pair<std::uint64_t, CardState>>>(
      [](registry::Tx& tx) { return tx.card_states(); });
  if (!existing) {
    std::fprintf(stderr, "sdc_registry_gen: %s\n", existing.error().message.c_str());
    return 1;
  }
  std::vector<bool> taken(size);
  for (auto [index, state] : *existing)
    if (index < size) taken[index] = true;
  std::vector<std::uint32_t> indexes;
  indexes.reserve(size);
  for (std::uint64_t i = 0; i < size; ++i)
    if (!taken[i]) indexes.push_back(static_cast<std::uint32_t>(i));
  const std::uint64_t free = indexes.size();
  if (free < holders) {
    std::fprintf(stderr, "sdc_registry_gen: only %llu free status indexes\n",
                 static_cast<unsigned long long>(free));
    return 1;
  }
  for (std::uint64_t i = 0; i < holders; ++i)
    std::swap(indexes[i], indexes[i + random.uniform(free - i)]);
  std::unordered_set<std::string> documents;
  documents.reserve(holders);

  SystemClock clock;
  auto start = std::chrono::steady_clock::now();
  double generating = 0, writing = 0;
  for (std::uint64_t first = 0; first < holders; first += batch) {
    std::uint64_t n = std::min(batch, holders - first);
    std::vector<std::string> numbers(n);
    for (auto& d : numbers) {
      do d = new_document_number(random);
      while (!documents.insert(d).second);
    }
    auto t0 = std::chrono::steady_clock::now();
    std::vector<Generated> rows(n);
    std::atomic<bool> failed{false};
    std::vector<std::thread> workers;
    UnixTime now = clock.now();
    for (unsigned w = 0; w < threads; ++w)
      workers.emplace_back([&, w] {
        for (std::uint64_t k = w; k < n; k += threads) {
          auto g = generate(f, first + k, indexes[first + k], numbers[k], portrait, portrait_digest,
                            now, random);
          if (!g) {
            std::fprintf(stderr, "sdc_registry_gen: holder %llu: %s\n",
                         static_cast<unsigned long long>(first + k), g.error().message.c_str());
            failed = true;
            return;
          }
          rows[k] = std::move(*g);
        }
      });
    for (auto& t : workers) t.join();
    if (failed) return 1;
    auto t1 = std::chrono::steady_clock::now();
    auto written = f.store->in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
      for (const Generated& g : rows) {
        if (auto r = tx.insert_holder(g.holder); !r) return std::unexpected(r.error());
        if (auto r = tx.insert_card(g.card); !r) return std::unexpected(r.error());
      }
      return true;
    });
    if (!written) {
      std::fprintf(stderr, "sdc_registry_gen: writing holders from %llu: %s\n",
                   static_cast<unsigned long long>(first), written.error().message.c_str());
      return 1;
    }
    generating += std::chrono::duration<double>(t1 - t0).count();
    writing += seconds_since(t1);
    if ((first / batch) % 10 == 9 || first + n == holders)
      std::fprintf(stderr, "  %llu holders, %.0f s\n", static_cast<unsigned long long>(first + n),
                   seconds_since(start));
  }
  double total = seconds_since(start);

  // Publish through the registry, as sdcd would after a change.
  SystemClock reg_clock;
  auto ro = f.registry_options(reg_clock, random);
  auto reg = registry::Registry::create(ro);
  if (!reg) {
    std::fprintf(stderr, "sdc_registry_gen: %s\n", reg.error().message.c_str());
    return 1;
  }
  auto p0 = std::chrono::steady_clock::now();
  auto published = reg->publish_status_list();
  double publishing = seconds_since(p0);
  if (!published) {
    std::fprintf(stderr, "sdc_registry_gen: publishing: %s\n", published.error().message.c_str());
    return 1;
  }

  if (auto c = f.checkpoint_audit(reg_clock.now()); !c) {
    std::fprintf(stderr, "sdc_registry_gen: audit checkpoint: %s\n", c.error().message.c_str());
    return 1;
  }

  nlohmann::json manifest = {{"holders", holders},
                             {"first_a_number", bench::generated_a_number(0)},
                             {"status_list_size", size},
                             {"portrait_bytes", portrait.size()},
                             {"seconds", total}};
  if (auto w = write_file_atomic(f.manifest_path(), manifest.dump(2) + "\n"); !w) {
    std::fprintf(stderr, "sdc_registry_gen: %s\n", w.error().message.c_str());
    return 1;
  }
  std::printf(
      "generated %llu holders with cards in %.1f s (%.0f /s): sealing and signing "
      "%.1f s on %u threads, writing %.1f s\n",
      static_cast<unsigned long long>(holders), total, static_cast<double>(holders) / total,
      generating, threads, writing);
  std::printf(
      "published the validity list (%llu entries) through the registry in %.2f s: "
      "%zu bytes\n",
      static_cast<unsigned long long>(size), publishing, published->token.size());
  return 0;
}

// The demo logins of `sdcd demo` that scripts/bench-sdcd.sh signs in with,
// added through the server as `sdcd demo` adds them (a login already there
// is kept).
int add_bench_users(const std::string& dir) {
  SystemClock clock;
  registry::ZoneinfoTimeZones zones;
  http::ServeOptions so;
  so.data_dir = dir;
  so.log_requests = false;
  so.clock = &clock;
  so.random = &crypto::system_random();
  so.time_zones = &zones;
  auto server = http::Server::open(so);
  if (!server) {
    std::fprintf(stderr, "sdc_registry_gen: %s\n", server.error().message.c_str());
    return 1;
  }
  const std::pair<const char*, registry::Role> users[] = {
      {"officer", registry::Role::enrollment_officer},
      {"field", registry::Role::field_officer},
      {"screener", registry::Role::checkpoint_screener}};
  for (const auto& [name, role] : users) {
    auto made = (*server)->add_user(name, std::string("demo-") + name + "-pass", role);
    if (!made && made.error().code != Errc::conflict) {
      std::fprintf(stderr, "sdc_registry_gen: %s: %s\n", name, made.error().message.c_str());
      return 1;
    }
    std::printf("%s: %s\n", name, made ? "added" : "already there");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sdc_registry_gen: fill an sdcd data folder with generated holders and cards"};
  std::string dir, postgres, portrait;
  std::uint64_t holders = 1000000, batch = 20000;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("--data", dir, "data folder made by `sdcd init`")->required();
  app.add_option("--holders", holders, "how many holders (each with one card)");
  app.add_option("--batch", batch, "holders per transaction")->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "threads sealing and signing")->check(CLI::PositiveNumber);
  app.add_option("--portrait", portrait, "portrait file (default: the specimen silhouette)");
  app.add_option("--postgres", postgres,
                 "libpq conninfo: write there instead of the folder's registry.db");
  bool users_only = false;
  app.add_flag("--bench-users", users_only,
               "only add the logins scripts/bench-sdcd.sh uses (officer, field, screener with "
               "the demo passwords) to the folder, e.g. one filled earlier; no holders");
  CLI11_PARSE(app, argc, argv);
  if (users_only) return add_bench_users(dir);
  return run(dir, postgres, holders, batch, threads, portrait);
}
