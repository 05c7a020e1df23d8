#include "circuits/spice/worker_child.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <map>
#include <memory>
#include <string>

#include "circuits/spice/engine.hpp"
#include "circuits/spice/sandbox.hpp"
#include "circuits/spice/worker_protocol.hpp"
#include "devices/core/error_transport.hpp"
#include "devices/core/process_limits.hpp"

namespace cimkit::spice {
namespace {

namespace wp = worker_protocol;

// The fd the child keeps; every other inherited descriptor is closed.
constexpr int child_socket_fd = 3;

struct StepTable {
    std::vector<double> values;
    double step_s = 1.0;
    std::vector<double> times_s;  // empty: a step table; else piecewise linear through (times_s, values)
};

double piecewise_linear_value(const std::vector<double>& times_s, const std::vector<double>& values, double time_s) {
    const auto after = std::upper_bound(times_s.begin(), times_s.end(), time_s);
    if (after == times_s.begin()) return values.front();
    if (after == times_s.end()) return values.back();
    const auto k = static_cast<std::size_t>(after - times_s.begin());
    const double f = (time_s - times_s[k - 1]) / (times_s[k] - times_s[k - 1]);
    return values[k - 1] + f * (values[k] - values[k - 1]);
}

// The parent's files, pipes and other workers' sockets are not the child's business. Holding another
// worker's socket would keep that worker's child from seeing end-of-stream when its parent closes.
void keep_only_socket(int socket_fd) {
    if (socket_fd != child_socket_fd) {
        if (::dup2(socket_fd, child_socket_fd) < 0) ::_exit(120);
        ::close(socket_fd);
    }
    ::close_range(child_socket_fd + 1, ~0U, 0);
}

void reset_signals() {
    // A parent's crash handlers must not stop the child from dying visibly with its signal.
    for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) {
        std::signal(signal, SIG_DFL);
    }
    // Ctrl-C reaches the whole process group; the parent decides (a training run checkpoints first)
    // and ends the child by closing the socket.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

class Child {
public:
    explicit Child(Engine& engine) : engine_(engine) {}

    // Returns false when the parent has gone.
    bool answer(const wp::Message& request) {
        switch (request.kind) {
            case wp::Kind::load:
                return reply([&] {
                    wp::Decoder in(request.payload);
                    const std::string text = in.text();
                    engine_.load(NetlistText::from_string(text, in.text()));
                    return ok();
                });
            case wp::Kind::set_voltage_table:
                set_table(request.payload, voltage_tables_, true);
                return true;
            case wp::Kind::set_current_table:
                set_table(request.payload, current_tables_, false);
                return true;
            case wp::Kind::run_and_read:
                return reply([&] {
                    wp::Decoder in(request.payload);
                    const std::string analysis = in.text();
                    const std::vector<std::string> vectors = in.texts();
                    const auto columns = engine_.run_and_read(analysis, vectors, in.doubles());
                    wp::Encoder out;
                    out.i64(static_cast<std::int64_t>(columns.size()));
                    for (const auto& column : columns) out.doubles(column);
                    return wp::Message{wp::Kind::result, out.bytes()};
                });
            case wp::Kind::run_all:
                return reply([&] {
                    // With --allow-control a .control block may already have run its own analyses.
                    if (engine_.plots().empty()) engine_.run();
                    wp::Encoder out;
                    wp::encode_plots(out, engine_.plots());
                    out.texts({engine_.output().begin(), engine_.output().end()});
                    return wp::Message{wp::Kind::plots, out.bytes()};
                });
            default:
                ::_exit(121);  // a parent that speaks another protocol: nothing sensible to do
        }
    }

private:
    static wp::Message ok() { return {wp::Kind::ok, ""}; }

    template <typename Work>
    bool reply(Work work) {
        wp::Message response;
        try {
            response = work();
        } catch (...) {
            response = {wp::Kind::error, encode_error(std::current_exception())};
        }
        return wp::send_message(child_socket_fd, response.kind, response.payload);
    }

    // A source's function is registered once; later tables for it only replace the numbers, so
    // updating inputs between solves costs a copy, not a new std::function per call.
    void set_table(const std::string& payload, std::map<std::string, std::shared_ptr<StepTable>>& tables, bool voltage) {
        wp::Decoder in(payload);
        const std::string name = in.text();
        const double step_s = in.f64();
        std::vector<double> values = in.doubles();
        auto& table = tables[name];
        if (!table) {
            table = std::make_shared<StepTable>();
            auto value_at = [table](double time_s) {
                return table->times_s.empty() ? step_table_value(table->values, table->step_s, time_s)
                                              : piecewise_linear_value(table->times_s, table->values, time_s);
            };
            if (voltage) {
                engine_.set_external_voltage(name, value_at);
            } else {
                engine_.set_external_current(name, value_at);
            }
        }
        table->values = std::move(values);
        table->step_s = step_s;
        table->times_s = in.doubles();
    }

    Engine& engine_;
    std::map<std::string, std::shared_ptr<StepTable>> voltage_tables_;
    std::map<std::string, std::shared_ptr<StepTable>> current_tables_;
};

}  // namespace

double step_table_value(const std::vector<double>& values, double step_s, double time_s) {
    if (values.empty()) return 0.0;
    const double position = std::floor(time_s / step_s + 1e-9);
    if (!(position > 0.0)) return values.front();
    if (position >= static_cast<double>(values.size() - 1)) return values.back();
    return values[static_cast<std::size_t>(position)];
}

int serve_worker_child(int socket_fd, const WorkerOptions& options) {
    keep_only_socket(socket_fd);
    reset_signals();
    // Every path returns the exit status to fork_child, which leaves with _exit (skipping the
    // parent's atexit handlers and stream buffers).
    std::unique_ptr<Engine> engine;
    try {
        limit_address_space(options.memory_limit_bytes);
        enter_sandbox(options.sandbox);
        engine = std::make_unique<Engine>();
        seal_sandbox(options.sandbox);
    } catch (...) {
        wp::send_message(child_socket_fd, wp::Kind::error, encode_error(std::current_exception()));
        return 0;
    }
    if (!wp::send_message(child_socket_fd, wp::Kind::ok, "")) return 0;
    Child child(*engine);
    try {
        wp::Message request;
        while (wp::receive_message(child_socket_fd, request)) {
            if (!child.answer(request)) break;
        }
    } catch (...) {
        return 122;  // the socket itself failed; the parent sees end-of-stream and the status
    }
    return 0;  // the parent closed its end: it is done with us, or has died
}

}  // namespace cimkit::spice
