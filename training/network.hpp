#pragma once
// A fully connected network of any depth, trained one sample at a time by backprop.
//
// Layers l = 0 .. L-1 (L = layer_count()), layer l maps n_l inputs to m_l = n_{l+1} outputs:
//   z_l     = W_l a_l + b_l           W_l read through the layer's WeightArray (the engine), b_l digital
//   a_{l+1} = f_l(z_l)                a_0 = x (the sample's features)
// Output activation f_{L-1} = output_activation(loss) (loss.hpp); hidden activations are chosen per layer,
// each evaluated by the layer's NeuronStage (neuron.hpp): a formula, or a neuron circuit.
//
// A training step is four functions:
//   forward          a_l and z_l of every layer for one sample
//   backward         delta_{L-1} = dL/dz_{L-1} (from the loss),
//                    delta_l = f_l'(z_l) .* (W_{l+1}^T delta_{l+1})   (multiply_transposed: through the array)
//                    or, under direct feedback alignment (LearningRule::dfa, below),
//                    delta_l = f_l'(z_l) .* (B_l^T delta_{L-1})       (through the feedback array of layer l)
//   compute_updates  dW_l = -lr delta_l a_l^T, db_l = -lr delta_l   (kept as the factors a_l, delta_l, lr,
//                    because hardware delivers an outer product, not a matrix)
//   apply_to_array   W_l <- W_l + dW_l through WeightArray::apply_outer_product; b_l <- b_l + db_l
//
// Initialisation (Glorot & Bengio 2010, "Xavier uniform"): w ~ U(-s, s), s = sqrt(6 / (n_l + m_l)),
// drawn row by row from Rng(seed).stream(l), so each layer's draw is independent of the others; b = 0.
// The same seed gives bit-identical initial weights.
//
// Direct feedback alignment (Noekland, NeurIPS 2016; on CIM hardware arXiv 2212.14337; docs/learning-rules.md):
// every hidden layer l = 0 .. L-2 owns a fixed random feedback matrix B_l of the shape of an output
// layer fed by it (outputs x m_l), drawn Xavier-uniform like the weights, U(-s, s) with
// s = sqrt(6 / (m_l + outputs)), row by row from Rng(seed).stream(feedback_stream + l), after every
// weight layer is drawn. B_l lives in an array of its own, made by the same ArrayFactory as layer
// feedback_layer_base + l (weight_array.hpp; so a device engine programs it into devices that drift and are noisy like the weights), read
// only by the transposed read (the backward read of the weights' arrays), and never updated. The
// output error reaches every hidden layer directly, so the hardware reads all of them at once
// (training/sample_latency.hpp).
//
// Sense-amplifier read-out (NetworkConfig::sense_amp_hidden; training/sense_amp.hpp): every hidden
// layer's a_{l+1} is the 1-bit decision s(z_l) of its sense amplifiers (during training, blended with
// f_l(z_l) by the hardware awareness lambda), and backward uses f_l'(z_l) as the straight-through
// surrogate: delta_l = f_l'(z_l) .* (...), with f_l(z_l) kept in ForwardPass::neuron_outputs.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "devices/core/rng.hpp"
#include "training/activation.hpp"
#include "training/loss.hpp"
#include "training/neuron.hpp"
#include "training/weight_array.hpp"

namespace cimkit::training {

// How the hidden layers' errors are computed (training.rule).
enum class LearningRule { backprop, dfa };
LearningRule parse_learning_rule(const std::string& text);  // "backprop" | "dfa"; ParameterError otherwise
std::string to_string(LearningRule rule);

// The Rng(seed) stream index of hidden layer l's feedback matrix is feedback_stream + l: far from the
// weight layers' l and the trainer's epochs.
inline constexpr std::uint64_t feedback_stream = 1u << 21;

struct NetworkConfig {
    std::vector<int> layer_sizes;                // {inputs, hidden ..., outputs}: >= 2 entries, each in [1, 100000]
    std::vector<Activation> hidden_activations;  // one per hidden layer: layer_sizes.size() - 2 entries
    Loss loss = Loss::softmax_cross_entropy;     // also fixes the output activation
    std::uint64_t seed = 1;                      // initialisation; the experiment sets it from run.seed (whose default this is)
    LearningRule rule = LearningRule::backprop;  // dfa needs at least one hidden layer
    // array.readout = sense_amp: hidden layers' outputs are sense-amplifier decisions (needs a hidden
    // layer); each decision costs sense_amp_energy_J (the 1-bit converter's, 0 on the ideal engine).
    bool sense_amp_hidden = false;
    double sense_amp_energy_J = 0.0;
};

// Throws ParameterError naming the field, its value and the rule.
void validate(const NetworkConfig& config);

// m x n, entries U(-s, s), s = sqrt(6 / (n + m)), filled row by row.
Eigen::MatrixXf xavier_uniform(int outputs, int inputs, Rng& rng);

class Network {
public:
    // Validates `config`, draws the initial weights and hands each layer's to `make_array`; each
    // layer's activation comes from `make_neuron` (after the layer's array is made).
    explicit Network(const NetworkConfig& config, const ArrayFactory& make_array = make_ideal_array,
                     const NeuronFactory& make_neuron = make_math_neuron);

