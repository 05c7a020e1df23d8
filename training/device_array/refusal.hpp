#pragma once
// How the parts of a DeviceArray (training/device_array.hpp) refuse bad input: a ParameterError
// that starts "device array: " and names the field or object, its value and the rule.
#include <sstream>
#include <string>

#include "devices/core/errors.hpp"

namespace cimkit::training {

[[noreturn]] inline void refuse(const std::string& rule) { throw ParameterError("device array: " + rule); }

// A value in a message: 6 significant digits.
inline std::string format_value(double value) {
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

}  // namespace cimkit::training
