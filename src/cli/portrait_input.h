// The holder's portrait as sdc issue takes it: checked and normalised into
// the enrolled portrait, whose SHA-256 goes into the card.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sdc/card/portrait.h"

namespace sdc::cli {

enum class PortraitSource {
  photo,     // a photograph: the face is detected, checked and framed
  prepared,  // a drawn or already framed image: centre-cropped to 35:45
};

// Reads and normalises the image at `path`. Refusals name every reason.
Result<Portrait> load_portrait_input(const std::filesystem::path& path, PortraitSource source);

// Renders `card` (what sdc issue prints) into `dir`, with the enrolled portrait.
Result<void> render_issued_card(const nlohmann::json& card, const Portrait& portrait,
                                const std::filesystem::path& dir);

}  // namespace sdc::cli
