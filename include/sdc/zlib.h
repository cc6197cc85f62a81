// zlib (RFC 1950) with bounded inflation.
#pragma once

#include <cstddef>

#include "sdc/bytes.h"

namespace sdc {

Bytes zlib_compress(ByteView data);

// Inflates one complete zlib stream. Fails (Errc::limit) when the output
// would exceed `max_output`, and (Errc::parse) on a broken or truncated
// stream or on any bytes after the end of the stream.
Result<Bytes> zlib_inflate(ByteView data, std::size_t max_output);

}  // namespace sdc
