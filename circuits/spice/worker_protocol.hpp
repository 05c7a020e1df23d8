#pragma once
// The byte protocol between a spice::Worker and its child process.
//
// A message is a header (kind: u32, payload length: u64) followed by the payload, whose fields are
// written with devices/core/byte_codec.hpp.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "circuits/spice/plot.hpp"
#include "devices/core/byte_codec.hpp"

namespace cimkit::spice::worker_protocol {

enum class Kind : std::uint32_t {
    // parent -> child
    load = 1,               // text, origin                        -> ok | error
    set_voltage_table = 2,  // name, step_s, values, times (empty: steps) -> (no reply)
    set_current_table = 3,  // name, step_s, values, times (empty: steps) -> (no reply)
    run_and_read = 4,       // analysis, vector names, breakpoints    -> result | error
    run_all = 5,            // (nothing): every analysis card          -> plots | error
    // child -> parent
    ok = 10,      // also sent once at start-up when the child's Engine exists
    result = 11,  // vectors
    error = 12,   // devices/core/error_transport.hpp
    plots = 13,   // plots (encode_plots), then ngspice's output lines
};

// Payload fields (devices/core/byte_codec.hpp): the format every child process of cimkit speaks.
using cimkit::Decoder;
using cimkit::Encoder;

// Every vector of every plot, complex values as (real, imaginary) pairs.
void encode_plots(Encoder& out, const std::vector<Plot>& plots);
std::vector<Plot> decode_plots(Decoder& in);

struct Message {
    Kind kind = Kind::ok;
    std::string payload;
};

// Both return false when the other end has gone (end of stream, EPIPE, ECONNRESET): the caller
// decides what a vanished peer means. They retry on EINTR, never raise SIGPIPE (MSG_NOSIGNAL on a
// socket), and throw cimkit::Error for any other failure of the socket.
bool send_message(int fd, Kind kind, const std::string& payload);
bool receive_message(int fd, Message& message);

// Waits until `fd` has something to read (or the peer has gone) and returns true; false when
// `deadline` passes first. Retries on EINTR; throws cimkit::Error if poll() fails otherwise.
bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline);

}  // namespace cimkit::spice::worker_protocol
