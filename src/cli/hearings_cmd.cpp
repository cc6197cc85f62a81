// sdc hearings import: loads a court calendar (CSV or JSON, docs/HEARINGS.md)
// into an sdcd data folder's registry, as an enrollment officer's account,
// audited as the same import through the API would be.
#include <filesystem>

#include "cli/commands.h"
#include "cli/options.h"
#include "sdc/crypto/crypto.h"
#include "sdc/registry/hearing_import.h"
#include "sdc/registry/hearings.h"
#include "sdc/registry/pii.h"
#include "sdc/registry/time_zones.h"
#include "sdc/store_postgres/postgres_store.h"
#include "sdc/store_sqlite/sqlite_store.h"

namespace sdc::cli {

namespace {

namespace fs = std::filesystem;

struct HearingsImportArgs {
  std::string file, data, db, postgres, user, format = "auto";
};

Result<std::unique_ptr<registry::Store>> open_store(const HearingsImportArgs& a) {
  if (!a.postgres.empty()) return registry::open_postgres_store({a.postgres});
  fs::path db = a.db.empty() ? fs::path(a.data) / "registry.db" : fs::path(a.db);
  std::error_code ec;
  // Opening would create an empty database: refuse a path that is not there.
  if (!fs::is_regular_file(db, ec)) return fail(Errc::io, "no database at " + db.string());
  return registry::open_sqlite_store({db});
}

// The account the import is made and audited as.
Result<registry::User> acting_user(registry::Store& store, const std::string& username) {
  return store.in_read_transaction<registry::User>([&](registry::Tx& tx) -> Result<registry::User> {
    auto account = tx.get_account(username);
    if (!account) return std::unexpected(account.error());
    if (!*account || (*account)->disabled)
      return fail(Errc::not_found, "--user: no enabled account named " + username);
    auto user = tx.get_user((*account)->user_id);
    if (!user) return std::unexpected(user.error());
    registry::User u;
    u.id = (*account)->user_id;
    u.display_name = *user ? (*user)->display_name : username;
    u.role = (*account)->role;
    return u;
  });
}

int run_import(const HearingsImportArgs& a) {
  if (a.data.empty()) return usage_error("--data: the sdcd data folder (its pii.keys)");
  registry::CalendarFormat format = registry::CalendarFormat::detect;
  if (a.format == "csv")
    format = registry::CalendarFormat::csv;
  else if (a.format == "json")
    format = registry::CalendarFormat::json;
  else if (a.format != "auto")
    return usage_error("--format: csv, json or auto");
  auto text = read_text_file(a.file);
  if (!text) return usage_error(text.error());
  registry::ZoneinfoTimeZones zones;
  auto parsed = registry::parse_calendar(*text, format, zones);
  if (!parsed) return usage_error(a.file + ": " + parsed.error().message);
  auto keys = registry::PiiKeys::load(fs::path(a.data) / "pii.keys");
  if (!keys) return usage_error(keys.error());
  registry::PiiCipher cipher(std::move(*keys));
  auto store = open_store(a);
  if (!store) return usage_error(store.error());
  if (auto m = (*store)->migrate(); !m) return usage_error(m.error());
  auto user = acting_user(**store, a.user);
  if (!user) return usage_error(user.error());
  SystemClock clock;
  registry::Hearings hearings(**store, cipher, clock, crypto::system_random());
  auto done = hearings.import(*parsed, *user);
  if (!done) return usage_error(done.error());
  nlohmann::json rejected = nlohmann::json::array();
  for (const auto& r : done->rejected)
    rejected.push_back({{"line", r.line}, {"reasons", r.reasons}});
  print_json({{"rows", done->rows},
              {"added", done->added},
              {"changed", done->changed},
              {"moved", done->moved},
              {"unchanged", done->unchanged},
              {"unmatched", done->unmatched},
              {"rejected", rejected}});
  return done->rejected.empty() ? kOk : kNegative;
}

}  // namespace

void register_hearings(CLI::App& app) {
  auto* hearings = app.add_subcommand("hearings", "Court hearings in the registry");
  hearings->require_subcommand(1);

  auto* import = hearings->add_subcommand(
      "import",
      "Load a court calendar (CSV or JSON, docs/HEARINGS.md) into an sdcd data folder's "
      "registry as an enrollment officer's account; importing the same calendar again changes "
      "nothing. Prints a JSON summary (rows, added, changed, moved, unchanged, unmatched, "
      "rejected rows with their line and reasons); exit 0 when every row was kept, 1 when some "
      "were rejected (the others are kept), 2 when nothing was imported (usage, an unreadable "
      "calendar, a refused account)");
  auto a = std::make_shared<HearingsImportArgs>();
  import->add_option("FILE", a->file, "The court calendar")->required();
  import->add_option("--data", a->data, "The sdcd data folder (pii.keys, registry.db)")->required();
  import->add_option("--user", a->user, "The enrollment officer's username the import is made as")
      ->required();
  import->add_option("--db", a->db, "The SQLite database (default: DATA/registry.db)");
  import->add_option("--postgres", a->postgres, "Use PostgreSQL instead (libpq conninfo)");
  import->add_option("--format", a->format, "csv, json or auto (from the content; default)");
  on_run(import, [a] { return run_import(*a); });
}

}  // namespace sdc::cli
