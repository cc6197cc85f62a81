// The holder's portrait as sdc issue takes it: checked and normalised when
// it is a photo, and the bytes whose SHA-256 goes into the card.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sdc/bytes.h"
#include "sdc/crypto.h"

namespace sdc::cli {

struct PortraitInput {
  Bytes jpeg;              // the enrolled (normalised) portrait
  crypto::Digest sha256{};  // of `jpeg`
  Bytes thumbnail;         // grayscale JPEG for claim 10, may be empty
};

Result<PortraitInput> load_portrait_input(const std::filesystem::path& path);

// The drawn SPECIMEN silhouette, as a normalised portrait.
PortraitInput specimen_portrait();

// Renders `card` (what sdc issue prints) into `dir`.
Result<void> render_issued_card(const nlohmann::json& card, const PortraitInput& portrait,
                                const std::filesystem::path& dir);

}  // namespace sdc::cli
