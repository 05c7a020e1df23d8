#include "training/circuit_neuron.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "devices/core/errors.hpp"

namespace cimkit::training {
namespace {

// Linear interpolation on the transfer's uniform input grid, held flat beyond its ends (where a
// saturating neuron is flat too).
double interpolate(const std::vector<double>& grid_V, const std::vector<double>& values, double v) {
    const double step_V = (grid_V.back() - grid_V.front()) / static_cast<double>(grid_V.size() - 1);
    const double position = std::clamp((v - grid_V.front()) / step_V, 0.0, static_cast<double>(grid_V.size() - 1));
    const auto below = std::min(static_cast<std::size_t>(position), grid_V.size() - 2);
    const double fraction = position - static_cast<double>(below);
    return values[below] + fraction * (values[below + 1] - values[below]);
}

// The error DAC: each sample's largest |e| drives the full scale, so no error is clipped; the scale
// goes back in digitally (error_product_value). 0 when every error is 0.
double largest_error(const Eigen::VectorXf& back) { return static_cast<double>(back.cwiseAbs().maxCoeff()); }
double error_drive_V(float e, double largest) { return static_cast<double>(e) / largest * circuits::error_full_scale_V; }

// The product's read-out: I = gain (V+ - V-) 2y is, in units, f'(z) e (see the header).
float error_product_value(double product_A, double largest, double gain_A_per_V2, const NeuronCalibration& calibration) {
    const double difference_V = product_A * largest / (2.0 * gain_A_per_V2 * circuits::error_full_scale_V);
    return static_cast<float>(difference_V / (2.0 * slope_step_units * calibration.output_per_unit_V));
}

// The DC transfer itself: what the compact engine evaluates in place of the circuit.
class TabulatedNeuron final : public NeuronStage {
public:
    TabulatedNeuron(std::shared_ptr<const circuits::NeuronTransfer> transfer, NeuronCalibration calibration, double neuron_time_s,
                    std::optional<circuits::MultiplierFit> multiplier)
        : transfer_(std::move(transfer)), calibration_(calibration), neuron_time_s_(neuron_time_s), multiplier_(multiplier) {}

    Eigen::VectorXf activate(const Eigen::VectorXf& z) const override {
        Eigen::VectorXf a(z.size());
        for (Eigen::Index k = 0; k < z.size(); ++k) {
            const double v = calibration_.input_V(z[k]);
            a[k] = calibration_.activation(output_V(v));
            energy_J_ += power_W(v) * neuron_time_s_;
        }
        return a;
    }

    Eigen::VectorXf derivative(const Eigen::VectorXf& z, const Eigen::VectorXf& /*a*/) const override {
        const double step_V = calibration_.slope_step_V();
        Eigen::VectorXf slope(z.size());
        for (Eigen::Index k = 0; k < z.size(); ++k) {
            const double v = calibration_.input_V(z[k]);
            slope[k] = calibration_.derivative(output_V(v + step_V), output_V(v - step_V));
            energy_J_ += (power_W(v + step_V) + power_W(v - step_V)) * neuron_time_s_;
        }
        return slope;
    }

    // The multiplier's twin: its fitted law on the derivative copies' tabulated outputs.
    Eigen::VectorXf error_product(const Eigen::VectorXf& z, const Eigen::VectorXf& a, const Eigen::VectorXf& back) const override {
        const double largest = largest_error(back);
        if (!multiplier_ || !(largest > 0.0)) return NeuronStage::error_product(z, a, back);
        const double step_V = calibration_.slope_step_V();
        Eigen::VectorXf delta(z.size());
        for (Eigen::Index k = 0; k < z.size(); ++k) {
            const double v = calibration_.input_V(z[k]);
            const double plus_V = output_V(v + step_V), minus_V = output_V(v - step_V), y_V = error_drive_V(back[k], largest);
            const double product_A = multiplier_->gain_A_per_V2 * (plus_V - minus_V) * 2.0 * y_V;
            delta[k] = error_product_value(product_A, largest, multiplier_->gain_A_per_V2, calibration_);
            const double multiplier_W = y_V * y_V * (multiplier_->power_sum_W_per_V3 * (plus_V + minus_V) + multiplier_->power_offset_W_per_V2);
            energy_J_ += (power_W(v + step_V) + power_W(v - step_V) + multiplier_W) * neuron_time_s_;
        }
        return delta;
    }

    bool is_circuit() const override { return true; }
    double energy_J() const override { return energy_J_; }
    void set_energy_J(double energy_J) override { energy_J_ = energy_J; }

private:
    double output_V(double input_V) const { return interpolate(transfer_->input_V, transfer_->output_V, input_V); }
    double power_W(double input_V) const { return interpolate(transfer_->input_V, transfer_->supply_power_W, input_V); }

