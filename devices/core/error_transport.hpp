#pragma once
// Carrying an exception from a forked child process to its parent, where it is thrown again as the
// same cimkit type with the same message and fields (stage, origin, line, path). The one format of
// every child cimkit forks: the ngspice worker (circuits/spice/worker.hpp) and the isolated call
// (devices/core/isolated_call.hpp), so both report failures the same way.
//
// Crossing types: SpiceError, NetlistError, IoError, ConvergenceError, UsageError, ParameterError,
// std::bad_alloc; any other exception arrives as cimkit::Error with its message.
#include <exception>
#include <string>

namespace cimkit {

// The bytes describing `error`.
std::string encode_error(std::exception_ptr error);

// Throws the exception `payload` (from encode_error) describes; cimkit::Error if it is corrupt.
[[noreturn]] void throw_decoded_error(const std::string& payload);

}  // namespace cimkit
