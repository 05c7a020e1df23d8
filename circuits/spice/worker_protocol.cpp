#include "circuits/spice/worker_protocol.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "devices/core/errors.hpp"

namespace cimkit::spice::worker_protocol {
namespace {

// A corrupt length must not turn into a huge allocation; the largest real payload (a netlist of a
// 784x100 crossbar with wires) is tens of MB.
constexpr std::uint64_t max_payload_bytes = 1ull << 30;

[[noreturn]] void throw_socket_error(const char* operation) {
    throw Error(std::string("ngspice worker: ") + operation + " on the worker socket failed: " + std::strerror(errno));
}

bool peer_gone(int error) { return error == EPIPE || error == ECONNRESET; }

bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (peer_gone(errno)) return false;
            throw_socket_error("send");
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool read_all(int fd, char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::recv(fd, data, size, 0);
        if (n == 0) return false;
        if (n < 0) {
            if (errno == EINTR) continue;
            if (peer_gone(errno)) return false;
            throw_socket_error("recv");
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

void encode_plots(Encoder& out, const std::vector<Plot>& plots) {
    out.i64(static_cast<std::int64_t>(plots.size()));
    for (const Plot& plot : plots) {
        out.text(plot.name);
        out.text(plot.analysis);
        out.i64(static_cast<std::int64_t>(plot.vectors.size()));
        for (const Vector& v : plot.vectors) {
            out.texts({v.name, v.ngspice_name, v.unit});
            out.u32(v.is_scale ? 1 : 0);
            out.doubles(v.real);
            std::vector<double> pairs;
            pairs.reserve(2 * v.complex.size());
            for (const auto& c : v.complex) {
                pairs.push_back(c.real());
                pairs.push_back(c.imag());
            }
            out.doubles(pairs);
        }
    }
}

std::vector<Plot> decode_plots(Decoder& in) {
    std::vector<Plot> plots(in.count());
    for (Plot& plot : plots) {
        plot.name = in.text();
        plot.analysis = in.text();
        plot.vectors.resize(in.count());
        for (Vector& v : plot.vectors) {
            const auto names = in.texts();
            if (names.size() != 3) throw Error("ngspice worker: malformed vector in a plot message");
            v.name = names[0];
            v.ngspice_name = names[1];
            v.unit = names[2];
            v.is_scale = in.u32() != 0;
            v.real = in.doubles();
            const std::vector<double> pairs = in.doubles();
            v.complex.reserve(pairs.size() / 2);
            for (std::size_t k = 0; k + 1 < pairs.size(); k += 2) v.complex.emplace_back(pairs[k], pairs[k + 1]);
        }
    }
    return plots;
}

bool send_message(int fd, Kind kind, const std::string& payload) {
    // One buffer, one send in the common case: a small request costs a single system call.
    std::string frame;
    frame.reserve(12 + payload.size());
    const auto kind_value = static_cast<std::uint32_t>(kind);
    const auto length = static_cast<std::uint64_t>(payload.size());
    frame.append(reinterpret_cast<const char*>(&kind_value), sizeof kind_value);
    frame.append(reinterpret_cast<const char*>(&length), sizeof length);
    frame += payload;
    return write_all(fd, frame.data(), frame.size());
}

bool receive_message(int fd, Message& message) {
    std::uint32_t kind_value = 0;
    std::uint64_t length = 0;
    if (!read_all(fd, reinterpret_cast<char*>(&kind_value), sizeof kind_value)) return false;
    if (!read_all(fd, reinterpret_cast<char*>(&length), sizeof length)) return false;
    if (length > max_payload_bytes) throw Error("ngspice worker: message of " + std::to_string(length) + " bytes refused");
    message.kind = static_cast<Kind>(kind_value);
    message.payload.assign(static_cast<std::size_t>(length), '\0');
    return read_all(fd, message.payload.data(), message.payload.size());
}

bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline) {
    pollfd entry{fd, POLLIN, 0};
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        const int ready = ::poll(&entry, 1, static_cast<int>(std::clamp<long long>(left, 0, 1 << 30)));
        if (ready > 0) return true;  // data, end of stream or an error: receive_message sorts them out
        if (ready == 0) {
            if (left <= 0) return false;
            continue;  // poll woke early (a clamped wait): wait on
        }
        if (errno != EINTR) throw_socket_error("poll");
    }
}

}  // namespace cimkit::spice::worker_protocol
