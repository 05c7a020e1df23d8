#include "circuits/spice/engine.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <deque>
#include <exception>
#include <map>
#include <malloc.h>
#include <unordered_map>

#include "circuits/spice/convergence_retry.hpp"
#include "circuits/spice/engine_impl.hpp"
#include "circuits/spice/ngspice_library.hpp"
#include "circuits/spice/osdi_table.hpp"
#include "circuits/spice/spice_messages.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::spice {
namespace {

std::atomic<bool> engine_alive{false};

// The trimmed analysis command. UsageError unless its keyword is one of `allowed` (`listed` says
// which, for the message) and it is one command: ';' or a line break could smuggle in another.
std::string checked_analysis(std::string_view analysis, const std::vector<std::string>& allowed, const std::string& listed) {
    const std::string spec = text::trim(analysis);
    const std::string keyword = text::to_lower(text::split(spec, ' ').front());
    const bool known = std::find(allowed.begin(), allowed.end(), keyword) != allowed.end();
    if (!known || spec.find_first_of(";\n\r") != std::string::npos) {
        throw UsageError("analysis '" + spec + "' is not one of: " + listed);
    }
    return spec;
}

}  // namespace



void Engine::Impl::start() {
    library = std::make_unique<NgspiceLibrary>();
    fatal_seen = false;
    circuit_loaded = false;
    source_by_name_pointer.clear();
    read_plots.clear();
    shared_g_loaded = false;
    register_callbacks(*this);
    // Without it ngspice reads /proc/meminfo at every stored point of every analysis (outitf.c checks
    // the memory a plot may need), about 12 us per point: most of a small transient's time.
    command("set no_mem_check");
    stderr_lines.clear();
}

int Engine::Impl::command(const std::string& text) {
    std::string mutable_text = text;  // the C API takes char*
    return library->command(mutable_text.data());
}

void Engine::Impl::throw_if_fatal(SpiceError::Stage stage) {
    if (!fatal_seen) return;
    std::string message = error_message(stderr_lines);
    const NetlistLocation where = locate_in_netlist(message, netlist);
    if (message.empty()) message = "ngspice stopped with a fatal error";
    // Reloading can itself fail (out of memory is a common fatal error, and under a memory limit the
    // old copy may not be gone yet): the fatal error is still the news, the reload a footnote.
    std::string after = " (engine restarted)";
    try {
        restart();
    } catch (const std::exception& e) {
        after = std::string(" (the engine could not be restarted: ") + e.what() + ")";
    }
    throw SpiceError(stage, netlist.origin, where.line, where.line_text, message + after);
}

void Engine::Impl::throw_if_error(SpiceError::Stage stage) {
    std::string message = error_message(stderr_lines);
    if (message.empty()) return;
    if (!osdi_lines.empty()) message += " (" + text::join(osdi_lines, "; ") + ")";
    if (stage == SpiceError::Stage::run && is_convergence_failure(message)) {
        throw ConvergenceError(netlist.origin + ": analysis did not converge: ngspice: " + message);
    }
    const NetlistLocation where = locate_in_netlist(message, netlist);
    throw SpiceError(stage, netlist.origin, where.line, where.line_text, message);
}

// Runs an analysis command on the loaded circuit and turns what ngspice reported into exceptions.
void Engine::Impl::execute_analysis(const std::string& text) {
    if (!circuit_loaded) throw Error("Engine: no circuit is loaded");
    stderr_lines.clear();
    osdi_lines.clear();
    callback_error = nullptr;
    breakpoints_armed = !pending_breakpoints_s.empty();
    for (const auto& [key, prepare] : before_analysis) prepare();
    command(text);
    const bool breakpoints_unset = breakpoints_armed;
    breakpoints_armed = false;
    throw_if_fatal(SpiceError::Stage::run);
    if (callback_error) std::rethrow_exception(callback_error);
    if (breakpoints_unset) throw UsageError("Engine: transient breakpoints need an EXTERNAL source in the circuit");
    for (const auto& line : stderr_lines) {
        if (text::to_lower(line).find("no job") != std::string::npos) {
            throw NetlistError(netlist.origin, 0, "", "has no analysis; expected at least one of .op, .dc, .tran, .ac");
        }
    }
    throw_if_error(SpiceError::Stage::run);
    if (reports_singular_matrix(stderr_lines)) {
        throw ConvergenceError(netlist.origin + ": the circuit matrix is singular, so '" + text +
                               "' has no unique solution (a floating node, a loop of voltage sources, or an equation "
                               "with none); ngspice: " + text::join(stderr_lines, "; "));
    }
}

