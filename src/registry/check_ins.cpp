#include "sdc/registry/check_ins.h"

#include <algorithm>
#include <map>

#include "registry/audited_calls.h"
#include "sdc/util/bytes.h"

namespace sdc::registry {
namespace {

constexpr std::int64_t kDay = 86400;

// The office-local day of `t`, or nullopt for an unknown zone.
std::optional<std::int64_t> local_day(const TimeZones& zones, const std::string& zone, UnixTime t) {
  auto local = zones.to_local(zone, t);
  if (!local) return std::nullopt;
  return *local >= 0 ? *local / kDay : (*local - kDay + 1) / kDay;
}

// Each office's time zone, read once per call.
class OfficeZones {
 public:
  OfficeZones(Tx& tx) : tx_(tx) {}
  Result<const OfficeRow*> get(const std::string& id) {
    auto it = offices_.find(id);
    if (it == offices_.end()) {
      auto row = tx_.get_office(id);
      if (!row) return std::unexpected(row.error());
      it = offices_.emplace(id, std::move(*row)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

 private:
  Tx& tx_;
  std::map<std::string, std::optional<OfficeRow>> offices_;
};

struct Match {
  std::string appointment_id;
  CheckInOutcome outcome = CheckInOutcome::no_appointment;
};

// The booked appointment of `now`'s office-local day the check-in meets.
Result<Match> match(const std::vector<AppointmentRow>& appointments, UnixTime now,
                    OfficeZones& offices, const TimeZones& zones) {
  Match best;
  for (const AppointmentRow& a : appointments) {
    if (a.state != AppointmentState::booked) continue;
    auto office = offices.get(a.office_id);
    if (!office) return std::unexpected(office.error());
    if (!*office) continue;
    auto day = local_day(zones, (*office)->time_zone, a.starts_at);
    auto today = local_day(zones, (*office)->time_zone, now);
    if (!day || !today || *day != *today) continue;
    if (now < a.starts_at - CheckIns::kEarlyAllowance) continue;
    if (now <= a.ends_at) return Match{a.id, CheckInOutcome::on_time};
    if (best.appointment_id.empty()) best = Match{a.id, CheckInOutcome::late};
  }
  return best;
}

Result<std::optional<AppointmentPlace>> next_after(const std::vector<AppointmentRow>& appointments,
                                                   const std::string& matched, UnixTime now,
                                                   OfficeZones& offices) {
  for (const AppointmentRow& a : appointments) {  // by start
    if (a.state != AppointmentState::booked || a.id == matched || a.ends_at <= now) continue;
    AppointmentPlace p;
    p.appointment_id = a.id;
    p.starts_at = a.starts_at;
    p.ends_at = a.ends_at;
    p.office_id = a.office_id;
    auto office = offices.get(a.office_id);
    if (!office) return std::unexpected(office.error());
    if (*office) {
      p.office_name = (*office)->name;
      p.office_address = (*office)->address;
      p.time_zone = (*office)->time_zone;
    }
    return std::optional<AppointmentPlace>(std::move(p));
  }
  return std::optional<AppointmentPlace>();
}

bool is_check_in_action(Action a) {
  return a == Action::check_in_card || a == Action::check_in_holder || a == Action::check_in_own ||
         a == Action::read_compliance;
}

}  // namespace

const char* to_string(ComplianceStatus status) {
  switch (status) {
    case ComplianceStatus::on_time:
      return "on_time";
    case ComplianceStatus::late:
      return "late";
    case ComplianceStatus::missed:
      return "missed";
  }
  return "unknown";
}

Result<void> CheckIns::authorize(const User& by, Action action, const std::string& holder_id) {
  if (is_check_in_action(action) && allowed(by.role, action)) return {};
  AuditedCalls calls{store_, batcher_, clock_};
  return calls.refused<void>(by, action, Note{holder_id, ""});
}

Result<CheckInAnswer> CheckIns::check_in_with_card(const User& by, const std::string& office_id,
                                                   const Verification& card) {
  const Action action = Action::check_in_card;
  AuditedCalls calls{store_, batcher_, clock_};
  const std::string document = card.claims ? card.claims->holder.document_number : "";
  if (!allowed(by.role, action))
    return calls.refused<CheckInAnswer>(by, action, Note{"", document});
  // Which holder the card names, for the trail, and its state in the registry.
  auto row = store_.in_read_transaction<std::optional<CardRow>>(
      [&](Tx& tx) -> Result<std::optional<CardRow>> {
        if (document.empty()) return std::optional<CardRow>();
        return tx.get_card(document);
      });
  if (!row)
    return calls.audited_failure<CheckInAnswer>(by, action, Note{"", document}, row.error());
  VerifyResult result = card.result;
  if (result == VerifyResult::valid && *row && (*row)->state != CardState::valid)
    result =
        (*row)->state == CardState::suspended ? VerifyResult::suspended : VerifyResult::revoked;
  const std::string holder = *row ? (*row)->holder_id : "";
  if (result != VerifyResult::valid || !*row) {
    const bool stated = result == VerifyResult::revoked || result == VerifyResult::suspended;
    const std::string name = result == VerifyResult::valid ? "UNKNOWN_CARD" : to_string(result);
    auto events = calls.events_for(by, action, Note{holder, document}, name);
    if (auto a = batcher_.record(std::move(events)); !a) return std::unexpected(a.error());
    return fail(stated ? Errc::conflict : Errc::invalid_argument, name);
  }
  // A kiosk stands in its account's office: the check-in records it unless
  // the request names one.
  const bool kiosk = by.role == Role::kiosk;
  const std::string& office = kiosk && office_id.empty() ? by.office_id : office_id;
  return record(by, action, kiosk ? CheckInMethod::kiosk : CheckInMethod::officer, holder, office,
                document);
}

Result<CheckInAnswer> CheckIns::check_in_online(const User& holder) {
  const Action action = Action::check_in_own;
  auto own = own_holder_id(holder);
  if (!own) {
    AuditedCalls calls{store_, batcher_, clock_};
    return calls.refused<CheckInAnswer>(holder, action, Note{});
  }
  return record(holder, action, CheckInMethod::online, *own, "", "");
}

Result<CheckInAnswer> CheckIns::check_in_for(const User& officer, const std::string& holder_id,
                                             const std::string& office_id) {
  return record(officer, Action::check_in_holder, CheckInMethod::officer, holder_id, office_id, "");
}

Result<CheckInAnswer> CheckIns::record(const User& by, Action action, CheckInMethod method,
                                       const std::string& holder_id, const std::string& office_id,
                                       const std::string& document_number) {
  AuditedCalls calls{store_, batcher_, clock_};
  return calls.audited<CheckInAnswer>(
      by, action, Note{holder_id, document_number},
      [&](Tx& tx, Note& note) -> Result<CheckInAnswer> {
        auto h = tx.get_holder(holder_id);
        if (!h) return std::unexpected(h.error());
        if (!*h) return fail(Errc::not_found, "no holder " + holder_id);
        OfficeZones offices(tx);
        if (!office_id.empty()) {
          auto o = offices.get(office_id);
          if (!o) return std::unexpected(o.error());
          if (!*o) return fail(Errc::not_found, "no office " + office_id);
        }
        auto appointments = tx.appointments_of_holder(holder_id);
        if (!appointments) return std::unexpected(appointments.error());
        const UnixTime now = clock_.now();
        auto m = match(*appointments, now, offices, zones_);
        if (!m) return std::unexpected(m.error());
        Bytes id(8);
        random_.fill(id);
        CheckInAnswer out;
        CheckInRow& r = out.check_in;
        r.id = "ci-" + hex_encode(id);
        r.holder_id = holder_id;
        r.office_id = office_id;
        r.at = now;
        r.method = method;
        r.appointment_id = m->appointment_id;
        r.outcome = m->outcome;
        r.recorded_by = by.id;
        if (auto w = tx.insert_check_in(r); !w) return std::unexpected(w.error());
        auto next = next_after(*appointments, r.appointment_id, now, offices);
        if (!next) return std::unexpected(next.error());
        out.next = std::move(*next);
        note.detail = r.id + " " + to_string(r.outcome) +
                      (document_number.empty() ? "" : " " + document_number);
        return out;
      });
}

Result<std::vector<CheckInRow>> CheckIns::history(const User& by, const std::string& holder_id) {
  AuditedCalls calls{store_, batcher_, clock_, true};
  return calls.audited_read<std::vector<CheckInRow>>(
      by, Action::read_compliance, Note{holder_id, "check-in history"},
      [&](Tx& tx, Note&) -> Result<std::vector<CheckInRow>> {
        auto h = tx.get_holder(holder_id);
        if (!h) return std::unexpected(h.error());
        if (!*h) return fail(Errc::not_found, "no holder " + holder_id);
        auto rows = tx.check_ins_of_holder(holder_id);
        if (!rows) return std::unexpected(rows.error());
        std::reverse(rows->begin(), rows->end());
        return std::move(*rows);
      });
}

Result<Compliance> CheckIns::compliance(const User& by, const std::string& holder_id) {
  AuditedCalls calls{store_, batcher_, clock_};
  return calls.audited_read<Compliance>(
      by, Action::read_compliance, Note{holder_id, ""}, [&](Tx& tx, Note&) -> Result<Compliance> {
        auto h = tx.get_holder(holder_id);
        if (!h) return std::unexpected(h.error());
        if (!*h) return fail(Errc::not_found, "no holder " + holder_id);
        auto appointments = tx.appointments_of_holder(holder_id);
        if (!appointments) return std::unexpected(appointments.error());
        auto check_ins = tx.check_ins_of_holder(holder_id);
        if (!check_ins) return std::unexpected(check_ins.error());
        const UnixTime now = clock_.now();
        OfficeZones offices(tx);
        Compliance out;
        out.holder_id = holder_id;
        std::map<std::string, const CheckInRow*> first;  // by appointment
        for (const CheckInRow& c : *check_ins) {         // by time
          out.last_check_in = c.at;
          if (c.appointment_id.empty()) {
            ++out.without_appointment;
            continue;
          }
          first.emplace(c.appointment_id, &c);
        }
        for (const AppointmentRow& a : *appointments) {
          if (a.state != AppointmentState::booked || a.starts_at > now) continue;
          ComplianceEntry e;
          e.appointment = a;
          if (auto c = first.find(a.id); c != first.end()) {
            e.status = c->second->outcome == CheckInOutcome::late ? ComplianceStatus::late
                                                                  : ComplianceStatus::on_time;
            e.check_in_id = c->second->id;
            e.checked_in_at = c->second->at;
          } else {
            // Missed once the office's day of the appointment is over.
            auto office = offices.get(a.office_id);
            if (!office) return std::unexpected(office.error());
            const std::string zone = *office ? (*office)->time_zone : "UTC";
            auto day = local_day(zones_, zone, a.starts_at);
            auto today = local_day(zones_, zone, now);
            if (day && today && *today <= *day) continue;  // still today: not decided
            e.status = ComplianceStatus::missed;
          }
          ++(e.status == ComplianceStatus::on_time ? out.on_time
             : e.status == ComplianceStatus::late  ? out.late
                                                   : out.missed);
          out.appointments.push_back(std::move(e));
        }
        return out;
      });
}

}  // namespace sdc::registry
