// The demo registry of `sdcd demo`. The 555 telephone numbers are reserved
// for fiction; the holders are specimens, not real people.
#include "sdc/http/demo_seed.h"

#include "sdc/card/portrait.h"
#include "sdc/registry/hearing_import.h"
#include "sdc/util/clock.h"

namespace sdc::http {
namespace {

using registry::Role;

struct DemoUser {
  const char* name;
  const char* password;
  Role role;
};
constexpr DemoUser kUsers[] = {
    {"officer", "demo-officer-pass", Role::enrollment_officer},
    {"field", "demo-field-pass", Role::field_officer},
    {"screener", "demo-screener-pass", Role::checkpoint_screener},
    {"kiosk", "demo-kiosk-pass", Role::kiosk},
    {"auditor", "demo-auditor-pass", Role::auditor},
    {"demoadmin", "demo-admin-pass", Role::administrator},
};

// Fictional offices in real time zones: one with daylight-saving time, two
// without. Open Monday to Friday, 08:00 to 16:00 on their own clocks.
struct DemoOffice {
  const char *name, *address, *time_zone, *phone;
  int slot_minutes, slot_capacity;
};
constexpr DemoOffice kOffices[] = {
    {"Specimen Field Office East", "100 Specimen Plaza, Newark", "America/New_York",
     "+1 201 555 0100", 20, 3},
    {"Specimen Field Office Southwest", "200 Sample Avenue, Phoenix", "America/Phoenix",
     "+1 602 555 0100", 30, 2},
    {"Specimen Field Office Pacific", "300 Example Street, Honolulu", "Pacific/Honolulu",
     "+1 808 555 0100", 30, 2},
};

// YYYY-MM-DD of `days` after `t`'s UTC date.
std::string date_after(UnixTime t, int days) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(t / 86400 + days, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

struct DemoHolder {
  const char *a_number, *family, *given, *date_of_birth, *sex, *nationality, *language;
};
constexpr DemoHolder kHolders[] = {
    {"A201-555-001", "SPECIMEN", "ANNA MARIA", "1974-08-12", "F", "UTO", "sv"},
    {"A201-555-002", "MUSTERMANN", "ERIKA", "1988-03-XX", "F", "UTO", "de"},
    {"A201-555-003", "PUBLIC", "JOHN Q", "1990-11-30", "M", "UTO", "es"},
};

}  // namespace

Result<std::vector<DemoLogin>> seed_demo(Server& server) {
  std::vector<DemoLogin> logins;
  std::vector<registry::OfficeRow> offices;
  for (const auto& o : kOffices) {
    registry::OfficeInput in{o.name, o.address, o.time_zone, o.phone};
    for (std::size_t d = 0; d < 5; ++d) in.hours[d] = registry::DayHours{8 * 60, 16 * 60};
    in.slot_minutes = o.slot_minutes;
    in.slot_capacity = o.slot_capacity;
    auto r = server.add_office(in);
    if (!r) return std::unexpected(r.error());
    offices.push_back(*r);
  }
  // Officers, the screener and the kiosk work at the first office;
  // the auditor and the administrator at none.
  registry::User officer;
  registry::User field;
  for (const auto& u : kUsers) {
    const bool at_office = u.role != Role::auditor && u.role != Role::administrator;
    auto made = server.add_user(u.name, u.password, u.role, at_office ? offices.front().id : "");
    if (!made) return std::unexpected(made.error());
    if (u.role == Role::enrollment_officer) officer = *made;
    if (u.role == Role::field_officer) field = *made;
    logins.push_back({u.name, u.password, u.role});
  }
  const Portrait portrait = specimen_portrait();
  const UnixTime now = server.clock().now();
  std::size_t i = 0;
  DemoLogin holder_login;
  for (const auto& s : kHolders) {
    registry::HolderInput in{
        s.a_number, s.family,      s.given,       s.date_of_birth,
        s.sex,      s.nationality, portrait.jpeg, "SPECIMEN - not a real person",
        s.language};
    auto h = server.registry().enroll(officer, in);
    if (!h) return std::unexpected(h.error());
    auto c = server.registry().issue_card(officer, h->id);
    if (!c) return std::unexpected(c.error());
    // Each holder reports to an office every 30 days, ±5; the first due
    // date is a week away. The first holder has booked the first free slot.
    const registry::OfficeRow& office = offices[i % offices.size()];
    const std::string due = date_after(now, 7);
    auto req = server.scheduling().set_reporting(officer, h->id, {office.id, 30, 5, due});
    if (!req) return std::unexpected(req.error());
    if (i++ == 0) {
      auto free = server.scheduling().free_slots(office.id, req->window_opens, req->window_closes);
      if (!free) return std::unexpected(free.error());
      if (!free->empty())
        if (auto b = server.scheduling().book(officer, h->id, free->front().starts_at); !b)
          return std::unexpected(b.error());
      auto pin = server.holder_logins().issue_pin(officer, h->id);
      if (!pin) return std::unexpected(pin.error());
      holder_login = DemoLogin{c->card.document_number, pin->pin, Role::holder};
      // Their trail shows officers of an office: a field officer checked
      // the card, an enrollment officer read the record.
      if (auto v = server.registry().record_verification(field, c->card.document_number, "valid");
          !v)
        return std::unexpected(v.error());
      if (auto g = server.registry().get_holder(officer, h->id); !g)
        return std::unexpected(g.error());
    }
  }
  // The court calendar: a hearing for each holder in three weeks, the
  // first one then moved a day later (the portal says "changed on ..., was").
  std::string csv =
      "a_number,hearing_id,starts_at,time_zone,court_name,court_address,judge,hearing_type,"
      "status\n";
  auto calendar = [&](int shift) {
    std::string out = csv;
    int n = 0;
    for (const auto& s : kHolders) {
      const bool first = ++n == 1;
      out += std::string(s.a_number) + ",SPEC-" + std::to_string(n) + "," +
             date_after(now, 21 + (first ? shift : 0)) + "T09:00,America/New_York," +
             "Specimen Immigration Court,\"500 Sample Court Road, Newark\",Judge Example," +
             (first ? "individual" : "master") + ",scheduled\n";
    }
    return out;
  };
  for (int shift : {0, 1}) {
    auto parsed = registry::parse_calendar(calendar(shift), registry::CalendarFormat::csv,
                                           server.time_zones());
    if (!parsed) return std::unexpected(parsed.error());
    if (auto r = server.hearings().import(*parsed, officer); !r) return std::unexpected(r.error());
  }
  logins.push_back(holder_login);
  return logins;
}

}  // namespace sdc::http