std::vector<std::string> Engine::resource_usage() {
    std::vector<std::string> lines;
    impl_->capture = &lines;
    impl_->command("rusage all");
    impl_->capture = nullptr;
    return lines;
}

std::vector<std::pair<std::string, std::string>> Engine::Impl::option_values(const std::vector<std::string>& names) {
    std::vector<std::string> lines;
    capture = &lines;
    command("option");  // prints every circuit option with its value
    capture = nullptr;
    return printed_option_values(lines, names);
}

std::vector<std::string> Engine::Impl::plot_names() const {
    std::vector<std::string> names;
    char** all = library->all_plots();
    for (int i = 0; all && all[i]; ++i) names.emplace_back(all[i]);
    return names;
}

// Destroys the plots made since `before` (a failed run may leave a partial one, and every kept plot
// slows later solves) and returns the last time point any of them reached; -1 when none has one.
double Engine::Impl::drop_new_plots(const std::vector<std::string>& before) {
    double last_time_s = -1.0;
    for (const auto& name : plot_names()) {
        if (std::find(before.begin(), before.end(), name) != before.end()) continue;
        std::string time_vector = name + ".time";
        const pvector_info info = library->vec_info(time_vector.data());
        if (info && info->v_realdata && info->v_length > 0) {
            last_time_s = std::max(last_time_s, info->v_realdata[info->v_length - 1]);
        }
        destroy_plot(name);
    }
    return last_time_s;
}

// Runs an analysis; if it does not converge, runs it again under the bounded retry policy
// (convergence_retry.hpp), restores the options it changed, and throws ConvergenceError naming the
// analysis, the circuit's title and the last time point reached if every attempt fails.
void Engine::Impl::execute_with_retries(const std::string& text) {
    const std::vector<RetryAttempt> retries = convergence_retries(text);
    const std::vector<std::string> plots_before = circuit_loaded ? plot_names() : std::vector<std::string>{};
    std::string last_message;
    try {
        execute_analysis(text);
        return;
    } catch (const ConvergenceError& e) {
        if (retries.empty()) throw;
        last_message = e.what();
    }
    const auto saved = option_values(retry_option_names());
    auto restore = [&] {
        if (!circuit_loaded || saved.empty()) return;  // after a fatal error the library was reloaded
        std::string assignments;
        for (const auto& [name, value] : saved) assignments += " " + name + "=" + value;
        command("option" + assignments);
    };
    double last_time_s = drop_new_plots(plots_before);
    std::string tried = "as given";
    for (const RetryAttempt& attempt : retries) {
        std::string assignments;
        for (const auto& [name, value] : attempt.options) assignments += " " + name + "=" + value;
        command("option" + assignments);
        tried += "; " + attempt.name + " (" + text::trim(assignments) +
                 (attempt.analysis != text ? ", '" + attempt.analysis + "'" : "") + ")";
        ++retried_runs;
        try {
            execute_analysis(attempt.analysis);
            restore();
            return;
        } catch (const ConvergenceError& e) {
            last_message = e.what();
            last_time_s = std::max(last_time_s, drop_new_plots(plots_before));
        } catch (...) {
            restore();
            throw;
        }
    }
    restore();
    const std::string title = netlist.lines.empty() ? "" : text::trim(netlist.lines.front());
    const std::string reached = last_time_s >= 0.0 ? "last time point reached " + std::to_string(last_time_s) + " s"
                                                   : "no time point reached (the operating point failed)";
    throw ConvergenceError("'" + text + "' of circuit '" + title + "' (" + netlist.origin + ") did not converge after " +
                           std::to_string(retries.size() + 1) + " attempts [" + tried + "]; " + reached +
                           "; last failure: " + last_message);
}

void Engine::Impl::set_source_path(const std::filesystem::path& directory) {
    // ngspice resolves a relative .include against the working directory and then `sourcepath`.
    // `set` is a command of ngspice's control language, which expands backquotes (through a shell),
    // variables and globs: only a folder name made of plain characters may go into it. Untrusted
    // netlists never come here: they run in a worker whose working directory is their folder.
    const std::string dir = directory.string();
    if (dir.empty()) return;
    const bool plain = std::all_of(dir.begin(), dir.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/._+-", c) != nullptr;
    });
    if (!plain) {
        throw UsageError("Engine: the netlist's folder '" + dir + "' has characters ngspice's command language would "
                         "interpret; load it through a spice::Worker (its working directory is the folder)");
    }
    command("set sourcepath = ( " + dir + " )");
}

