// libFuzzer target for the audit checkpoint file (sdc/registry/audit.h):
// parse_audit_checkpoints on arbitrary text. It must return checkpoints or
// an error naming the line, never throw, crash or hang; checkpoints it
// returns are in chain order with 32-byte hashes, and signing them again
// gives a file that reads back to the same checkpoints.
//
// The checkpoint key is a fixed one (kSeedHex), so that the seed corpus
// (fuzz/seeds/audit_checkpoint_fuzz/) can hold lines it really signed and
// the fuzzer reaches past the signature check by mutating their fields.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "sdc/util/bytes.h"
#include "sdc/util/file.h"
#include "sdc/registry/audit.h"

namespace {

constexpr const char* kSeedHex = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

const sdc::registry::CheckpointKey& key() {
  static const sdc::registry::CheckpointKey k = [] {
    auto path = std::filesystem::temp_directory_path() /
                ("sdc-checkpoint-fuzz-" + std::to_string(::getpid()) + ".key");
    if (!sdc::write_file_atomic(path, std::string(kSeedHex) + "\n", sdc::FileMode::owner_only))
      __builtin_trap();
    auto loaded = sdc::registry::CheckpointKey::load(path);
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (!loaded) __builtin_trap();
    return *loaded;
  }();
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cps = sdc::registry::parse_audit_checkpoints(text, key().public_key());
  if (!cps) {
    if (cps.error().message.rfind("checkpoint file line ", 0) != 0) __builtin_trap();
    return 0;
  }
  std::uint64_t last = 0;
  for (const auto& cp : *cps) {
    if (cp.hash.size() != 32 || cp.seq < last) __builtin_trap();
    last = cp.seq;
  }
  // Re-sign what was read: the same checkpoints must come back.
  std::string resigned;
  for (const auto& cp : *cps) {
    std::string hash_hex = sdc::hex_encode(cp.hash);
    std::string message = "sdc-audit-checkpoint-v1\n" + std::to_string(cp.seq) + "\n" + hash_hex +
                          "\n" + std::to_string(cp.at) + "\n";
    resigned += "sdc-audit-checkpoint-v1 " + std::to_string(cp.seq) + " " + hash_hex + " " +
                std::to_string(cp.at) + " " + sdc::hex_encode(key().sign(sdc::as_bytes(message))) +
                "\n";
  }
  auto again = sdc::registry::parse_audit_checkpoints(resigned, key().public_key());
  if (!again || again->size() != cps->size()) __builtin_trap();
  for (std::size_t i = 0; i < cps->size(); ++i)
    if ((*again)[i].seq != (*cps)[i].seq || (*again)[i].hash != (*cps)[i].hash ||
        (*again)[i].at != (*cps)[i].at)
      __builtin_trap();
  return 0;
}
