// PostgresTx's CardTx: cards and the published validity list with its packed entries,
// and the changes queued for its next publication, on PostgreSQL.
#include <algorithm>
#include <tuple>

#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry::pg {
namespace {

CardRow card_from(const Rows& r, int i) {
  return CardRow{
      r.text(i, 0), r.text(i, 1), r.u64(i, 2),   r.u64(i, 3),  static_cast<CardState>(r.i64(i, 4)),
      r.i64(i, 5),  r.i64(i, 6),  r.bytes(i, 7), r.text(i, 8), r.i64(i, 9)};
}

}  // namespace

Result<void> PostgresTx::insert_card(const CardRow& r) {
  return command(std::string("INSERT INTO cards (") + kCardColumns +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                 Params()
                     .text(r.document_number)
                     .text(r.holder_id)
                     .u64(r.card_version)
                     .u64(r.status_index)
                     .i64(static_cast<std::int64_t>(r.state))
                     .i64(r.issued_at)
                     .i64(r.expires_at)
                     .bytes(r.sealed_barcode)
                     .text(r.state_reason)
                     .i64(r.updated_at));
}

Result<void> PostgresTx::update_card_state(const std::string& document_number, CardState state,
                                           const std::string& reason, UnixTime at) {
  auto rows = exec(
      "UPDATE cards SET state = $2, state_reason = $3, updated_at = $4 WHERE document_number = "
      "$1",
      Params().text(document_number).i64(static_cast<std::int64_t>(state)).text(reason).i64(at));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1)
    return fail(Errc::not_found, "no card with document number " + document_number);
  return {};
}

Result<std::optional<CardRow>> PostgresTx::get_card(const std::string& document_number) {
  return one<CardRow>(
      std::string("SELECT ") + kCardColumns + " FROM cards WHERE document_number = $1",
      Params().text(document_number), card_from);
}

Result<std::vector<CardRow>> PostgresTx::cards_of_holder(const std::string& holder_id) {
  return many<CardRow>(std::string("SELECT ") + kCardColumns +
                           " FROM cards WHERE holder_id = $1 ORDER BY card_version",
                       Params().text(holder_id), card_from);
}

Result<bool> PostgresTx::document_number_taken(const std::string& document_number) {
  auto rows =
      exec("SELECT 1 FROM cards WHERE document_number = $1", Params().text(document_number));
  if (!rows) return std::unexpected(rows.error());
  return rows->size() > 0;
}

Result<bool> PostgresTx::status_index_taken(std::uint64_t index) {
  auto rows = exec("SELECT 1 FROM cards WHERE status_index = $1", Params().u64(index));
  if (!rows) return std::unexpected(rows.error());
  return rows->size() > 0;
}

Result<std::vector<std::pair<std::uint64_t, CardState>>> PostgresTx::card_states() {
  return many<std::pair<std::uint64_t, CardState>>(
      "SELECT status_index, state FROM cards", Params(), [](const Rows& r, int i) {
        return std::pair{r.u64(i, 0), static_cast<CardState>(r.i64(i, 1))};
      });
}

Result<std::optional<PublishedStatusList>> PostgresTx::lock_status_list() {
  auto r = one<PublishedStatusList>("SELECT iat, token FROM status_list WHERE id = 1 FOR UPDATE",
                                    Params(), [](const Rows& rows, int i) {
                                      return PublishedStatusList{rows.i64(i, 0), rows.bytes(i, 1)};
                                    });
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::internal, "status list row missing: run the migrations");
  if ((*r)->iat == 0) return std::optional<PublishedStatusList>();
  return r;
}

Result<Bytes> PostgresTx::status_list_bits() {
  auto r = one<Bytes>("SELECT bits FROM status_list WHERE id = 1", Params(),
                      [](const Rows& rows, int i) { return rows.bytes(i, 0); });
  if (!r) return std::unexpected(r.error());
  if (!*r) return fail(Errc::internal, "status list row missing: run the migrations");
  return std::move(**r);
}

Result<void> PostgresTx::save_status_list_bits(ByteView bits) {
  auto rows = exec("UPDATE status_list SET bits = $1 WHERE id = 1", Params().bytes(bits));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1)
    return fail(Errc::internal, "status list row missing: run the migrations");
  return {};
}

Result<void> PostgresTx::save_status_list(const PublishedStatusList& list, ByteView bits) {
  auto rows =
      exec("UPDATE status_list SET iat = $1, token = $2, bits = $3 WHERE id = 1 AND iat < $1",
           Params().i64(list.iat).bytes(list.token).bytes(bits));
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() != 1) {
    request_retry();
    return fail(Errc::conflict, "a newer status list was published meanwhile");
  }
  return {};
}

Result<void> PostgresTx::queue_status_change(std::uint64_t index, CardState state) {
  return command("INSERT INTO status_list_changes (status_index, state) VALUES ($1, $2)",
                 Params().u64(index).i64(static_cast<std::int64_t>(state)));
}

Result<std::vector<std::pair<std::uint64_t, CardState>>> PostgresTx::take_status_changes() {
  // One statement deletes and returns exactly the rows it saw: a change
  // committed after it stays queued. Under READ COMMITTED a SELECT then a
  // DELETE could delete a change the SELECT had not seen.
  auto rows = exec("DELETE FROM status_list_changes RETURNING seq, status_index, state", Params());
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::tuple<std::int64_t, std::uint64_t, CardState>> taken;
  taken.reserve(static_cast<std::size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i)
    taken.emplace_back(rows->i64(i, 0), rows->u64(i, 1), static_cast<CardState>(rows->i64(i, 2)));
  std::sort(taken.begin(), taken.end());
  std::vector<std::pair<std::uint64_t, CardState>> out;
  out.reserve(taken.size());
  for (const auto& [seq, index, state] : taken) out.emplace_back(index, state);
  return out;
}

Result<bool> PostgresTx::status_changes_queued() {
  auto rows = exec("SELECT 1 FROM status_list_changes LIMIT 1", Params());
  if (!rows) return std::unexpected(rows.error());
  return rows->size() > 0;
}

}  // namespace sdc::registry::pg