void Engine::Impl::load_shared_g() {
    if (shared_g_loaded) return;
    const std::string path = shared_g_library_path().string();
    // `osdi` is a command of ngspice's control language: only a plain path may go into it.
    const bool plain = !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/._+-", c) != nullptr;
    });
    if (!plain) throw UsageError("Engine: the OSDI library path '" + path + "' has characters ngspice's command language would interpret; move it (CIMKIT_OSDI_DIR)");
    // Opening it here first gives a clear error for a missing file (ngspice only prints one) and
    // the table that the device's instances are checked against.
    SharedConductanceTable::process();
    stderr_lines.clear();
    command("osdi " + path);
    throw_if_fatal(SpiceError::Stage::load);
    for (const auto& line : stderr_lines) {
        if (text::to_lower(line).find("osdi") != std::string::npos) {
            throw Error("ngspice could not load cimkit's OSDI device library " + path + ": " + line);
        }
    }
    // ngspice loads OSDI devices in an OpenMP parallel region (osdiload.c, built with USE_OMP), which
    // starts libgomp's thread pool. Those threads outlive the engine; when the engine unloads
    // libngspice (destruction, restart) libgomp, its dependency, would be unmapped under them and the
    // process dies (SIGSEGV seen in 1 of ~7 runs of osdi_face_test). RTLD_NODELETE keeps it mapped.
    // An ngspice built without OpenMP has not loaded libgomp (the call returns null): no threads then.
    dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    // One thread: that region makes one OpenMP task per device instance, and an instance's eval is
    // tens of nanoseconds. Measured on a 784x20 array (bench/osdi_load_cost.cpp, 2 vCPUs): a load of
    // 15 680 MTJ elements took 32 ms with ngspice's default 2 threads and 2.5 ms with 1. ngspice sets
    // the OpenMP thread count from its variable num_threads at every circuit set-up (cktsetup.c).
    command("set num_threads=1");
    shared_g_loaded = true;
}

void Engine::Impl::send_netlist(const NetlistText& text) {
    std::vector<std::string> copies = text.lines;
    // ngspice refuses a netlist passed by lines without a final .end; batch ngspice does not. Adding
    // it after the last line keeps every user line at its number.
    auto last = std::find_if(copies.rbegin(), copies.rend(), [](const std::string& l) { return !text::trim(l).empty(); });
    if (last == copies.rend() || text::to_lower(text::trim(*last)) != ".end") copies.emplace_back(".end");
    std::vector<char*> pointers;
    pointers.reserve(copies.size() + 1);
    for (auto& line : copies) pointers.push_back(line.data());
    pointers.push_back(nullptr);
    library->circ(pointers.data());
}

namespace {

// ngspice allocates and frees a plot per analysis and a circuit per load, tens of MB for a large
// crossbar. By default glibc hands freed memory back to the kernel (heap trim, munmap of large
// blocks) and the next analysis or load faults it in again, page by page. Measured in a worker on a
// 55 000-element netlist: load 0.31 -> 0.19 s, a 100-sample batched transient 0.26 -> 0.21 s with
// the memory kept; a 784x100 batched read ran 275 samples/s in a worker that kept it against
// 126 samples/s in a process that did not. The process's resident size then stays at its high-water
// mark (recycling a worker bounds it). Set once, for the whole process, when its engine starts.
void keep_freed_memory() {
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value on 64-bit
}

}  // namespace

Engine::Engine() {
    if (engine_alive.exchange(true)) {
        throw Error("an ngspice engine already exists in this process; libngspice allows one");
    }
    keep_freed_memory();
    impl_ = std::make_unique<Impl>();
    try {
        impl_->start();
    } catch (...) {
        engine_alive = false;
        throw;
    }
}

Engine::~Engine() {
    impl_.reset();
    engine_alive = false;
}

void Engine::load(const NetlistText& netlist) {
    Impl& m = *impl_;
    clear();
    m.output.clear();
    m.stderr_lines.clear();
    m.osdi_lines.clear();
    m.netlist = netlist;
    m.set_source_path(netlist.directory);
    if (uses_shared_g(netlist)) m.load_shared_g();
    m.send_netlist(netlist);
    m.throw_if_fatal(SpiceError::Stage::load);
    try {
        m.throw_if_error(SpiceError::Stage::load);
    } catch (...) {
        // A netlist that failed to parse may still sit in ngspice's circuit list.
        m.command("remcirc");
        m.command("destroy all");
        m.stderr_lines.clear();
        throw;
    }
    m.circuit_loaded = true;
}

