// zlib (RFC 1950) with bounded inflation.
#pragma once

#include <cstddef>

#include "sdc/util/bytes.h"

namespace sdc {

// `level` 0 (stored blocks: no compression work, 5 bytes per 64 KiB block
// more) to 9 (smallest).
Bytes zlib_compress(ByteView data, int level = 9);

// Inflates one complete zlib stream. Fails (Errc::limit) when the output
// would exceed `max_output`, and (Errc::parse) on a broken or truncated
// stream or on any bytes after the end of the stream.
Result<Bytes> zlib_inflate(ByteView data, std::size_t max_output);

}  // namespace sdc
