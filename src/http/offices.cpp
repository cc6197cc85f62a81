#include "http/offices.h"

#include <cctype>
#include <filesystem>

#include "http/admin_audit.h"
#include "sdc/bytes.h"
#include "sdc/crypto.h"

namespace sdc::http {

namespace {

// GCC 12 has no time-zone database in <chrono>: a zone is known when the
// system's tzdata has a file for it. The name is checked first, so it can
// never leave the zoneinfo folder.
bool known_time_zone(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
          c == '+'))
      return false;
  if (name.find("//") != std::string::npos || name.find("..") != std::string::npos) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path("/usr/share/zoneinfo") / name, ec);
}

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

Result<void> check_office(const OfficeInput& in) {
  std::string problems;  // a line per bad field
  auto add = [&](const char* p) { problems += (problems.empty() ? "" : "\n") + std::string(p); };
  if (in.name.empty() || in.name.size() > 200 || !printable(in.name))
    add("name: 1 to 200 printable characters");
  if (in.address.size() > 500 || !printable(in.address))
    add("address: up to 500 printable characters");
  if (!known_time_zone(in.time_zone))
    add("time_zone: not a known IANA time zone name (e.g. America/Chicago)");
  if (!valid_phone(in.phone)) add("phone: up to 40 digits, spaces and + - ( ) .");
  if (!problems.empty()) return fail(Errc::invalid_argument, problems);
  return {};
}

Result<registry::OfficeRow> create_office(registry::Store& store, const OfficeInput& in,
                                          UnixTime now, const registry::User* by) {
  if (auto c = check_office(in); !c) return std::unexpected(c.error());
  Bytes id(8);
  crypto::system_random().fill(id);
  registry::OfficeRow row{
      "o-" + hex_encode(id), in.name, in.address, in.time_zone, in.phone, now, now};
  auto w = store.in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
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

Result<std::vector<registry::OfficeRow>> list_offices(registry::Store& store) {
  return store.in_read_transaction<std::vector<registry::OfficeRow>>(
      [](registry::Tx& tx) { return tx.list_offices(); });
}

Result<registry::OfficeRow> get_office(registry::Store& store, const std::string& id) {
  auto row = store.in_read_transaction<std::optional<registry::OfficeRow>>(
      [&](registry::Tx& tx) { return tx.get_office(id); });
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, "no office with id " + id);
  return std::move(**row);
}

Result<registry::OfficeRow> update_office(registry::Store& store, const std::string& id,
                                          const OfficeChange& change, UnixTime now,
                                          const registry::User& by) {
  std::string fields;
  auto apply = [&](const std::optional<std::string>& given, std::string& field, const char* name) {
    if (!given) return;
    field = *given;
    fields += fields.empty() ? ": " : ", ";
    fields += name;
  };
  return store.in_transaction<registry::OfficeRow>(
      [&](registry::Tx& tx) -> Result<registry::OfficeRow> {
        fields.clear();  // a retry starts afresh
        auto current = tx.get_office(id);
        if (!current) return std::unexpected(current.error());
        if (!*current) return fail(Errc::not_found, "no office with id " + id);
        registry::OfficeRow row = **current;
        OfficeInput in{row.name, row.address, row.time_zone, row.phone};
        apply(change.name, in.name, "name");
        apply(change.address, in.address, "address");
        apply(change.time_zone, in.time_zone, "time_zone");
        apply(change.phone, in.phone, "phone");
        if (auto c = check_office(in); !c) return std::unexpected(c.error());
        row.name = in.name;
        row.address = in.address;
        row.time_zone = in.time_zone;
        row.phone = in.phone;
        row.updated_at = now;
        if (auto r = tx.update_office(row); !r) return std::unexpected(r.error());
        if (auto a = audit_admin_change(tx, by, AdminAction::update_office, "office " + id + fields,
                                        now);
            !a)
          return std::unexpected(a.error());
        return row;
      });
}

Result<void> delete_office(registry::Store& store, const std::string& id, UnixTime now,
                           const registry::User& by) {
  auto done = store.in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
    if (auto r = tx.delete_office(id); !r) return std::unexpected(r.error());
    if (auto a = audit_admin_change(tx, by, AdminAction::delete_office, "office " + id, now); !a)
      return std::unexpected(a.error());
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace sdc::http
