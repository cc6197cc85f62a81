#include "cli/portrait_input.h"

#include "sdc/file.h"

namespace sdc::cli {

Result<PortraitInput> load_portrait_input(const std::filesystem::path& path) {
  auto data = read_file(path, 20u << 20);
  if (!data) return std::unexpected(data.error());
  PortraitInput p;
  p.jpeg.assign(data->begin(), data->end());
  p.sha256 = crypto::sha256(p.jpeg);
  return p;
}

PortraitInput specimen_portrait() {
  PortraitInput p;
  p.jpeg.assign({0xFF, 0xD8, 0xFF, 0xD9});
  p.sha256 = crypto::sha256(p.jpeg);
  return p;
}

Result<void> render_issued_card(const nlohmann::json&, const PortraitInput&,
                                const std::filesystem::path&) {
  return fail(Errc::internal, "card rendering is not built in");
}

}  // namespace sdc::cli
