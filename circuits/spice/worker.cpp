#include "circuits/spice/worker.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>

#include "circuits/spice/worker_child.hpp"
#include "circuits/spice/worker_protocol.hpp"
#include "devices/core/child_process.hpp"
#include "devices/core/error_transport.hpp"
#include "devices/core/text.hpp"

namespace cimkit::spice {
namespace {

namespace wp = worker_protocol;

// How long a child may take to exit after its socket closes before it is killed.
constexpr auto exit_grace = std::chrono::seconds(5);

// About 4 months: far beyond any solve, and far inside the steady clock's range.
constexpr double max_solve_timeout_s = 1e7;

// Waits for `pid` to end (killing it after `grace`) and returns its wait status; -1 when the status
// is not ours to read (SIGCHLD ignored by the application, so the kernel reaped it already).
int reap(pid_t pid, std::chrono::milliseconds grace) {
    if (const auto status = wait_until(pid, std::chrono::steady_clock::now() + grace)) return *status;
    return kill_and_reap(pid);
}

std::string describe_end(pid_t pid, int status) { return "ngspice worker process " + std::to_string(pid) + " " + cimkit::describe_end(status); }

std::string load_request(const std::string& origin) { return "load of '" + origin + "'"; }

}  // namespace

Worker::Worker(WorkerOptions options) : options_(options) {
    if (options_.max_solves_before_recycle < 0) {
        throw UsageError("Worker: max_solves_before_recycle must be >= 0 (0 = never), got " +
                         std::to_string(options_.max_solves_before_recycle));
    }
    if (!(options_.solve_timeout_s >= 0.0 && options_.solve_timeout_s <= max_solve_timeout_s)) {
        throw UsageError("Worker: solve_timeout_s must be in [0, 1e7] s (0 = no limit), got " + std::to_string(options_.solve_timeout_s));
    }
    start_child();
}

Worker::~Worker() { stop_child(); }

void Worker::start_child() {
    const ForkedChild child = fork_child([this](int socket_fd) { return serve_worker_child(socket_fd, options_); },
                                         options_.die_with_parent ? SIGKILL : 0, "ngspice worker");
    const pid_t pid = child.pid;
    if (started_once_) ++restarts_;
    started_once_ = true;
    pid_ = pid;
    socket_fd_ = child.socket_fd;
    child_solves_ = 0;
    netlist_.reset();
    for (const auto& entry : voltage_tables_) dirty_voltage_.insert(entry.first);
    for (const auto& entry : current_tables_) dirty_current_.insert(entry.first);

    wp::Message hello;
    if (!wp::receive_message(socket_fd_, hello)) child_died("start-up");
    if (hello.kind == wp::Kind::error) {
        stop_child();
        try {
            throw_decoded_error(hello.payload);
        } catch (const std::exception& e) {
            // The usual cause, an Engine inherited from this process, deserves its remedy; a sandbox
            // that could not be entered explains itself.
            const std::string why = e.what();
            const bool inherited_engine = why.find("already exists") != std::string::npos;
            throw Error("ngspice worker could not start its engine: " + why +
                        (inherited_engine ? " (a Worker cannot be started while this process holds an in-process Engine)" : ""));
        }
    }
}

void Worker::stop_child() {
    if (pid_ == 0) return;
    ::close(socket_fd_);  // the child reads end-of-stream and exits
    socket_fd_ = -1;
    reap(pid_, exit_grace);
    pid_ = 0;
    netlist_.reset();
}

void Worker::child_died(const std::string& request) {
    const pid_t pid = pid_;
    ::close(socket_fd_);
    socket_fd_ = -1;
    const int status = reap(pid, exit_grace);
    pid_ = 0;
    netlist_.reset();
    throw WorkerCrashed(describe_end(pid, status) + " during " + request +
                        "; the next call starts a fresh worker, which needs the netlist loaded again");
}

void Worker::child_timed_out(const std::string& request) {
    const pid_t pid = pid_;
    ::kill(pid, SIGKILL);
    ::close(socket_fd_);
    socket_fd_ = -1;
    reap(pid, exit_grace);
    pid_ = 0;
    netlist_.reset();
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g s", options_.solve_timeout_s);
    throw WorkerTimeout(request + " did not finish within the worker's solve_timeout_s = " + limit + "; ngspice worker process " +
                        std::to_string(pid) + " was killed. The next call starts a fresh worker, which needs the netlist loaded again");
}

void Worker::ensure_child() {
    if (pid_ == 0) start_child();
}

void Worker::recycle_if_due() {
    if (options_.max_solves_before_recycle == 0 || child_solves_ < options_.max_solves_before_recycle) return;
    const std::optional<LoadedNetlist> netlist = netlist_;
    stop_child();
    start_child();
    if (netlist) send_load(*netlist);
}

void Worker::send_load(const LoadedNetlist& netlist) {
    const std::string request = load_request(netlist.origin);
    wp::Encoder out;
    out.text(netlist.text);
    out.text(netlist.origin);
    netlist_.reset();  // a failed load leaves the child's engine with no circuit
    if (!wp::send_message(socket_fd_, wp::Kind::load, out.bytes())) child_died(request);
    await_answer(request, deadline_from_now(), false);
    netlist_ = netlist;
}

void Worker::load(const std::string& netlist_text, const std::string& origin) {
    ensure_child();
    if (options_.max_solves_before_recycle > 0 && child_solves_ >= options_.max_solves_before_recycle) {
        stop_child();  // a recycle is due anyway; the new netlist goes to the fresh child
        start_child();
    }
    send_load(LoadedNetlist{netlist_text, origin});
}

void Worker::set_table(std::map<std::string, Table>& tables, std::set<std::string>& dirty,
                       const std::string& source_name, Table table) {
    if (table.values.empty()) throw UsageError("Worker: external source '" + source_name + "' got an empty table");
    if (!(table.step_s > 0.0) || !std::isfinite(table.step_s)) {
        throw UsageError("Worker: external source '" + source_name + "' needs a step_s > 0 s, got " +
                         std::to_string(table.step_s));
    }
    for (double value : table.values) {
        if (!std::isfinite(value)) throw UsageError("Worker: external source '" + source_name + "' got a NaN or Inf value");
    }
    if (!table.times_s.empty()) {
        if (table.times_s.size() != table.values.size()) {
            throw UsageError("Worker: external waveform '" + source_name + "' has " + std::to_string(table.times_s.size()) +
                             " times for " + std::to_string(table.values.size()) + " values");
        }
        for (std::size_t k = 0; k < table.times_s.size(); ++k) {
            if (!std::isfinite(table.times_s[k]) || (k > 0 && !(table.times_s[k] > table.times_s[k - 1]))) {
                throw UsageError("Worker: external waveform '" + source_name + "' needs finite, increasing times");
            }
        }
    }
    const std::string name = text::to_lower(source_name);  // ngspice reports instance names in lower case
    tables[name] = std::move(table);
    dirty.insert(name);
}

void Worker::set_external_table(const std::string& source_name, std::vector<double> values, double step_s) {
    set_table(voltage_tables_, dirty_voltage_, source_name, Table{std::move(values), step_s, {}});
}

void Worker::set_external_current_table(const std::string& source_name, std::vector<double> values, double step_s) {
    set_table(current_tables_, dirty_current_, source_name, Table{std::move(values), step_s, {}});
}

void Worker::set_external_waveform(const std::string& source_name, std::vector<double> times_s, std::vector<double> values_V) {
    set_table(voltage_tables_, dirty_voltage_, source_name, Table{std::move(values_V), 1.0, std::move(times_s)});
}

void Worker::send_dirty_tables(const std::string& request) {
    // No reply: the child applies them in order before the solve that follows.
    auto send = [&](const std::map<std::string, Table>& tables, std::set<std::string>& dirty, wp::Kind kind) {
        for (const auto& name : dirty) {
            const Table& table = tables.at(name);
            wp::Encoder out;
            out.text(name);
            out.f64(table.step_s);
            out.doubles(table.values);
            out.doubles(table.times_s);
            if (!wp::send_message(socket_fd_, kind, out.bytes())) child_died(request);
        }
        dirty.clear();
    };
    send(voltage_tables_, dirty_voltage_, wp::Kind::set_voltage_table);
    send(current_tables_, dirty_current_, wp::Kind::set_current_table);
}

std::vector<std::vector<double>> Worker::run_and_read(const std::string& analysis, const std::vector<std::string>& vectors,
                                                     const std::vector<double>& breakpoints_s) {
    start_run_and_read(analysis, vectors, breakpoints_s);
    return finish_run_and_read();
}

void Worker::start_run_and_read(const std::string& analysis, const std::vector<std::string>& vectors,
                                const std::vector<double>& breakpoints_s) {
    if (pending_request_) throw UsageError("Worker: " + *pending_request_ + " is still running; finish it first");
    ensure_child();
    recycle_if_due();
    const std::string request = "'" + analysis + "'" + (netlist_ ? " of '" + netlist_->origin + "'" : "");
    send_dirty_tables(request);
    wp::Encoder out;
    out.text(analysis);
    out.texts(vectors);
    out.doubles(breakpoints_s);
    if (!wp::send_message(socket_fd_, wp::Kind::run_and_read, out.bytes())) child_died(request);
    pending_request_ = request;
    pending_deadline_ = deadline_from_now();
}

std::vector<std::vector<double>> Worker::finish_run_and_read() {
    if (!pending_request_) throw UsageError("Worker: no solve was started");
    const std::string request = *pending_request_;
    pending_request_.reset();
    const std::string payload = await_answer(request, pending_deadline_, true);
    wp::Decoder in(payload);
    std::vector<std::vector<double>> columns(static_cast<std::size_t>(in.i64()));
    for (auto& column : columns) column = in.doubles();
    return columns;
}

AllPlots Worker::run_all() {
    if (pending_request_) throw UsageError("Worker: " + *pending_request_ + " is still running; finish it first");
    ensure_child();
    const std::string request = "the analyses of '" + (netlist_ ? netlist_->origin : std::string("no netlist")) + "'";
    if (!wp::send_message(socket_fd_, wp::Kind::run_all, "")) child_died(request);
    const std::string payload = await_answer(request, deadline_from_now(), true);
    wp::Decoder in(payload);
    AllPlots all;
    all.plots = wp::decode_plots(in);
    all.output = in.texts();
    return all;
}

std::chrono::steady_clock::time_point Worker::deadline_from_now() const {
    return std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(options_.solve_timeout_s));
}

std::string Worker::await_answer(const std::string& request, std::chrono::steady_clock::time_point deadline, bool is_solve) {
    if (options_.solve_timeout_s > 0.0 && !wp::wait_readable(socket_fd_, deadline)) child_timed_out(request);
    wp::Message response;
    if (!wp::receive_message(socket_fd_, response)) child_died(request);
    if (is_solve) {
        ++solves_;
        ++child_solves_;
    }
    if (response.kind == wp::Kind::error) throw_decoded_error(response.payload);
    return std::move(response.payload);
}

std::size_t Worker::child_rss_bytes() const {
    if (pid_ == 0) return 0;
    std::ifstream statm("/proc/" + std::to_string(pid_) + "/statm");
    std::size_t pages_total = 0, pages_resident = 0;
    if (!(statm >> pages_total >> pages_resident)) return 0;
    return pages_resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace cimkit::spice
