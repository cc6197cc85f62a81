#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "sdc/credential/pki.h"
#include "sdc/credential/status_list.h"
#include "sdc/credential/trust.h"
#include "sdc/util/file.h"

namespace sdc::cli {

namespace {

struct BuildArgs {
  std::string keys, uri, now, input, out;
  std::uint64_t size = 0;
  std::uint64_t ttl = 3600;
  std::int64_t valid_for = 86400;
};

// Reads {"index": i, "value": v} lines; the error names the line.
Result<void> read_entries(std::istream& in, StatusList& list) {
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto where = "line " + std::to_string(n) + ": ";
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return fail(Errc::invalid_argument, where + "not a JSON object");
    auto idx = j.find("index");
    auto val = j.find("value");
    if (idx == j.end() || !idx->is_number_unsigned())
      return fail(Errc::invalid_argument, where + "\"index\" must be a whole number");
    if (val == j.end() || !val->is_number_unsigned() || val->get<std::uint64_t>() > 2)
      return fail(Errc::invalid_argument,
                  where + "\"value\" must be 0 (valid), 1 (invalid) or 2 (suspended)");
    auto i = idx->get<std::uint64_t>();
    if (i >= list.size())
      return fail(Errc::invalid_argument, where + "index " + std::to_string(i) +
                                              " lies outside the list of " +
                                              std::to_string(list.size()));
    list.set(i, static_cast<std::uint8_t>(val->get<std::uint64_t>()));
  }
  return {};
}

}  // namespace

void register_status(CLI::App& app) {
  auto* status = app.add_subcommand("status", "Build and inspect validity Status List Tokens");
  status->require_subcommand(1);

  auto* build = status->add_subcommand(
      "build", "Sign a validity list from {\"index\": i, \"value\": v} lines (stdin or --input)");
  auto a = std::make_shared<BuildArgs>();
  build->add_option("--keys", a->keys, "The issuer's key folder")->required();
  build->add_option("--size", a->size, "Number of entries (a multiple of 4)")->required();
  build->add_option("--uri", a->uri, "The list's uri (the cards' status uri)")->required();
  build->add_option("--ttl", a->ttl, "Seconds until verifiers should fetch again")
      ->capture_default_str();
  build->add_option("--valid-for", a->valid_for, "Seconds until the list expires")
      ->capture_default_str();
  build->add_option("--input", a->input, "Read entries from this file instead of stdin");
  build->add_option("--out", a->out, "Write the token here (default: stdout)");
  add_now_option(build, a->now);
  on_run(build, [a] {
    auto now = resolve_now(a->now);
    if (!now) return usage_error(now.error());
    if (a->size > (std::uint64_t{1} << 28)) return usage_error("--size: at most 268435456 entries");
    auto list = StatusList::create(a->size);
    if (!list) return usage_error("--size: " + list.error().message);
    if (a->valid_for <= 0) return usage_error("--valid-for: a positive number of seconds");
    PkiFolder folder(a->keys);
    auto signer = load_signer(folder);
    if (!signer) return usage_error(signer.error());
    Result<void> read;
    if (a->input.empty()) {
      read = read_entries(std::cin, *list);
    } else {
      std::ifstream in(a->input);
      if (!in) return usage_error("cannot open " + a->input);
      read = read_entries(in, *list);
    }
    if (!read) return usage_error(read.error());
    StatusListClaims claims{a->uri, *now, *now + a->valid_for, a->ttl};
    auto token = build_status_list_token(*list, claims, *signer);
    if (!token) return usage_error(token.error());
    if (a->out.empty()) {
      std::cout.write(reinterpret_cast<const char*>(token->data()),
                      static_cast<std::streamsize>(token->size()));
      return int{kOk};
    }
    if (auto w = write_file_atomic(a->out, as_chars(*token)); !w) return usage_error(w.error());
    print_json({{"file", a->out},
                {"uri", a->uri},
                {"issued_at", format_time(claims.iat)},
                {"expires_at", format_time(claims.exp)},
                {"ttl", a->ttl},
                {"size", list->size()},
                {"bytes", token->size()}});
    return int{kOk};
  });

  auto* show =
      status->add_subcommand("show", "Print a validity list's claims, counts and non-zero entries");
  auto file = std::make_shared<std::string>();
  auto root = std::make_shared<std::string>();
  auto signers = std::make_shared<std::string>();
  show->add_option("file", *file, "The Status List Token")->required();
  show->add_option("--root", *root, "Check the signature against this root ...");
  show->add_option("--signers", *signers, "... and this signer bundle");
  on_run(show, [=] {
    auto data = read_file(*file, 80u << 20);
    if (!data) return usage_error(data.error());
    auto token = parse_status_list_token_unverified(as_bytes(*data));
    if (!token) return usage_error(*file + ": " + token.error().message);
    nlohmann::json out = {{"uri", token->claims.uri},
                          {"issued_at", format_time(token->claims.iat)},
                          {"expires_at", format_time(token->claims.exp)},
                          {"kid", hex_encode(token->kid)},
                          {"bits", 2},
                          {"size", token->list.size()},
                          {"bytes", data->size()}};
    if (token->claims.ttl) out["ttl"] = *token->claims.ttl;
    std::uint64_t counts[4] = {};
    nlohmann::json entries = nlohmann::json::array();
    for (std::size_t i = 0; i < token->list.size(); ++i) {
      auto v = token->list.get(i);
      ++counts[v];
      if (v != 0) entries.push_back({{"index", i}, {"value", v}});
    }
    out["counts"] = {{"valid", counts[0]},
                     {"invalid", counts[1]},
                     {"suspended", counts[2]},
                     {"undefined", counts[3]}};
    out["entries"] = std::move(entries);
    if (!root->empty() || !signers->empty()) {
      if (root->empty() || signers->empty()) return usage_error("--root and --signers go together");
      auto trust = TrustStore::from_files(*root, *signers);
      if (!trust) return usage_error(trust.error());
      auto checked = load_status_list_token(as_bytes(*data), *trust);
      out["signature"] = checked ? "VALID" : "NOT_TRUSTED";
      if (!checked) out["signature_problem"] = checked.error().message;
    } else {
      out["signature"] = "NOT_CHECKED";
    }
    print_json(out);
    return int{kOk};
  });
}

}  // namespace sdc::cli
