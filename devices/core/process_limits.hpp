#pragma once
// The memory limit a child process puts on itself before it runs work that may run away (an ngspice
// worker, a contained subcommand): past it allocations fail inside the child, which then reports or
// dies, instead of the machine swapping.
#include <cstddef>

namespace cimkit {

// Sets RLIMIT_AS, soft and hard, to `bytes`; 0 sets none. Does nothing under AddressSanitizer, whose
// shadow memory reserves terabytes of address space. Throws cimkit::Error with the system's reason.
void limit_address_space(std::size_t bytes);

}  // namespace cimkit
