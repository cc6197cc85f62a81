#include "sdc/registry/hearings.h"

#include <map>

#include "sdc/registry/audit.h"
#include "sdc/util/bytes.h"

namespace sdc::registry {
namespace {

// A scheduled hearing that started less than this long ago is still the
// next one: the holder may be in the courtroom.
constexpr UnixTime kStillNext = 3600;

AuditEvent event_of(const User& by, Action action, UnixTime at, std::string holder_id,
                    std::string outcome, std::string detail) {
  AuditEvent e;
  e.at = at;
  e.actor = by.id;
  e.role = to_string(by.role);
  e.action = to_string(action);
  e.holder_id = std::move(holder_id);
  e.outcome = std::move(outcome);
  e.detail = std::move(detail);
  return e;
}

Result<void> append(Store& store, std::vector<AuditEvent> events) {
  auto done = store.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    auto a = append_audit_events(tx, events);
    if (!a) return std::unexpected(a.error());
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

bool moved(const HearingRow& before, const CalendarHearing& now) {
  return before.starts_at != now.starts_at || before.time_zone != now.time_zone ||
         before.court_name != now.court_name || before.court_address != now.court_address;
}

bool same(const HearingRow& before, const CalendarHearing& now) {
  return !moved(before, now) && before.judge == now.judge &&
         before.hearing_type == now.hearing_type && before.status == now.status;
}

bool is_hearing_action(Action a) {
  return a == Action::import_hearings || a == Action::read_hearings ||
         a == Action::read_next_hearing;
}

}  // namespace

Hearing hearing_from_row(const HearingRow& r) {
  Hearing h;
  h.id = r.id;
  h.hearing_id = r.hearing_id;
  h.starts_at = r.starts_at;
  h.time_zone = r.time_zone;
  h.court_name = r.court_name;
  h.court_address = r.court_address;
  h.judge = r.judge;
  h.hearing_type = r.hearing_type;
  h.status = r.status;
  h.changed_at = r.changed_at;
  if (r.changed_at != 0)
    h.previous = Hearing::Before{r.previous_starts_at, r.previous_time_zone, r.previous_court_name,
                                 r.previous_court_address};
  h.updated_at = r.updated_at;
  return h;
}

Error Hearings::audited_failure(const User& by, Action action, const std::string& holder_id,
                                const Error& error, const std::string& detail) {
  auto a =
      append(store_, {event_of(by, action, clock_.now(), holder_id, audit_outcome(error), detail)});
  if (!a) return a.error();
  return error;
}

Result<void> Hearings::authorize(const User& by, Action action, const std::string& holder_id) {
  if (is_hearing_action(action) && allowed(by.role, action)) return {};
  // A holder reads their own hearings, and nobody else's.
  if (is_hearing_action(action) && allowed_on_own_record(by.role, action) && !holder_id.empty() &&
      own_holder_id(by) == holder_id)
    return {};
  return std::unexpected(audited_failure(
      by, action, holder_id,
      Error{Errc::forbidden,
            std::string("role ") + to_string(by.role) + " may not " + to_string(action)}));
}

Result<ImportSummary> Hearings::import(const ParsedCalendar& calendar, const User& by) {
  const Action action = Action::import_hearings;
  if (auto ok = authorize(by, action); !ok) return std::unexpected(ok.error());
  // The lookup hashes once, outside the transaction.
  std::vector<Bytes> hashes;
  hashes.reserve(calendar.hearings.size());
  for (const CalendarHearing& h : calendar.hearings)
    hashes.push_back(cipher_.a_number_hash(h.a_number));

  auto done = store_.in_transaction<ImportSummary>([&](Tx& tx) -> Result<ImportSummary> {
    const UnixTime now = clock_.now();
    ImportSummary sum;  // afresh on a retry
    sum.rows = calendar.rows;
    sum.rejected = calendar.rejected;
    std::map<Bytes, std::string> holder_of;  // A-number hash -> holder id ("" none)
    std::map<std::string, std::pair<std::size_t, std::size_t>> per_holder;  // added, changed
    for (std::size_t k = 0; k < calendar.hearings.size(); ++k) {
      const CalendarHearing& h = calendar.hearings[k];
      const Bytes& hash = hashes[k];
      auto holder = holder_of.find(hash);
      if (holder == holder_of.end()) {
        auto row = tx.find_holder_by_a_number_hash(hash);
        if (!row) return std::unexpected(row.error());
        holder = holder_of.emplace(hash, *row ? (*row)->id : std::string()).first;
      }
      if (holder->second.empty()) ++sum.unmatched;
      auto existing = tx.find_hearing(hash, h.hearing_id);
      if (!existing) return std::unexpected(existing.error());
      if (!*existing) {
        Bytes id(8);
        random_.fill(id);
        HearingRow r;
        r.id = "h-" + hex_encode(id);
        r.a_number_hash = hash;
        r.hearing_id = h.hearing_id;
        r.starts_at = h.starts_at;
        r.time_zone = h.time_zone;
        r.court_name = h.court_name;
        r.court_address = h.court_address;
        r.judge = h.judge;
        r.hearing_type = h.hearing_type;
        r.status = h.status;
        r.created_at = r.updated_at = now;
        if (auto w = tx.insert_hearing(r); !w) return std::unexpected(w.error());
        ++sum.added;
        if (!holder->second.empty()) ++per_holder[holder->second].first;
        continue;
      }
      HearingRow r = std::move(**existing);
      if (same(r, h)) {
        ++sum.unchanged;
        continue;
      }
      if (moved(r, h)) {
        r.changed_at = now;
        r.previous_starts_at = r.starts_at;
        r.previous_time_zone = r.time_zone;
        r.previous_court_name = r.court_name;
        r.previous_court_address = r.court_address;
        ++sum.moved;
      }
      r.starts_at = h.starts_at;
      r.time_zone = h.time_zone;
      r.court_name = h.court_name;
      r.court_address = h.court_address;
      r.judge = h.judge;
      r.hearing_type = h.hearing_type;
      r.status = h.status;
      r.updated_at = now;
      if (auto w = tx.update_hearing(r); !w) return std::unexpected(w.error());
      ++sum.changed;
      if (!holder->second.empty()) ++per_holder[holder->second].second;
    }
    std::vector<AuditEvent> events;
    events.push_back(event_of(
        by, action, now, "", "ok",
        "rows " + std::to_string(sum.rows) + ", added " + std::to_string(sum.added) + ", changed " +
            std::to_string(sum.changed) + ", moved " + std::to_string(sum.moved) + ", unchanged " +
            std::to_string(sum.unchanged) + ", rejected " + std::to_string(sum.rejected.size()) +
            ", unmatched " + std::to_string(sum.unmatched)));
    for (const auto& [holder_id, counts] : per_holder)
      events.push_back(event_of(by, action, now, holder_id, "ok",
                                "hearings added " + std::to_string(counts.first) + ", changed " +
                                    std::to_string(counts.second)));
    if (auto a = append_audit_events(tx, std::move(events)); !a) return std::unexpected(a.error());
    return sum;
  });
  if (!done) return std::unexpected(audited_failure(by, action, "", done.error()));
  return done;
}

Result<std::vector<HearingRow>> Hearings::rows_of(const std::string& holder_id, const User& by,
                                                  Action action) {
  if (auto ok = authorize(by, action, holder_id); !ok) return std::unexpected(ok.error());
  auto rows = store_.in_read_transaction<std::vector<HearingRow>>(
      [&](Tx& tx) -> Result<std::vector<HearingRow>> {
        auto holder = tx.get_holder(holder_id);
        if (!holder) return std::unexpected(holder.error());
        if (!*holder) return fail(Errc::not_found, "no holder with id " + holder_id);
        return tx.hearings_of((*holder)->a_number_hash);
      });
  if (!rows) return std::unexpected(audited_failure(by, action, holder_id, rows.error()));
  return rows;
}

Result<std::vector<Hearing>> Hearings::for_holder(const std::string& holder_id, const User& by) {
  auto rows = rows_of(holder_id, by, Action::read_hearings);
  if (!rows) return std::unexpected(rows.error());
  std::vector<Hearing> out;
  for (const HearingRow& r : *rows) out.push_back(hearing_from_row(r));
  // Nothing read is answered before its record is durable.
  if (auto a = append(store_, {event_of(by, Action::read_hearings, clock_.now(), holder_id, "ok",
                                        "hearings " + std::to_string(out.size()))});
      !a)
    return std::unexpected(a.error());
  return out;
}

Result<std::optional<Hearing>> Hearings::next_for_holder(const std::string& holder_id,
                                                         const User& by, UnixTime now) {
  auto rows = rows_of(holder_id, by, Action::read_next_hearing);
  if (!rows) return std::unexpected(rows.error());
  std::optional<Hearing> next;
  for (const HearingRow& r : *rows)  // by starts_at
    if (r.status == "scheduled" && r.starts_at + kStillNext > now) {
      next = hearing_from_row(r);
      break;
    }
  if (auto a = append(store_, {event_of(by, Action::read_next_hearing, clock_.now(), holder_id,
                                        "ok", next ? "hearing " + next->id : "no hearing")});
      !a)
    return std::unexpected(a.error());
  return next;
}

}  // namespace sdc::registry
