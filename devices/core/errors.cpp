#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

std::string located(const std::string& origin, int line, const std::string& line_text) {
    std::string where = origin.empty() ? std::string("netlist") : origin;
    if (line > 0) where += ":" + std::to_string(line);
    if (!line_text.empty()) where += " ('" + line_text + "')";
    return where;
}

}  // namespace

IoError::IoError(const std::string& path, const std::string& what)
    : Error("'" + path + "': " + what), path_(path) {}

NetlistError::NetlistError(std::string origin, int line, std::string line_text, const std::string& what)
    : Error(located(origin, line, line_text) + ": " + what),
      origin_(std::move(origin)),
      line_(line),
      line_text_(std::move(line_text)) {}

SpiceError::SpiceError(Stage stage, std::string origin, int line, std::string line_text,
                       std::string spice_message)
    : Error(located(origin, line, line_text) + ": ngspice: " + spice_message),
      stage_(stage),
      origin_(std::move(origin)),
      line_(line),
      line_text_(std::move(line_text)),
      spice_message_(std::move(spice_message)) {}

}  // namespace cimkit
