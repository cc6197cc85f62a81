#include "cli/commands.h"
#include "cli/options.h"
#include "sdc/credential/mrz.h"

namespace sdc::cli {

void register_mrz(CLI::App& app) {
  auto* cmd = app.add_subcommand("mrz", "Print the TD1 machine-readable zone for raw fields");
  auto file = std::make_shared<std::string>();
  cmd->add_option("--json", *file,
                  "A JSON object: document_code, issuing_state, document_number, optional_data_1, "
                  "date_of_birth, sex, date_of_expiry, nationality, optional_data_2, "
                  "primary_identifier, secondary_identifier")
      ->required();
  on_run(cmd, [file] {
    auto text = read_text_file(*file);
    if (!text) return usage_error(text.error());
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return usage_error(*file + ": not a JSON object");
    MrzFields f;
    for (auto [name, field] : {std::pair{"document_code", &f.document_code},
                               {"issuing_state", &f.issuing_state},
                               {"document_number", &f.document_number},
                               {"optional_data_1", &f.optional_data_1},
                               {"date_of_birth", &f.date_of_birth},
                               {"sex", &f.sex},
                               {"date_of_expiry", &f.date_of_expiry},
                               {"nationality", &f.nationality},
                               {"optional_data_2", &f.optional_data_2},
                               {"primary_identifier", &f.primary_identifier},
                               {"secondary_identifier", &f.secondary_identifier}}) {
      auto it = j.find(name);
      if (it == j.end()) continue;
      if (!it->is_string()) return usage_error(std::string(name) + ": expected a string");
      *field = it->get<std::string>();
    }
    auto lines = mrz_td1(f);
    if (!lines) return usage_error(lines.error());
    print_json({{"mrz", {(*lines)[0], (*lines)[1], (*lines)[2]}}});
    return int{kOk};
  });
}

}  // namespace sdc::cli
