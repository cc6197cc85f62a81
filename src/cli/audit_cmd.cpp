// sdc audit verify: checks an sdcd data folder's audit trail against its
// signed checkpoints, offline, without the server.
#include <algorithm>
#include <array>
#include <filesystem>

#include "cli/commands.h"
#include "cli/options.h"
#include "sdc/util/bytes.h"
#include "sdc/registry/audit.h"
#include "sdc/store_postgres/postgres_store.h"
#include "sdc/store_sqlite/sqlite_store.h"

namespace sdc::cli {

namespace {

namespace fs = std::filesystem;

struct AuditVerifyArgs {
  std::string data, db, postgres, checkpoints, public_key;
};

// --public-key: 64 hex digits, or a file holding them; without it, the key
// is derived from the data folder's checkpoint.key (as sdcd init writes it).
Result<std::array<std::uint8_t, 32>> checkpoint_public_key(const AuditVerifyArgs& a) {
  std::array<std::uint8_t, 32> out{};
  if (a.public_key.empty()) {
    auto key = registry::CheckpointKey::load(fs::path(a.data) / "checkpoint.key");
    if (!key) return std::unexpected(key.error());
    return key->public_key();
  }
  std::string text = a.public_key;
  if (text.size() != 64 || !hex_decode(text)) {
    auto file = read_text_file(text);
    if (!file) return std::unexpected(file.error());
    text = *file;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.pop_back();
  }
  auto bytes = hex_decode(text);
  if (!bytes || bytes->size() != out.size())
    return fail(Errc::parse, "--public-key: expected a 32-byte Ed25519 public key in hex");
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

Result<std::unique_ptr<registry::Store>> open_store(const AuditVerifyArgs& a) {
  if (!a.postgres.empty()) return registry::open_postgres_store({a.postgres});
  fs::path db = a.db.empty() ? fs::path(a.data) / "registry.db" : fs::path(a.db);
  std::error_code ec;
  // Opening would create an empty database: refuse a path that is not there.
  if (!fs::is_regular_file(db, ec)) return fail(Errc::io, "no database at " + db.string());
  return registry::open_sqlite_store({db});
}

int run_verify(const AuditVerifyArgs& a) {
  if (a.data.empty() &&
      (a.public_key.empty() || a.checkpoints.empty() || (a.db.empty() && a.postgres.empty())))
    return usage_error("--data, or all of --checkpoints, --public-key and --db or --postgres");
  auto key = checkpoint_public_key(a);
  if (!key) return usage_error(key.error());
  auto store = open_store(a);
  if (!store) return usage_error(store.error());
  fs::path checkpoints =
      a.checkpoints.empty() ? fs::path(a.data) / "audit.checkpoints" : fs::path(a.checkpoints);
  auto report = registry::verify_audit(**store, checkpoints, *key);
  if (!report) return usage_error(report.error());
  nlohmann::json out = {{"intact", report->intact},
                        {"store", (*store)->backend()},
                        {"checkpoint_file", checkpoints.string()},
                        {"public_key", hex_encode(*key)}};
  if (report->intact) {
    out["records"] = report->records;
    out["checkpoints"] = report->checkpoints;
  } else {
    out["problem"] = report->problem;
    if (report->first_bad_seq != 0) out["first_bad_seq"] = report->first_bad_seq;
  }
  print_json(out);
  return report->intact ? kOk : kNegative;
}

}  // namespace

void register_audit(CLI::App& app) {
  auto* audit = app.add_subcommand("audit", "Check the registry's audit trail");
  audit->require_subcommand(1);

  auto* verify = audit->add_subcommand(
      "verify",
      "Recompute the audit hash chain of an sdcd data folder and hold it against the signed "
      "checkpoints; finds edited, inserted or deleted records, a cut-off tail and a chain "
      "recomputed from scratch. Prints a JSON report; exit 0 when intact, 1 when not, 2 on a "
      "usage or read error");
  auto a = std::make_shared<AuditVerifyArgs>();
  verify->add_option("--data", a->data,
                     "The sdcd data folder (registry.db, audit.checkpoints, checkpoint.key)");
  verify->add_option("--db", a->db, "The SQLite database (default: DATA/registry.db)");
  verify->add_option("--postgres", a->postgres,
                     "Read the trail from PostgreSQL instead (libpq conninfo)");
  verify->add_option("--checkpoints", a->checkpoints,
                     "The checkpoint file (default: DATA/audit.checkpoints)");
  verify->add_option("--public-key", a->public_key,
                     "The checkpoint key's Ed25519 public half: 64 hex digits or a file holding "
                     "them (default: derived from DATA/checkpoint.key)");
  on_run(verify, [a] { return run_verify(*a); });
}

}  // namespace sdc::cli