    std::shared_ptr<const circuits::NeuronTransfer> transfer_;
    NeuronCalibration calibration_;
    double neuron_time_s_;
    std::optional<circuits::MultiplierFit> multiplier_;  // with error multipliers
    mutable double energy_J_ = 0.0;
};

// The neurons in ngspice: an `op` of the layer's circuits per forward pass. The backward pass of the
// same sample reads the derivative circuits of that solve (their inputs held since the forward pass,
// as a sample-and-hold would); another z solves again.
class SpiceNeuron final : public NeuronStage {
public:
    SpiceNeuron(const circuits::NeuronCircuitSpec& spec, int units, NeuronCalibration calibration,
                const std::filesystem::path& netlist_dir, double neuron_time_s, std::optional<circuits::MultiplierFit> multiplier)
        : circuit_(spec, units, calibration.slope_step_V(), netlist_dir, multiplier.has_value()),
          calibration_(calibration),
          neuron_time_s_(neuron_time_s),
          multiplier_(multiplier) {}

    Eigen::VectorXf activate(const Eigen::VectorXf& z) const override {
        const circuits::ResidentNeuronLayer::Solution& s = solve(z);
        Eigen::VectorXf a(z.size());
        for (Eigen::Index k = 0; k < z.size(); ++k) a[k] = calibration_.activation(s.output_V[static_cast<std::size_t>(k)]);
        energy_J_ += s.neuron_power_W * neuron_time_s_;
        return a;
    }

    Eigen::VectorXf derivative(const Eigen::VectorXf& z, const Eigen::VectorXf& /*a*/) const override {
        const circuits::ResidentNeuronLayer::Solution& s = solved_z_.size() == z.size() && solved_z_ == z ? last_ : solve(z);
        Eigen::VectorXf slope(z.size());
        for (Eigen::Index k = 0; k < z.size(); ++k) {
            const auto i = static_cast<std::size_t>(k);
            slope[k] = calibration_.derivative(s.plus_output_V[i], s.minus_output_V[i]);
        }
        energy_J_ += s.derivative_power_W * neuron_time_s_;
        return slope;
    }

    // The multipliers in ngspice: one more `op` of the layer, the neurons' inputs as on the forward
    // pass (so the derivative copies give the same outputs) and the errors on the multipliers' y.
    Eigen::VectorXf error_product(const Eigen::VectorXf& z, const Eigen::VectorXf& a, const Eigen::VectorXf& back) const override {
        const double largest = largest_error(back);
        if (!multiplier_ || !(largest > 0.0)) return NeuronStage::error_product(z, a, back);
        std::vector<double> error_V;
        for (Eigen::Index k = 0; k < back.size(); ++k) error_V.push_back(error_drive_V(back[k], largest));
        const circuits::ResidentNeuronLayer::Solution& s = solve(z, error_V);
        Eigen::VectorXf delta(z.size());
        for (Eigen::Index k = 0; k < z.size(); ++k) {
            delta[k] = error_product_value(s.product_A[static_cast<std::size_t>(k)], largest, multiplier_->gain_A_per_V2, calibration_);
        }
        energy_J_ += (s.derivative_power_W + s.product_power_W) * neuron_time_s_;
        return delta;
    }

    bool is_circuit() const override { return true; }
    double energy_J() const override { return energy_J_; }
    void set_energy_J(double energy_J) override { energy_J_ = energy_J; }

private:
    const circuits::ResidentNeuronLayer::Solution& solve(const Eigen::VectorXf& z, const std::vector<double>& error_V = {}) const {
        std::vector<double> input_V;
        for (Eigen::Index k = 0; k < z.size(); ++k) input_V.push_back(calibration_.input_V(z[k]));
        last_ = circuit_.solve(input_V, error_V);
        solved_z_ = z;
        return last_;
    }

