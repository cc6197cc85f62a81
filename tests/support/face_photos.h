// The example photos of the Debian package libdlib19.1 (installed with
// libdlib-dev), read in place and never copied: real faces for the tests
// of portrait intake, without a photo of a person in the repository.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "sdc/util/bytes.h"

namespace sdc::test {

inline const std::filesystem::path kFaces = "/usr/share/doc/libdlib19.1/examples/faces";

inline Bytes read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline Bytes gunzip(const Bytes& gz) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return {};
  Bytes out;
  std::uint8_t buf[1 << 15];
  zs.next_in = const_cast<Bytef*>(gz.data());
  zs.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.insert(out.end(), buf, buf + (sizeof buf - zs.avail_out));
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : Bytes{};
}

// A photo from the package, whether Debian ships it plain or gzip-compressed.
inline Bytes face_photo(const std::string& name) {
  const auto plain = kFaces / name;
  if (std::filesystem::exists(plain)) return read_all(plain);
  const auto gz = kFaces / (name + ".gz");
  if (std::filesystem::exists(gz)) return gunzip(read_all(gz));
  ADD_FAILURE() << "missing " << plain << " (install the Debian package libdlib19.1)";
  return {};
}

}  // namespace sdc::test