    int layer_count() const { return static_cast<int>(layers_.size()); }
    const std::vector<int>& layer_sizes() const { return sizes_; }
    int inputs() const { return sizes_.front(); }
    int outputs() const { return sizes_.back(); }
    Loss loss() const { return loss_; }

    Activation activation(int layer) const { return layers_.at(layer).activation; }
    const NeuronStage& neuron(int layer) const { return *layers_.at(layer).neuron; }
    NeuronStage& neuron(int layer) { return *layers_.at(layer).neuron; }
    const WeightArray& array(int layer) const { return *layers_.at(layer).array; }
    WeightArray& array(int layer) { return *layers_.at(layer).array; }
    const Eigen::VectorXf& bias(int layer) const { return layers_.at(layer).bias; }
    void add_to_bias(int layer, const Eigen::VectorXf& delta_bias);
    void set_bias(int layer, const Eigen::VectorXf& bias);  // size checked (ParameterError)

    std::vector<Eigen::MatrixXf> weights() const;  // effective W_l of every layer, from its array

    LearningRule rule() const { return rule_; }
    // Hidden layer l's feedback array (B_l, outputs x m_l), l in 0 .. layer_count() - 2; dfa only.
    const WeightArray& feedback(int hidden_layer) const { return *feedback_.at(hidden_layer); }
    WeightArray& feedback(int hidden_layer) { return *feedback_.at(hidden_layer); }

    bool sense_amp_hidden() const { return sense_amp_hidden_; }
    // The hardware awareness lambda of the training forward passes (sense_amp only; 1: the hardware).
    // The trainer sets it per epoch and back to 1 for evaluation.
    double hw_awareness() const { return hw_awareness_; }
    void set_hw_awareness(double lambda) { hw_awareness_ = lambda; }
    // Hidden layer l's output from its pre-activation z: f_l(z) into `neuron_output`, and the
    // returned a_{l+1}: f_l(z), or under sense_amp the blend of f_l(z) and the SA's decision (each
    // decision counted). The output layer: f(z).
    Eigen::VectorXf layer_output(int layer, const Eigen::VectorXf& z, Eigen::VectorXf& neuron_output) const;
    std::uint64_t sense_amp_decisions() const { return sense_amp_decisions_; }
    void set_sense_amp_decisions(std::uint64_t count) { sense_amp_decisions_ = count; }  // a checkpoint's

    // Every layer's array: simulated time passes (drift, leakage), or a new epoch starts (streams).
    void evolve(double dt_s);
    void start_epoch(int epoch);
    void record_drift_reference();  // every layer's array (WeightArray::record_drift_reference)
    void compensate_drift();
    void remove_drift_compensation();
    ArrayActivity activity() const;  // summed over layers, with the neuron circuits' energy

private:
    struct Layer {
        std::unique_ptr<WeightArray> array;
        Eigen::VectorXf bias;
        Activation activation;
        std::unique_ptr<NeuronStage> neuron;
    };
    std::vector<int> sizes_;
    Loss loss_;
    LearningRule rule_ = LearningRule::backprop;
    std::vector<Layer> layers_;
    std::vector<std::unique_ptr<WeightArray>> feedback_;  // dfa: one per hidden layer; empty otherwise
    bool sense_amp_hidden_ = false;
    double sense_amp_energy_J_ = 0.0;
    double hw_awareness_ = 1.0;
    mutable std::uint64_t sense_amp_decisions_ = 0;  // counted by the (const) reads; kept in checkpoints
};

struct ForwardPass {
    std::vector<Eigen::VectorXf> activations;      // a_0 (= x) .. a_L: layer_count() + 1 entries
    std::vector<Eigen::VectorXf> pre_activations;  // z_0 .. z_{L-1}: layer_count() entries
    std::vector<Eigen::VectorXf> neuron_outputs;   // f_l(z_l): the activations without a sense amplifier

