#include "sdc/util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace sdc {

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open " + path.string() + ": " + std::strerror(errno));
  std::string data;
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_size)
      return fail(Errc::limit, path.string() + " is larger than " + std::to_string(max_size) +
                                   " bytes");
  }
  if (in.bad()) return fail(Errc::io, "cannot read " + path.string());
  return data;
}

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view data,
                               FileMode mode) {
  auto tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<int>(mode));
  if (fd < 0) return fail(Errc::io, "cannot create " + tmp.string() + ": " + std::strerror(errno));
  ::fchmod(fd, static_cast<mode_t>(mode));  // the umask must not widen or narrow it
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(Errc::io, "cannot write " + path.string() + ": " + std::strerror(e));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return fail(Errc::io, "cannot flush " + path.string());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return fail(Errc::io, "cannot rename into " + path.string() + ": " + std::strerror(e));
  }
  return {};
}

}  // namespace sdc