    mutable circuits::ResidentNeuronLayer circuit_;
    NeuronCalibration calibration_;
    double neuron_time_s_;
    std::optional<circuits::MultiplierFit> multiplier_;  // with error multipliers
    mutable Eigen::VectorXf solved_z_;
    mutable circuits::ResidentNeuronLayer::Solution last_;
    mutable double energy_J_ = 0.0;
};

}  // namespace

double NeuronCalibration::input_V(float z) const {
    return std::clamp(center_V + static_cast<double>(z) * volts_per_unit, min_input_V, max_input_V);
}

float NeuronCalibration::activation(double output_V) const { return static_cast<float>((output_V - low_V) / output_per_unit_V); }

float NeuronCalibration::derivative(double plus_output_V, double minus_output_V) const {
    return static_cast<float>((plus_output_V - minus_output_V) / (2.0 * slope_step_units * output_per_unit_V));
}

NeuronCalibration calibrate(const circuits::NeuronTransfer& t, const std::string& circuit_name, circuits::NeuronShape shape) {
    const std::vector<double>& in = t.input_V;
    const std::vector<double>& out = t.output_V;
    if (in.size() < 3 || out.size() != in.size() || t.supply_power_W.size() != in.size()) {
        throw Error("neuron circuit " + circuit_name + ": a transfer of " + std::to_string(in.size()) + " inputs and " +
                    std::to_string(out.size()) + " outputs; expected at least 3 of each");
    }
    NeuronCalibration c;
    c.low_V = out.front();
    c.high_V = out.back();
    c.min_input_V = in.front();
    c.max_input_V = in.back();
    if (!(c.high_V - c.low_V > 1e-6)) {
        throw Error("neuron circuit " + circuit_name + ": its output does not rise across the input window (" +
                    std::to_string(c.low_V) + " V to " + std::to_string(c.high_V) + " V)");
    }
    // Two grid steps: the table's own differences.
    const double h_V = 2.0 * (in.back() - in.front()) / static_cast<double>(in.size() - 1);
    if (shape == circuits::NeuronShape::rectifier) {
        const double top_slope = (out.back() - interpolate(in, out, in.back() - h_V)) / h_V;
        if (!(top_slope > 0.0)) throw Error("neuron circuit " + circuit_name + ": no rising slope at the top of its window");
        c.center_V = in.back() - (c.high_V - c.low_V) / top_slope;
        c.volts_per_unit = (in.back() - c.center_V) / rectifier_span_units;
        c.output_per_unit_V = top_slope * c.volts_per_unit;
        return c;
    }
    const double middle_V = 0.5 * (c.low_V + c.high_V);
    const auto above = std::find_if(out.begin(), out.end(), [&](double v) { return v >= middle_V; });
    if (above == out.begin() || above == out.end()) throw Error("neuron circuit " + circuit_name + ": no mid-swing crossing");
    const auto i = static_cast<std::size_t>(above - out.begin());
    c.center_V = in[i - 1] + (middle_V - out[i - 1]) * (in[i] - in[i - 1]) / (out[i] - out[i - 1]);
    const double slope = (interpolate(in, out, c.center_V + h_V) - interpolate(in, out, c.center_V - h_V)) / (2.0 * h_V);
    if (!(slope > 0.0)) throw Error("neuron circuit " + circuit_name + ": no rising slope at its centre");
    c.volts_per_unit = (c.high_V - c.low_V) / (4.0 * slope);
    c.output_per_unit_V = c.high_V - c.low_V;
    return c;
}

NeuronFactory make_circuit_neuron_factory(NeuronEvaluation evaluation, const std::filesystem::path& netlist_dir,
                                          double neuron_time_s, bool error_multipliers) {
    // The transfers (and multiplier fits) measured so far, by circuit name: every layer of one circuit
    // shares one sweep.
    auto transfers = std::make_shared<std::map<std::string, std::shared_ptr<const circuits::NeuronTransfer>>>();
    auto multipliers = std::make_shared<std::map<std::string, circuits::MultiplierFit>>();
    return [=](Activation activation, int units) -> std::unique_ptr<NeuronStage> {
        if (!is_circuit_activation(activation)) return make_math_neuron(activation, units);
        const circuits::NeuronCircuitSpec& spec = circuits::neuron_circuit(to_string(activation));
        auto& transfer = (*transfers)[spec.name];
        if (!transfer) {
            transfer = std::make_shared<const circuits::NeuronTransfer>(circuits::measure_transfer(spec, netlist_dir, transfer_points));
        }
        const NeuronCalibration calibration = calibrate(*transfer, spec.name, spec.shape);
        std::optional<circuits::MultiplierFit> multiplier;
        if (error_multipliers) {
            // The multiplier's gates see the neuron's outputs: fit it over their whole range.
            if (!multipliers->count(spec.name)) {
                const auto [low, high] = std::minmax_element(transfer->output_V.begin(), transfer->output_V.end());
                multipliers->emplace(spec.name, circuits::measure_error_multiplier(netlist_dir, *low, *high));
            }
            multiplier = multipliers->at(spec.name);
        }
        if (evaluation == NeuronEvaluation::tabulated) {
            return std::make_unique<TabulatedNeuron>(transfer, calibration, neuron_time_s, multiplier);
        }
        return std::make_unique<SpiceNeuron>(spec, units, calibration, netlist_dir, neuron_time_s, multiplier);
    };
}

}  // namespace cimkit::training
