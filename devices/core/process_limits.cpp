#include "devices/core/process_limits.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "devices/core/errors.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define CIMKIT_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CIMKIT_UNDER_ASAN 1
#endif
#endif

namespace cimkit {

void limit_address_space(std::size_t bytes) {
#if defined(CIMKIT_UNDER_ASAN)
    (void)bytes;
#else
    if (bytes == 0) return;
    const rlimit limit{bytes, bytes};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) throw Error(std::string("cannot limit the address space: ") + std::strerror(errno));
#endif
}

}  // namespace cimkit
