// Court hearings: the court calendar loaded into the registry (schema
// version 6) and read per holder. A hearing belongs to an A-number, stored
// only as its keyed lookup hash (pii.h): hearings of someone not yet
// enrolled are kept and show once they enrol. Who may do what is
// allowed() (types.h): enrollment officers import; enrollment officers and
// auditors read every hearing of a holder, field officers the next one.
// Every call is audited, refusals included; audit records carry counts and
// ids, never an A-number or a court's details. docs/HEARINGS.md.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sdc/registry/hearing_import.h"
#include "sdc/registry/pii.h"
#include "sdc/registry/store.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// A hearing as the registry answers it. `previous` is set once the date or
// court changed ("changed on changed_at, was ...").
struct Hearing {
  struct Before {
    UnixTime starts_at = 0;
    std::string time_zone;
    std::string court_name;
    std::string court_address;

    bool operator==(const Before&) const = default;
  };

  std::string id;
  std::string hearing_id;  // the court's
  UnixTime starts_at = 0;  // UTC
  std::string time_zone;   // the court's; starts_at is shown in it
  std::string court_name;
  std::string court_address;
  std::string judge;
  std::string hearing_type;
  std::string status;
  UnixTime changed_at = 0;  // when the date or court last changed; 0 never
  std::optional<Before> previous;
  UnixTime updated_at = 0;

  bool operator==(const Hearing&) const = default;
};

// What an import did. Every calendar row is one of added, changed,
// unchanged or rejected; `moved` counts the changed rows whose date or
// court changed (flagged to the holder), `unmatched` the kept rows whose
// A-number no enrolled holder has yet.
struct ImportSummary {
  std::size_t rows = 0;
  std::size_t added = 0;
  std::size_t changed = 0;
  std::size_t moved = 0;
  std::size_t unchanged = 0;
  std::size_t unmatched = 0;
  std::vector<RejectedRow> rejected;
};

// Thread-safe. Everything given must outlive the Hearings.
class Hearings {
 public:
  Hearings(Store& store, const PiiCipher& cipher, const Clock& clock, Random& random)
      : store_(store), cipher_(cipher), clock_(clock), random_(random) {}

  // Whether `by` may do `action` (one of the hearing actions); a refusal is
  // audited and returned as Errc::forbidden, so that a caller can refuse
  // before it reads a request.
  Result<void> authorize(const User& by, Action action, const std::string& holder_id = {});

  // Stores the calendar's good rows in one transaction with its audit
  // records: one of the import (counts only) and one per enrolled holder
  // whose hearings were added or changed. A hearing is the court's
  // hearing_id for one A-number: one already stored with the same values
  // is unchanged, so importing a calendar twice changes nothing the second
  // time. A changed date or court keeps the values before and the time of
  // the change. The calendar's rejected rows are passed through.
  Result<ImportSummary> import(const ParsedCalendar& calendar, const User& by);

  // Every hearing of the holder, by date (Action::read_hearings), audited as
  // a read of the holder's record. Errc::not_found for an unknown holder.
  Result<std::vector<Hearing>> for_holder(const std::string& holder_id, const User& by);

  // The holder's next hearing (Action::read_next_hearing): the earliest
  // one still scheduled (not adjourned, cancelled or completed) whose
  // start is less than an hour before `now`, as an officer checking a card
  // needs it; nullopt if there is none. Audited as a read of the holder's record.
  Result<std::optional<Hearing>> next_for_holder(const std::string& holder_id, const User& by,
                                                 UnixTime now);

 private:
  Result<std::vector<HearingRow>> rows_of(const std::string& holder_id, const User& by,
                                          Action action);
  Error audited_failure(const User& by, Action action, const std::string& holder_id,
                        const Error& error, const std::string& detail = {});

  Store& store_;
  const PiiCipher& cipher_;
  const Clock& clock_;
  Random& random_;
};

// A hearing as answered, from its row.
Hearing hearing_from_row(const HearingRow& row);

}  // namespace sdc::registry
