// SqliteTx's CardTx: cards and the published validity list with its packed entries, on SQLite.
#include "store/schema/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {
namespace {

CardRow card_from(const Stmt& s) {
  return CardRow{s.text(0), s.text(1), s.u64(2),  s.u64(3),  static_cast<CardState>(s.i64(4)),
                 s.i64(5),  s.i64(6),  s.blob(7), s.text(8), s.i64(9)};
}

}  // namespace

Result<void> SqliteTx::insert_card(const CardRow& r) {
  auto s = prepare(std::string("INSERT INTO cards (") + kCardColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!s) return std::unexpected(s.error());
  s->bind(1, r.document_number).bind(2, r.holder_id).bind(3, r.card_version);
  s->bind(4, r.status_index).bind(5, static_cast<std::int64_t>(r.state)).bind(6, r.issued_at);
  s->bind(7, r.expires_at).bind(8, r.sealed_barcode).bind(9, r.state_reason);
  s->bind(10, r.updated_at);
  return done(*s, "insert card");
}

Result<void> SqliteTx::update_card_state(const std::string& document_number, CardState state,
                                         const std::string& reason, UnixTime at) {
  auto s = prepare(
      "UPDATE cards SET state = ?2, state_reason = ?3, updated_at = ?4 WHERE document_number = "
      "?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, document_number).bind(2, static_cast<std::int64_t>(state)).bind(3, reason);
  s->bind(4, at);
  if (auto d = done(*s, "update card"); !d) return d;
  if (sqlite3_changes(db_) != 1)
    return fail(Errc::not_found, "no card with document number " + document_number);
  return {};
}

Result<std::optional<CardRow>> SqliteTx::get_card(const std::string& document_number) {
  return one<CardRow>(
      std::string("SELECT ") + kCardColumns + " FROM cards WHERE document_number = ?1",
      [&](Stmt& s) { s.bind(1, document_number); }, card_from);
}

Result<std::vector<CardRow>> SqliteTx::cards_of_holder(const std::string& holder_id) {
  return many<CardRow>(
      std::string("SELECT ") + kCardColumns +
          " FROM cards WHERE holder_id = ?1 ORDER BY card_version",
      [&](Stmt& s) { s.bind(1, holder_id); }, card_from);
}

Result<bool> SqliteTx::document_number_taken(const std::string& document_number) {
  auto r = one<bool>(
      "SELECT 1 FROM cards WHERE document_number = ?1",
      [&](Stmt& s) { s.bind(1, document_number); }, [](const Stmt&) { return true; });
  if (!r) return std::unexpected(r.error());
  return r->has_value();
}

Result<bool> SqliteTx::status_index_taken(std::uint64_t index) {
  auto r = one<bool>(
      "SELECT 1 FROM cards WHERE status_index = ?1", [&](Stmt& s) { s.bind(1, index); },
      [](const Stmt&) { return true; });
  if (!r) return std::unexpected(r.error());
  return r->has_value();
}

Result<std::vector<std::pair<std::uint64_t, CardState>>> SqliteTx::card_states() {
  return many<std::pair<std::uint64_t, CardState>>(
      "SELECT status_index, state FROM cards", [](Stmt&) {},
      [](const Stmt& s) {
        return std::pair{s.u64(0), static_cast<CardState>(s.i64(1))};
      });
}

Result<std::optional<PublishedStatusList>> SqliteTx::lock_status_list() {
  // BEGIN IMMEDIATE already holds the database's write lock.
  auto r = one<PublishedStatusList>(
      "SELECT iat, token FROM status_list WHERE id = 1", [](Stmt&) {},
      [](const Stmt& s) {
        return PublishedStatusList{s.i64(0), s.blob(1)};
      });
  if (!r) return std::unexpected(r.error());
  if (!*r || (*r)->iat == 0) return std::optional<PublishedStatusList>();
  return r;
}

Result<Bytes> SqliteTx::status_list_bits() {
  auto r = one<Bytes>(
      "SELECT bits FROM status_list WHERE id = 1", [](Stmt&) {},
      [](const Stmt& s) { return s.blob(0); });
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::internal, "status list row missing: run the migrations");
  return std::move(**r);
}

Result<void> SqliteTx::save_status_list_bits(ByteView bits) {
  auto s = prepare("UPDATE status_list SET bits = ?1 WHERE id = 1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, bits);
  if (auto d = done(*s, "save status list entries"); !d) return d;
  if (sqlite3_changes(db_) != 1)
    return fail(Errc::internal, "status list row missing: run the migrations");
  return {};
}

Result<void> SqliteTx::save_status_list(const PublishedStatusList& list, ByteView bits) {
  auto s =
      prepare("UPDATE status_list SET iat = ?1, token = ?2, bits = ?3 WHERE id = 1 AND iat < ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, list.iat).bind(2, list.token).bind(3, bits);
  if (auto d = done(*s, "save status list"); !d) return d;
  if (sqlite3_changes(db_) != 1) {
    request_retry();
    return fail(Errc::conflict, "a newer status list was published meanwhile");
  }
  return {};
}

Result<void> SqliteTx::queue_status_change(std::uint64_t index, CardState state) {
  auto s = prepare("INSERT INTO status_list_changes (status_index, state) VALUES (?1, ?2)");
  if (!s) return std::unexpected(s.error());
  s->bind(1, index).bind(2, static_cast<std::int64_t>(state));
  return done(*s, "queue status change");
}

Result<std::vector<std::pair<std::uint64_t, CardState>>> SqliteTx::take_status_changes() {
  // BEGIN IMMEDIATE holds the write lock: nothing is queued between the two.
  auto changes = many<std::pair<std::uint64_t, CardState>>(
      "SELECT status_index, state FROM status_list_changes ORDER BY seq", [](Stmt&) {},
      [](const Stmt& s) {
        return std::pair{s.u64(0), static_cast<CardState>(s.i64(1))};
      });
  if (!changes) return std::unexpected(changes.error());
  auto s = prepare("DELETE FROM status_list_changes");
  if (!s) return std::unexpected(s.error());
  if (auto d = done(*s, "take status changes"); !d) return std::unexpected(d.error());
  return changes;
}

Result<bool> SqliteTx::status_changes_queued() {
  auto r = one<bool>(
      "SELECT 1 FROM status_list_changes LIMIT 1", [](Stmt&) {}, [](const Stmt&) { return true; });
  if (!r) return std::unexpected(r.error());
  return r->has_value();
}

}  // namespace sdc::registry::sqlite
