#pragma once
// A crossbar read circuit for the spice-forward family of benchmarks: a tile (circuits/crossbar_tile)
// of devices programmed to 32 random levels, kept loaded, read one MVM per sample.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "circuits/crossbar_tile.hpp"
#include "circuits/spice/engine.hpp"
#include "devices/device_model.hpp"

namespace cimkit::bench {

struct ForwardSpec {
    std::string label;         // "784x10 resistive"
    int rows = 0, columns = 0;
    std::string device;        // registry name: "pcm" (the resistive face), "mosfet"
    std::string face_variant;  // "" (native), "shared_gate"
    circuits::TileWires wires;
    std::vector<Setting> device_settings;  // on top of the device's defaults
};

class ForwardCircuit {
public:
    ForwardCircuit(const ForwardSpec& spec, std::uint64_t seed);
    ~ForwardCircuit();

    const ForwardSpec& spec() const { return spec_; }
    const std::string& netlist_text() const { return netlist_text_; }
    Eigen::MatrixXd random_inputs_V(int samples, std::uint64_t seed) const;  // samples x rows, [0, V_read)

    void load(spice::Engine& engine) const;
    // Column currents, samples x columns, A: one batched transient / one op per sample / the compact law.
    Eigen::MatrixXd batched(spice::Engine& engine, const Eigen::MatrixXd& inputs_V) const;
    Eigen::MatrixXd op_per_sample(spice::Engine& engine, const Eigen::MatrixXd& inputs_V) const;
    Eigen::MatrixXd compact(const Eigen::MatrixXd& inputs_V) const;

    const std::vector<std::string>& row_sources() const { return row_sources_; }
    const std::vector<std::string>& outputs() const { return outputs_; }
    const DeviceState& at(int i, int j) const;

private:
    ForwardSpec spec_;
    std::unique_ptr<DeviceModel> model_;
    std::unique_ptr<circuits::DeviceFace> face_;
    std::vector<DeviceState> states_;
    std::string netlist_text_;
    std::vector<std::string> row_sources_, outputs_;
    // The sample the row sources read during op_per_sample; a member, because the engine keeps the
    // registered functions after the call returns.
    mutable Eigen::VectorXd live_V_;
};

// PCM's resistive face (one resistor per device), with `wire_ohm` per row and column segment.
ForwardSpec resistive_spec(int rows, int columns, double wire_ohm = 0.0);

double max_relative_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& reference);

}  // namespace cimkit::bench
