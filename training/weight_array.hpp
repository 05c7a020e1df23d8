#pragma once
// Where a layer's weights live: the "engine" of on-chip training.
//
// A layer with n inputs and m outputs owns one WeightArray holding W (m x n). Its three operations
// are the three things the hardware does:
//   read (forward)        y = W x                     multiply(x)
//   read (backward)       e = W^T d                   multiply_transposed(d)
//   update                W <- W - lr * d x^T         apply_outer_product(x, d, lr)
// The bias is NOT inside the array: multiply returns W x only, and the network adds b (held
// digitally, in the periphery) afterwards. An engine that wants a hardware bias can add a row driven
// by a constant input behind this same interface.
//
// IdealArray stores float weights and does these exactly. Later engines (compact device models,
// ngspice crossbars) implement the same interface: a read becomes a matrix-vector product through
// the devices, an update an outer product delivered as write pulses, and weights() reports the
// weights the devices effectively hold (for logs and checks; it need not be cheap).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace cimkit::training {

// What an array has done since it was built (carried through checkpoints).
struct ArrayActivity {
    std::uint64_t update_pulses = 0;  // write pulses delivered to devices
    std::uint64_t update_random_numbers = 0;  // uniform random numbers the update rule drew (stochastic, essop)
    double read_energy_J = 0.0;       // energy the read drivers delivered (forward and backward reads)
    double write_energy_J = 0.0;      // energy the devices' write pulses drew (DeviceModel::write_energy_J)
    double update_circuit_energy_J = 0.0;  // energy of the spice update circuit's cells; 0 where none runs
    double adc_energy_J = 0.0;        // energy of the output lines' converters (array.adc_bits)
    double neuron_energy_J = 0.0;     // energy of the neuron circuits between layers (Network adds it)
    double wire_energy_J = 0.0;       // charging the driven lines' capacitance (array.wire_farad)
    double dac_energy_J = 0.0;        // the driven lines' DAC conversions (array.dac_bits)
};

// Everything an array needs to continue bit-identically after a restart, as named blocks of doubles
// (device states, float weights, counters); written to and read from the run file's checkpoint.
using ArrayCheckpoint = std::map<std::string, std::vector<double>>;

class WeightArray {
public:
    virtual ~WeightArray() = default;
    virtual Eigen::VectorXf multiply(const Eigen::VectorXf& x) const = 0;            // W x, size m
    virtual Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const = 0;  // W^T d, size n
    // W <- W - learning_rate * delta x^T; delta has size m, x size n.
    virtual void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) = 0;
    // Completes updates that apply_outer_product only started (a circuit solving in another process);
    // apply_to_array calls it on every layer after starting all of them. Other calls may assume none
    // is left running.
    virtual void finish_updates() {}
    // Mini-batch training (TrainingConfig::batch_size > 1) reads a whole batch at once and writes
    // the batch's summed update once:
    //   multiply_batch        Y = W X, X n x B (one sample per column), Y m x B; the default reads
    //                         column by column through multiply()
    //   apply_weight_changes  W <- W + dw (m x n), a dense change accumulated digitally over the
    //                         batch; the default refuses (UsageError): an array whose update is an
    //                         outer-product circuit or pulse train has no dense write
    virtual Eigen::MatrixXf multiply_batch(const Eigen::MatrixXf& x) const;
    virtual void apply_weight_changes(const Eigen::MatrixXf& dw);
    virtual Eigen::MatrixXf weights() const = 0;  // effective W, m x n

    virtual ArrayActivity activity() const { return {}; }
    // Lets dt_s of simulated time pass with no read or write (drift, leakage). Float weights stay.
    virtual void evolve(double /*dt_s*/) {}
    // Called before each epoch (1-based). Arrays with random streams re-derive them from the epoch,
    // so a run resumed at an epoch boundary draws exactly the numbers an uninterrupted one draws.
    virtual void start_epoch(int /*epoch*/) {}
    // Device conductances by name ("plus", "minus"), m x n, in S; empty for float weights.
    virtual std::map<std::string, Eigen::MatrixXd> conductances_S() const { return {}; }
    // Global drift compensation (Joshi et al., Nat. Commun. 11:2473, 2020): record a calibration
    // read now (training/device_array/read_model.hpp: one-hot inputs, summed output magnitudes);
    // later, compensate_drift() scales every read by the ratio of that reference to the same read
    // then, undoing the array's mean conductance decay. remove_drift_compensation() reads unscaled
    // again and keeps the reference, so that a later compensate_drift() compares with the same one.
    // The compensation scales reads only: devices evolve the same with or without it.
    virtual void record_drift_reference() {}
    virtual void compensate_drift() {}
    virtual void remove_drift_compensation() {}
    virtual ArrayCheckpoint checkpoint() const = 0;
    // The same into `out`, which may hold an earlier checkpoint of this array: an array with large
    // blocks reuses their storage, so that a checkpoint per training step (a skipped sample's
    // rollback, trainer.hpp) does not allocate and fault in megabytes each time.
    virtual void checkpoint_into(ArrayCheckpoint& out) const { out = checkpoint(); }
    // Throws ParameterError naming the block when a block is missing or has the wrong size.
    virtual void restore(const ArrayCheckpoint& checkpoint) = 0;
};

// The block `name` of `checkpoint`, which must hold exactly `size` values (ParameterError otherwise).
const std::vector<double>& checkpoint_block(const ArrayCheckpoint& checkpoint, const std::string& name, std::size_t size);

// Float weights, updated exactly: w_ij <- w_ij - (learning_rate * delta_i) * x_j, each product and
// difference rounded once in float, in that order (a test relies on this bit for bit).
class IdealArray final : public WeightArray {
public:
    explicit IdealArray(Eigen::MatrixXf weights);

    Eigen::VectorXf multiply(const Eigen::VectorXf& x) const override;
    Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const override;
    void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) override;
    void apply_weight_changes(const Eigen::MatrixXf& dw) override;  // weights += dw, in float
    Eigen::MatrixXf weights() const override { return weights_; }
    ArrayCheckpoint checkpoint() const override;  // "weights": m x n, column-major, float values as doubles
    void restore(const ArrayCheckpoint& checkpoint) override;

private:
    Eigen::MatrixXf weights_;
};

// Builds the array of layer `layer` (0 = first weight layer) holding `initial_weights` (m x n).
// This is where an engine plugs in: a compact or spice engine programs the initial weights into
// its devices here, and can derive a per-layer random stream from `layer`.
using ArrayFactory = std::function<std::unique_ptr<WeightArray>(int layer, const Eigen::MatrixXf& initial_weights)>;

// Layer indices from here up ask the factory for a feedback array (direct feedback alignment,
// network.hpp: hidden layer l's is feedback_layer_base + l): programmed once, read transposed, never
// updated, so an engine gives it no update circuit. Its random streams come from the index as a weight
// layer's do.
inline constexpr int feedback_layer_base = 1 << 16;

std::unique_ptr<WeightArray> make_ideal_array(int layer, const Eigen::MatrixXf& initial_weights);

}  // namespace cimkit::training
