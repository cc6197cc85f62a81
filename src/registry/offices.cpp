#include "sdc/registry/offices.h"

#include <cctype>

#include "sdc/registry/admin_audit.h"
#include "sdc/util/bytes.h"

namespace sdc::registry {

namespace {

bool valid_phone(const std::string& s) {
  if (s.size() > 40) return false;
  for (char c : s)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '+' || c == '-' ||
          c == '(' || c == ')' || c == '.'))
      return false;
  return true;
}

bool printable(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

Result<void> check_office(const OfficeInput& in, const TimeZones& zones) {
  std::string problems;  // a line per bad field
  auto add = [&](const char* p) { problems += (problems.empty() ? "" : "\n") + std::string(p); };
  if (in.name.empty() || in.name.size() > 200 || !printable(in.name))
    add("name: 1 to 200 printable characters");
  if (in.address.size() > 500 || !printable(in.address))
    add("address: up to 500 printable characters");
  if (!zones.known(in.time_zone))
    add("time_zone: not a known IANA time zone name (e.g. America/Chicago)");
  if (!valid_phone(in.phone)) add("phone: up to 40 digits, spaces and + - ( ) .");
  if (!problems.empty()) return fail(Errc::invalid_argument, problems);
  return {};
}

Result<void> Offices::authorize(const User& by, AdminAction action, const std::string& office_id) {
  return authorize_admin(store_, by, action, office_id.empty() ? "" : "office " + office_id,
                         clock_.now());
}

Result<OfficeRow> Offices::create(const OfficeInput& in, const User* by) {
  if (!by) return insert(in, nullptr);
  if (auto ok = authorize_admin(store_, *by, AdminAction::create_office, "", clock_.now()); !ok)
    return std::unexpected(ok.error());
  auto made = insert(in, by);
  if (!made)
    return std::unexpected(audit_admin_failure(store_, *by, AdminAction::create_office,
                                               made.error(), "", clock_.now()));
  return made;
}

Result<OfficeRow> Offices::insert(const OfficeInput& in, const User* by) {
  if (auto c = check_office(in, zones_); !c) return std::unexpected(c.error());
  const UnixTime now = clock_.now();
  Bytes id(8);
  random_.fill(id);
  OfficeRow row{"o-" + hex_encode(id), in.name, in.address, in.time_zone, in.phone, now, now};
  auto w = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_office(row); !r) return std::unexpected(r.error());
    if (by)
      if (auto a = audit_admin_change(tx, *by, AdminAction::create_office, "office " + row.id, now);
          !a)
        return std::unexpected(a.error());
    return true;
  });
  if (!w) return std::unexpected(w.error());
  return row;
}

Result<std::vector<OfficeRow>> Offices::list() {
  return store_.in_read_transaction<std::vector<OfficeRow>>(
      [](Tx& tx) { return tx.list_offices(); });
}

Result<OfficeRow> Offices::get(const std::string& id) {
  auto row = store_.in_read_transaction<std::optional<OfficeRow>>(
      [&](Tx& tx) { return tx.get_office(id); });
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, "no office with id " + id);
  return std::move(**row);
}

Result<OfficeRow> Offices::update(const std::string& id, const OfficeChange& change,
                                  const User& by) {
  const std::string detail = "office " + id;
  if (auto ok = authorize_admin(store_, by, AdminAction::update_office, detail, clock_.now()); !ok)
    return std::unexpected(ok.error());
  auto r = apply(id, change, by);
  if (!r)
    return std::unexpected(audit_admin_failure(store_, by, AdminAction::update_office, r.error(),
                                               detail, clock_.now()));
  return r;
}

Result<OfficeRow> Offices::apply(const std::string& id, const OfficeChange& change,
                                 const User& by) {
  const UnixTime now = clock_.now();
  std::string fields;
  auto apply = [&](const std::optional<std::string>& given, std::string& field, const char* name) {
    if (!given) return;
    field = *given;
    fields += fields.empty() ? ": " : ", ";
    fields += name;
  };
  return store_.in_transaction<OfficeRow>([&](Tx& tx) -> Result<OfficeRow> {
    fields.clear();  // a retry starts afresh
    auto current = tx.get_office(id);
    if (!current) return std::unexpected(current.error());
    if (!*current) return fail(Errc::not_found, "no office with id " + id);
    OfficeRow row = **current;
    OfficeInput in{row.name, row.address, row.time_zone, row.phone};
    apply(change.name, in.name, "name");
    apply(change.address, in.address, "address");
    apply(change.time_zone, in.time_zone, "time_zone");
    apply(change.phone, in.phone, "phone");
    if (auto c = check_office(in, zones_); !c) return std::unexpected(c.error());
    row.name = in.name;
    row.address = in.address;
    row.time_zone = in.time_zone;
    row.phone = in.phone;
    row.updated_at = now;
    if (auto r = tx.update_office(row); !r) return std::unexpected(r.error());
    if (auto a =
            audit_admin_change(tx, by, AdminAction::update_office, "office " + id + fields, now);
        !a)
      return std::unexpected(a.error());
    return row;
  });
}

Result<void> Offices::remove(const std::string& id, const User& by) {
  const std::string detail = "office " + id;
  const UnixTime now = clock_.now();
  if (auto ok = authorize_admin(store_, by, AdminAction::delete_office, detail, now); !ok)
    return ok;
  auto done = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.delete_office(id); !r) return std::unexpected(r.error());
    if (auto a = audit_admin_change(tx, by, AdminAction::delete_office, "office " + id, now); !a)
      return std::unexpected(a.error());
    return true;
  });
  if (!done)
    return std::unexpected(
        audit_admin_failure(store_, by, AdminAction::delete_office, done.error(), detail, now));
  return {};
}

}  // namespace sdc::registry
