// The demo registry of `sdcd demo`. The 555 telephone numbers are reserved
// for fiction; the holders are specimens, not real people.
#include "sdc/http/demo_seed.h"

#include "sdc/card/portrait.h"

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

// Fictional offices in real time zones.
struct DemoOffice {
  const char *name, *address, *time_zone, *phone;
};
constexpr DemoOffice kOffices[] = {
    {"Specimen Field Office East", "100 Specimen Plaza, Newark", "America/New_York",
     "+1 201 555 0100"},
    {"Specimen Field Office Central", "200 Sample Avenue, Chicago", "America/Chicago",
     "+1 312 555 0100"},
    {"Specimen Field Office West", "300 Example Street, Los Angeles", "America/Los_Angeles",
     "+1 213 555 0100"},
};

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
  registry::User officer;
  for (const auto& u : kUsers) {
    auto made = server.add_user(u.name, u.password, u.role);
    if (!made) return std::unexpected(made.error());
    if (u.role == Role::enrollment_officer) officer = *made;
    logins.push_back({u.name, u.password, u.role});
  }
  for (const auto& o : kOffices)
    if (auto r = server.add_office(o.name, o.address, o.time_zone, o.phone); !r)
      return std::unexpected(r.error());
  const Portrait portrait = specimen_portrait();
  for (const auto& s : kHolders) {
    registry::HolderInput in{
        s.a_number, s.family,      s.given,       s.date_of_birth,
        s.sex,      s.nationality, portrait.jpeg, "SPECIMEN - not a real person",
        s.language};
    auto h = server.registry().enroll(officer, in);
    if (!h) return std::unexpected(h.error());
    auto c = server.registry().issue_card(officer, h->id);
    if (!c) return std::unexpected(c.error());
  }
  return logins;
}

}  // namespace sdc::http
