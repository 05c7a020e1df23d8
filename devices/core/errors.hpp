#pragma once
// The error hierarchy of cimkit (docs/architecture.md#errors).
//
// Typed exceptions carry bad input and failed runs; bugs use assertions. Every error derives from
// cimkit::Error, and each type maps to one process exit status (apps/exit_status.hpp):
//   input errors (UsageError, ParameterError, NetlistError, IoError) -> 2
//   simulation failures (SpiceError from a run, ConvergenceError)   -> 1
#include <stdexcept>
#include <string>

namespace cimkit {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A command line that cannot be acted on.
class UsageError : public Error {
public:
    using Error::Error;
};

// A parameter outside its table: the message names the object, key, value, unit, rule and origin.
class ParameterError : public Error {
public:
    using Error::Error;
};

// A file that cannot be read or written. `path` is the file concerned.
class IoError : public Error {
public:
    IoError(const std::string& path, const std::string& what);
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A netlist that cimkit refuses (untrusted content) or that ngspice cannot parse.
// `origin` is the file (or a description of the text) and `line` the 1-based line, 0 if unknown.
class NetlistError : public Error {
public:
    NetlistError(std::string origin, int line, std::string line_text, const std::string& what);
    const std::string& origin() const { return origin_; }
    int line() const { return line_; }
    const std::string& line_text() const { return line_text_; }

private:
    std::string origin_;
    int line_;
    std::string line_text_;
};

// ngspice reported an error. `stage` says whether it happened while loading the netlist (the input
// is at fault) or while running an analysis (the simulation failed). `spice_message` is ngspice's own
// text; `line`/`line_text` locate the netlist line involved when ngspice names one (0/"" otherwise).
class SpiceError : public Error {
public:
    enum class Stage { load, run };
    SpiceError(Stage stage, std::string origin, int line, std::string line_text, std::string spice_message);
    Stage stage() const { return stage_; }
    const std::string& origin() const { return origin_; }
    int line() const { return line_; }
    const std::string& line_text() const { return line_text_; }
    const std::string& spice_message() const { return spice_message_; }

private:
    Stage stage_;
    std::string origin_;
    int line_;
    std::string line_text_;
    std::string spice_message_;
};

// A solver that did not converge: an ngspice analysis (op, dc, tran) or a CVODE integration.
class ConvergenceError : public Error {
public:
    using Error::Error;
};

}  // namespace cimkit
