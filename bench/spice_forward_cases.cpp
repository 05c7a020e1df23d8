// spice-forward, reload-baseline and scaling: one MVM through ngspice on a crossbar that stays
// loaded, fed one sample per time point of a batched transient (circuits/batched_read.hpp), against
// an `op` per sample on the same loaded circuit and against the reload-per-sample way scripts do it.
#include "bench/spice_forward_cases.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <Eigen/Core>
#include <fmt/format.h>

#include "circuits/batched_read.hpp"
#include "circuits/crossbar_tile.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/registry.hpp"

namespace cimkit::bench {

ForwardCircuit::ForwardCircuit(const ForwardSpec& spec, std::uint64_t seed) : spec_(spec) {
    model_ = builtin_devices().find(spec.device).make(spec.device_settings);
    face_ = circuits::make_device_face(*model_, spec.face_variant);
    Rng rng(seed);
    states_.reserve(static_cast<std::size_t>(spec.rows) * static_cast<std::size_t>(spec.columns));
    for (int k = 0; k < spec.rows * spec.columns; ++k) {
        DeviceState s = model_->make_device(rng);
        // 32 levels, as a pulse-programmed array holds them.
        model_->set_level(s, std::floor(rng.uniform() * 32.0) / 31.0, rng);
        states_.push_back(s);
    }
    circuits::Netlist netlist(fmt::format("bench {}x{} {} {}", spec.rows, spec.columns, spec.device, face_->name()));
    face_->add_shared(netlist);
    const auto state = [this](int i, int j) -> const DeviceState& { return at(i, j); };
    circuits::add_read_tile(netlist, "t", spec.rows, spec.columns, *face_, state, spec.wires);
    netlist_text_ = circuits::to_spice(netlist);
    for (int i = 0; i < spec.rows; ++i) row_sources_.push_back(circuits::tile_row_source("t", i));
    for (int j = 0; j < spec.columns; ++j) outputs_.push_back(circuits::tile_column_current_vector("t", j));
}

ForwardCircuit::~ForwardCircuit() = default;

const DeviceState& ForwardCircuit::at(int i, int j) const {
    return states_[static_cast<std::size_t>(i) * static_cast<std::size_t>(spec_.columns) + static_cast<std::size_t>(j)];
}

Eigen::MatrixXd ForwardCircuit::random_inputs_V(int samples, std::uint64_t seed) const {
    Rng rng(seed);
    Eigen::MatrixXd x(samples, spec_.rows);
    for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = model_->read_voltage_V() * rng.uniform();
    return x;
}

void ForwardCircuit::load(spice::Engine& engine) const {
    engine.load(spice::NetlistText::from_string(netlist_text_, "<" + spec_.label + ">"));
}

Eigen::MatrixXd ForwardCircuit::batched(spice::Engine& engine, const Eigen::MatrixXd& inputs_V) const {
    circuits::BatchedRead read(row_sources_, outputs_);
    return read.run(engine, inputs_V);
}

Eigen::MatrixXd ForwardCircuit::op_per_sample(spice::Engine& engine, const Eigen::MatrixXd& inputs_V) const {
    live_V_ = inputs_V.row(0).transpose();
    for (int i = 0; i < spec_.rows; ++i) {
        engine.set_external_voltage(row_sources_[static_cast<std::size_t>(i)], [this, i](double) { return live_V_(i); });
    }
    Eigen::MatrixXd out(inputs_V.rows(), spec_.columns);
    for (Eigen::Index k = 0; k < inputs_V.rows(); ++k) {
        live_V_ = inputs_V.row(k).transpose();
        const auto values = engine.run_and_read("op", outputs_);
        for (int j = 0; j < spec_.columns; ++j) out(k, j) = values[static_cast<std::size_t>(j)].at(0);
    }
    return out;
}

Eigen::MatrixXd ForwardCircuit::compact(const Eigen::MatrixXd& inputs_V) const {
    // The device law with ideal wires: I_j = sum_i I_device(V_i, state_ij).
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(inputs_V.rows(), spec_.columns);
    for (Eigen::Index k = 0; k < inputs_V.rows(); ++k) {
        for (int i = 0; i < spec_.rows; ++i) {
            for (int j = 0; j < spec_.columns; ++j) out(k, j) += model_->current_A(inputs_V(k, i), at(i, j));
        }
    }
    return out;
}

ForwardSpec resistive_spec(int rows, int columns, double wire_ohm) {
    const std::string wires = wire_ohm > 0.0 ? fmt::format(" with {:g} Ohm wires", wire_ohm) : "";
    return ForwardSpec{fmt::format("{}x{} resistive{}", rows, columns, wires), rows, columns, "pcm", "", {wire_ohm, wire_ohm}, {}};
}

double max_relative_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& reference) {
    const double scale = std::max(reference.cwiseAbs().maxCoeff(), 1e-300);
    return (a - reference).cwiseAbs().maxCoeff() / scale;
}

}  // namespace cimkit::bench
