// Demo data for `sdcd demo`: users of every role, fictional offices and
// specimen holders with cards, so the service can be tried at once.
#pragma once

#include <string>
#include <vector>

#include "sdc/http/server.h"
#include "sdc/registry/types.h"
#include "sdc/util/error.h"

namespace sdc::http {

// A demo account, for the caller to show the person trying the service.
struct DemoLogin {
  std::string username;
  std::string password;
  registry::Role role;
};

// Seeds a freshly initialised registry through `server`: an account of
// every role (fixed, published passwords: demo data only), three fictional
// offices in three time zones with opening hours, and three specimen
// holders (fictional people with the drawn specimen portrait), each
// enrolled by the demo enrollment officer, issued a card and given a
// reporting requirement; the first has booked an appointment, and the court
// calendar holds a hearing for each (one of them moved). Returns the
// accounts made, in order, and last the first holder's portal login: the
// card's document number as username, its PIN (printed once, as in a PIN
// letter) as password, role holder. Stops at the first
// error and returns it (for instance a demo username already taken: seed a
// registry once). Call before serving, from one thread; `server` is only
// borrowed.
Result<std::vector<DemoLogin>> seed_demo(Server& server);

}  // namespace sdc::http
