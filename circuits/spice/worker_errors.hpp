#pragma once
// Carrying an exception from the worker child to the parent, where it is thrown again as the same
// cimkit type with the same message (and the same fields: stage, origin, line, path).
#include <exception>
#include <string>

namespace cimkit::spice::worker_protocol {

// The payload of an `error` message describing `error`.
std::string encode_error(std::exception_ptr error);

// Throws the exception an `error` payload describes.
[[noreturn]] void throw_decoded_error(const std::string& payload);

}  // namespace cimkit::spice::worker_protocol
