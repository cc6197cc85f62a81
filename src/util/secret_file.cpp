#include "sdc/util/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sdc {

namespace {

void wipe(std::string& s) {
  ::explicit_bzero(s.data(), s.size());
  s.clear();
}

}  // namespace

WipeOnExit::~WipeOnExit() {
  wipe(secret_);
}

Result<std::string> read_secret_file(const std::filesystem::path& path, std::size_t max_size) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return fail(Errc::not_found, path.string() + ": no such file");
    return fail(Errc::io, path.string() + ": cannot open it: " + std::strerror(e));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return fail(Errc::io, path.string() + ": cannot stat it: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return fail(Errc::invalid_argument, path.string() + ": not a regular file");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fail(Errc::crypto,
                path.string() + ": group or others may read it (mode " + mode + "); chmod 600 it");
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  auto too_large = [&] {
    return fail(Errc::limit,
                path.string() + ": larger than " + std::to_string(max_size) + " bytes");
  };
  if (size > max_size) return too_large();
  // Reserved up front so that growing leaves no copy of the secret behind.
  constexpr std::size_t kChunk = 4096;
  std::string data;
  data.reserve(size + kChunk);
  char buf[kChunk];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::explicit_bzero(buf, sizeof buf);
      wipe(data);
      return fail(Errc::io, path.string() + ": cannot read it: " + std::strerror(e));
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > max_size) {
      ::explicit_bzero(buf, sizeof buf);
      wipe(data);
      return too_large();
    }
  }
  ::explicit_bzero(buf, sizeof buf);
  return data;
}

}  // namespace sdc
