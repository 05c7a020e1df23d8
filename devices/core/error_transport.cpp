#include "devices/core/error_transport.hpp"

#include <new>

#include "devices/core/byte_codec.hpp"
#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

// The cimkit types that cross the process boundary; anything else arrives as cimkit::Error.
enum class ErrorType : std::uint32_t { error, usage, parameter, io, netlist, spice, convergence, out_of_memory };

// IoError and NetlistError build their message from their fields plus a free text that they do not
// keep; it is what follows the prefix that the same fields with an empty text produce.
std::string after_prefix(const std::string& message, const std::string& prefix) {
    return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

}  // namespace

std::string encode_error(std::exception_ptr error) {
    Encoder out;
    try {
        std::rethrow_exception(error);
    } catch (const SpiceError& e) {
        out.u32(static_cast<std::uint32_t>(ErrorType::spice));
        out.text(e.what());
        out.u32(e.stage() == SpiceError::Stage::load ? 0 : 1);
        out.text(e.origin());
        out.i64(e.line());
        out.text(e.line_text());
        out.text(e.spice_message());
    } catch (const NetlistError& e) {
        out.u32(static_cast<std::uint32_t>(ErrorType::netlist));
        out.text(e.what());
        out.text(e.origin());
        out.i64(e.line());
        out.text(e.line_text());
    } catch (const IoError& e) {
        out.u32(static_cast<std::uint32_t>(ErrorType::io));
        out.text(e.what());
        out.text(e.path());
    } catch (const ConvergenceError& e) {
        out.u32(static_cast<std::uint32_t>(ErrorType::convergence));
        out.text(e.what());
    } catch (const UsageError& e) {
        out.u32(static_cast<std::uint32_t>(ErrorType::usage));
        out.text(e.what());
    } catch (const ParameterError& e) {
        out.u32(static_cast<std::uint32_t>(ErrorType::parameter));
        out.text(e.what());
    } catch (const std::bad_alloc&) {
        // Kept as itself: the top level reports it as "out of memory", not as an internal error.
        out.u32(static_cast<std::uint32_t>(ErrorType::out_of_memory));
        out.text("");
    } catch (const std::exception& e) {
        out.u32(static_cast<std::uint32_t>(ErrorType::error));
        out.text(e.what());
    } catch (...) {
        out.u32(static_cast<std::uint32_t>(ErrorType::error));
        out.text("child process: an exception of unknown type");
    }
    return out.bytes();
}

void throw_decoded_error(const std::string& payload) {
    Decoder in(payload);
    const auto type = static_cast<ErrorType>(in.u32());
    const std::string message = in.text();
    switch (type) {
        case ErrorType::spice: {
            const auto stage = in.u32() == 0 ? SpiceError::Stage::load : SpiceError::Stage::run;
            std::string origin = in.text();
            const int line = static_cast<int>(in.i64());
            std::string line_text = in.text();
            throw SpiceError(stage, std::move(origin), line, std::move(line_text), in.text());
        }
        case ErrorType::netlist: {
            std::string origin = in.text();
            const int line = static_cast<int>(in.i64());
            std::string line_text = in.text();
            const std::string what = after_prefix(message, NetlistError(origin, line, line_text, "").what());
            throw NetlistError(std::move(origin), line, std::move(line_text), what);
        }
        case ErrorType::io: {
            const std::string path = in.text();
            throw IoError(path, after_prefix(message, IoError(path, "").what()));
        }
        case ErrorType::convergence:
            throw ConvergenceError(message);
        case ErrorType::usage:
            throw UsageError(message);
        case ErrorType::parameter:
            throw ParameterError(message);
        case ErrorType::out_of_memory:
            throw std::bad_alloc();
        case ErrorType::error:
            break;
    }
    throw Error(message);
}

}  // namespace cimkit