    const Eigen::VectorXf& output() const { return activations.back(); }
    const Eigen::VectorXf& output_pre_activation() const { return pre_activations.back(); }
};

// One sample; x.size() == network.inputs() (asserted).
ForwardPass forward(const Network& network, const Eigen::VectorXf& x);

// delta_l = dL/dz_l for every layer, from the loss gradient dL/dz_{L-1} (LossValue::gradient_z).
std::vector<Eigen::VectorXf> backward(const Network& network, const ForwardPass& pass, const Eigen::VectorXf& output_gradient_z);

struct LayerUpdate {
    Eigen::VectorXf x;      // a_l, the layer's input
    Eigen::VectorXf delta;  // delta_l
    float learning_rate = 0.0f;
    Eigen::VectorXf delta_bias;  // -learning_rate * delta

    Eigen::MatrixXf delta_weights() const;  // -learning_rate * delta x^T, dense (logs, exact checks)
};

std::vector<LayerUpdate> compute_updates(const ForwardPass& pass, const std::vector<Eigen::VectorXf>& deltas, float learning_rate);

void apply_to_array(Network& network, const std::vector<LayerUpdate>& updates);

// Mini-batch training (TrainingConfig::batch_size > 1): the batch is read with the weights fixed, one
// sample per column, and the updates of its samples are summed digitally and written once:
//   dW_l = sum_b -lr delta_l,b a_l,b^T,  db_l = sum_b -lr delta_l,b     (the sum, not the mean: lr
// stays a per-sample step, and batch_size = 1 is plain SGD)
struct BatchForwardPass {
    std::vector<Eigen::MatrixXf> activations;      // a_0 (= X) .. a_L, each layer width x B
    std::vector<Eigen::MatrixXf> pre_activations;  // z_0 .. z_{L-1}
    std::vector<Eigen::MatrixXf> neuron_outputs;   // f_l(z_l)

    Eigen::Index samples() const { return activations.front().cols(); }
    ForwardPass sample(Eigen::Index b) const;  // column b as a one-sample pass (for backward)
};

// X: network.inputs() x B (asserted). Each layer's read is one WeightArray::multiply_batch.
BatchForwardPass forward_batch(const Network& network, const Eigen::MatrixXf& x);

struct BatchUpdate {
    std::vector<Eigen::MatrixXf> delta_weights;  // per layer, m x n
    std::vector<Eigen::VectorXf> delta_bias;     // per layer

    explicit BatchUpdate(const Network& network);  // zeros
    void add(const std::vector<LayerUpdate>& sample_updates);
};

// W_l <- W_l + dW_l through WeightArray::apply_weight_changes, b_l <- b_l + db_l.
void apply_batch_update(Network& network, const BatchUpdate& update);

// The class with the largest output (the first one on a tie).
int predict(const Network& network, const Eigen::VectorXf& x);

// Every layer's array state and bias: what a checkpoint holds, and what a skipped training step
// restores (trainer.hpp). A layer whose neuron is a circuit adds the block "neuron_energy_J" to its
// array's blocks; under dfa, hidden layer l adds its feedback array's blocks, each name prefixed
// "feedback_" (so the run file keeps B_l and a resume restores it bit for bit). Under sense_amp,
// layer 0 adds "sense_amp_decisions" (the count behind the decisions' energy).
struct NetworkCheckpoint {
    std::vector<ArrayCheckpoint> arrays;  // per layer
    std::vector<Eigen::VectorXf> biases;  // per layer
};

NetworkCheckpoint take_checkpoint(const Network& network);
// The same into `into`, reusing its storage (WeightArray::checkpoint_into).
void take_checkpoint(const Network& network, NetworkCheckpoint& into);
// Throws ParameterError (naming the layer and block) when the checkpoint does not fit the network.
void restore_checkpoint(Network& network, const NetworkCheckpoint& checkpoint);

}  // namespace cimkit::training