void Engine::run() {
    impl_->execute_with_retries("run");
    impl_->run_fourier_cards();
}

void Engine::run_analysis(std::string_view analysis) {
    impl_->execute_with_retries(checked_analysis(analysis, {"op", "dc", "tran", "ac"}, "op, dc ..., tran ..., ac ..."));
}

std::vector<std::vector<double>> Engine::run_and_read(std::string_view analysis, const std::vector<std::string>& vectors,
                                                     const std::vector<double>& breakpoints_s) {
    Impl& m = *impl_;
    // op, dc and tran plots are real (a dc sweep: the I-V of a subcircuit device,
    // analysis/characterization/subcircuit_experiments.hpp); an ac plot is complex.
    const std::string spec = checked_analysis(analysis, {"op", "dc", "tran"}, "op, dc ..., tran ...");
    if (!breakpoints_s.empty() && spec.rfind("tran", 0) != 0) throw UsageError("Engine: breakpoints need a tran analysis, not '" + spec + "'");
    for (const double t : breakpoints_s) {
        if (!(std::isfinite(t) && t > 0.0)) throw UsageError("Engine: a transient breakpoint must be finite and > 0 s");
    }
    const std::string before = m.circuit_loaded ? m.current_plot() : "";
    m.pending_breakpoints_s = breakpoints_s;
    struct Disarm {
        Impl& m;
        ~Disarm() { m.pending_breakpoints_s.clear(); }
    } disarm{m};
    try {
        m.execute_with_retries(spec);
    } catch (...) {
        // A failed solve may still have made a plot; leaving it would slow every later solve. After
        // a fatal error the library was reloaded and holds no circuit or plot.
        if (m.circuit_loaded && m.current_plot() != before) m.destroy_plot(m.current_plot());
        throw;
    }
    const std::string plot = m.current_plot();
    if (plot == before) throw Error("Engine: '" + spec + "' produced no plot");
    std::vector<std::vector<double>> out;
    out.reserve(vectors.size());
    for (const auto& name : vectors) {
        std::string full = plot + "." + name;
        const pvector_info info = m.library->vec_info(full.data());
        if (!info || !info->v_realdata) {
            m.destroy_plot(plot);
            throw Error("Engine: no real vector '" + name + "' in plot '" + plot + "' of '" + spec + "'");
        }
        out.emplace_back(info->v_realdata, info->v_realdata + std::max(info->v_length, 0));
    }
    m.read_plots.push_back(plot);
    if (m.read_plots.size() >= Impl::read_plots_per_destroy) m.destroy_read_plots();
    return out;
}

void Engine::clear() {
    Impl& m = *impl_;
    if (m.circuit_loaded) m.command("remcirc");
    m.command("destroy all");
    m.read_plots.clear();
    m.circuit_loaded = false;
    m.source_by_name_pointer.clear();
    m.stderr_lines.clear();
}

void Engine::set_external_voltage(const std::string& source_name, SourceFunction value_V) {
    impl_->source_by_name_pointer.clear();
    impl_->voltage_sources[text::to_lower(source_name)] = std::move(value_V);
}

void Engine::set_external_current(const std::string& source_name, SourceFunction value_A) {
    impl_->source_by_name_pointer.clear();
    impl_->current_sources[text::to_lower(source_name)] = std::move(value_A);
}

void Engine::clear_external_sources() {
    impl_->source_by_name_pointer.clear();
    impl_->voltage_sources.clear();
    impl_->current_sources.clear();
    impl_->before_analysis.clear();
}

void Engine::set_before_analysis(const std::string& key, std::function<void()> prepare) {
    impl_->before_analysis[key] = std::move(prepare);
}

void Engine::set_point_observer(std::vector<std::string> vectors, PointObserver observe) {
    for (auto& name : vectors) name = text::to_lower(name);
    impl_->observed_names = std::move(vectors);
    impl_->observed_index.assign(impl_->observed_names.size(), -1);
    impl_->observed_values.assign(impl_->observed_names.size(), 0.0);
    impl_->point_observer = std::move(observe);
}

void Engine::clear_point_observer() {
    impl_->point_observer = nullptr;
    impl_->observed_names.clear();
    impl_->observed_index.clear();
    impl_->observed_values.clear();
}

const std::deque<std::string>& Engine::output() const { return impl_->output; }

int Engine::restart_count() const { return impl_->restarts; }

int Engine::convergence_retry_count() const { return impl_->retried_runs; }

}  // namespace cimkit::spice
