#include "circuits/crossbar/names.hpp"

#include <cctype>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {

CrossbarNames::CrossbarNames(std::string prefix) : prefix_(std::move(prefix)) {
    bool ok = !prefix_.empty() && prefix_.size() <= 16 && std::islower(static_cast<unsigned char>(prefix_[0]));
    for (char c : prefix_) ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)));
    if (!ok) throw ParameterError("crossbar tile: prefix '" + prefix_ + "' must match [a-z][a-z0-9]* (at most 16 characters)");
}

std::string CrossbarNames::line(const std::string& kind, int index) const {
    return kind + (prefix_.empty() ? "" : "_" + prefix_) + "_" + std::to_string(index);
}

std::string CrossbarNames::cell(const std::string& kind, int row, int column) const {
    return line(kind, row) + "_" + std::to_string(column);
}

std::string CrossbarNames::device_tag(int row, int column) const {
    return (prefix_.empty() ? "" : prefix_ + "_") + std::to_string(row) + "_" + std::to_string(column);
}

std::string CrossbarNames::shared(const std::string& kind) const { return kind + (prefix_.empty() ? "" : "_" + prefix_); }

}  // namespace cimkit::circuits
