#pragma once
// The inside of spice::Engine, shared by its three source files: engine.cpp (loading, running,
// errors, retries), engine_callbacks.cpp (what ngspice calls back: output lines, fatal exits,
// EXTERNAL sources) and engine_plots.cpp (reading plots and vectors). Not for use outside them.
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "circuits/spice/engine.hpp"
#include "circuits/spice/ngspice_library.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::spice {

struct Engine::Impl {
    std::unique_ptr<NgspiceLibrary> library;
    int ident = 0;
    bool fatal_seen = false;
    int restarts = 0;
    bool circuit_loaded = false;
    NetlistText netlist;
    std::deque<std::string> output;
    std::vector<std::string> stderr_lines;  // of the current call only
    std::vector<std::string> osdi_lines;    // OSDI messages ngspice printed on stdout, of the current call only
    std::map<std::string, SourceFunction> voltage_sources;
    std::map<std::string, SourceFunction> current_sources;
    // ngspice passes the same name pointer (its instance name) on every call for a loaded circuit;
    // looking that pointer up skips a lower-casing copy and a string search per call, which at two
    // calls per source and time point was a large share of a batched read. Cleared whenever the
    // circuit or the registered functions change (the pointers or the targets may then be stale).
    std::unordered_map<const char*, SourceFunction*> source_by_name_pointer;
    std::exception_ptr callback_error;
    // Transient breakpoints for EXTERNAL waveforms, which ngspice cannot see (a PWL source registers
    // its corners itself). ngSpice_SetBkpt before a command is lost once a transient has run (the
    // next one starts a fresh breakpoint table), so they are set from the first EXTERNAL callback
    // of the analysis, when that table exists (docs/engine.md).
    std::vector<double> pending_breakpoints_s;
    bool breakpoints_armed = false;
    std::vector<std::string>* capture = nullptr;  // when set, receives each output line too
    int retried_runs = 0;
    // Run before every analysis command (Engine::set_before_analysis), in key order.
    std::map<std::string, std::function<void()>> before_analysis;
    // Engine::set_point_observer: the vectors' lower-case names, their places in the current plot
    // (from ngspice's SendInitData at the start of each plot; -1 until found) and the observer.
    std::vector<std::string> observed_names;
    std::vector<int> observed_index;
    std::vector<double> observed_values;
    PointObserver point_observer;
    // Whether this ngspice library has registered cimkit's OSDI device (load_shared_g); a restart
    // loads a fresh library, which has not.
    bool shared_g_loaded = false;
    void load_shared_g();

    void start();
    void restart() {
        library.reset();
        ++restarts;
        start();
    }
    int command(const std::string& text);
    void send_netlist(const NetlistText& text);
    void throw_if_fatal(SpiceError::Stage stage);
    void throw_if_error(SpiceError::Stage stage);
    void set_source_path(const std::filesystem::path& directory);
    void execute_analysis(const std::string& text);
    void execute_with_retries(const std::string& text);
    std::vector<std::pair<std::string, std::string>> option_values(const std::vector<std::string>& names);
    std::vector<std::string> plot_names() const;
    double drop_new_plots(const std::vector<std::string>& before);
    std::string current_plot() const {
        const char* name = library->cur_plot();
        return name ? name : "";
    }
    void destroy_plot(const std::string& name) { command("destroy " + name); }
    // run_and_read's plots, read and waiting to be destroyed. Every ngspice command leaks a few
    // hundred bytes, so they go in groups of read_plots_per_destroy with one `destroy` (at one command
    // per solve the 10 000-solve benchmark grew by 5.7 MB); a few kept plots do not slow a solve.
    std::vector<std::string> read_plots;
    static constexpr std::size_t read_plots_per_destroy = 32;
    void destroy_read_plots() {
        if (read_plots.empty()) return;
        std::string names;
        for (const auto& name : read_plots) names += " " + name;
        read_plots.clear();
        command("destroy" + names);
    }
    Vector read_vector(const std::string& plot, const std::string& name, bool is_scale) const;
    Plot read_plot(const std::string& name) const;
    // The netlist's `.four` cards on every transient plot, through ngspice's `fourier` command, which
    // the shared library's `run` does not do (engine_plots.cpp). Its result vectors stay in the plot,
    // exported under the names kept here ("tran1.fourier11" -> "fourier(v(out))").
    void run_fourier_cards();
    std::map<std::string, std::string> derived_vector_names;
};

// Hands ngspice the callbacks of engine_callbacks.cpp, with `impl` as their user data.
void register_callbacks(Engine::Impl& impl);

}  // namespace cimkit::spice
