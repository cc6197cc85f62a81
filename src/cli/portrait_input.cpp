#include "cli/portrait_input.h"

#include "sdc/card/card_render.h"
#include "sdc/util/file.h"

namespace sdc::cli {

Result<Portrait> load_portrait_input(const std::filesystem::path& path, PortraitSource source) {
  auto data = read_file(path, 20u << 20);
  if (!data) return std::unexpected(data.error());
  PortraitOptions options;
  options.require_face = source == PortraitSource::photo;
  auto portrait = normalise_portrait(as_bytes(*data), options);
  if (!portrait) return fail(portrait.error().code, path.string() + ": " + portrait.error().message);
  return portrait;
}

Result<void> render_issued_card(const nlohmann::json& card, const Portrait& portrait,
                                const std::filesystem::path& dir) {
  if (auto r = render_card_to_dir(card, portrait.jpeg, dir); !r) return r;
  return write_file_atomic(dir / "portrait.jpg", as_chars(portrait.jpeg));
}

}  // namespace sdc::cli
