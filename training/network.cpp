#include "training/network.hpp"

#include <cassert>
#include <cmath>
#include <exception>
#include <string>

#include "devices/core/errors.hpp"
#include "training/sense_amp.hpp"

namespace cimkit::training {
namespace {

constexpr int max_layer_size = 100000;
constexpr const char* neuron_energy_block = "neuron_energy_J";
constexpr const char* feedback_prefix = "feedback_";
constexpr const char* sense_amp_block = "sense_amp_decisions";

std::string sizes_text(const std::vector<int>& sizes) {
    std::string text = "{";
    for (std::size_t i = 0; i < sizes.size(); ++i) text += (i ? ", " : "") + std::to_string(sizes[i]);
    return text + "}";
}

}  // namespace

LearningRule parse_learning_rule(const std::string& text) {
    if (text == "backprop") return LearningRule::backprop;
    if (text == "dfa") return LearningRule::dfa;
    throw ParameterError("training: rule = '" + text + "' must be 'backprop' or 'dfa'");
}

std::string to_string(LearningRule rule) { return rule == LearningRule::dfa ? "dfa" : "backprop"; }

void validate(const NetworkConfig& config) {
    const auto& sizes = config.layer_sizes;
    if (sizes.size() < 2) {
        throw ParameterError("network: layer_sizes = " + sizes_text(sizes) + " must list at least the inputs and the outputs");
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (sizes[i] < 1 || sizes[i] > max_layer_size) {
            throw ParameterError("network: layer_sizes[" + std::to_string(i) + "] = " + std::to_string(sizes[i]) +
                                 " is outside [1, " + std::to_string(max_layer_size) + "]");
        }
    }
    if (config.hidden_activations.size() != sizes.size() - 2) {
        throw ParameterError("network: hidden_activations has " + std::to_string(config.hidden_activations.size()) +
                             " entries, but layer_sizes = " + sizes_text(sizes) + " has " + std::to_string(sizes.size() - 2) +
                             " hidden layers");
    }
    if (config.rule == LearningRule::dfa && sizes.size() < 3) {
        throw ParameterError("network: training.rule = dfa with layer_sizes = " + sizes_text(sizes) +
                             ": direct feedback alignment trains hidden layers, and this network has none");
    }
    if (config.sense_amp_hidden && sizes.size() < 3) {
        throw ParameterError("network: array.readout = sense_amp with layer_sizes = " + sizes_text(sizes) +
                             ": the sense amplifiers decide hidden layers' outputs, and this network has none");
    }
}

Eigen::MatrixXf xavier_uniform(int outputs, int inputs, Rng& rng) {
    const double s = std::sqrt(6.0 / (inputs + outputs));
    Eigen::MatrixXf w(outputs, inputs);
    for (int i = 0; i < outputs; ++i) {
        for (int j = 0; j < inputs; ++j) w(i, j) = static_cast<float>(s * (2.0 * rng.uniform() - 1.0));
    }
    return w;
}

Network::Network(const NetworkConfig& config, const ArrayFactory& make_array, const NeuronFactory& make_neuron) {
    validate(config);
    sizes_ = config.layer_sizes;
    loss_ = config.loss;
    const Rng init(config.seed);
    const int count = static_cast<int>(sizes_.size()) - 1;
    for (int l = 0; l < count; ++l) {
        Rng rng = init.stream(static_cast<std::uint64_t>(l));
        const Eigen::MatrixXf w = xavier_uniform(sizes_[l + 1], sizes_[l], rng);
        const Activation f = l + 1 < count ? config.hidden_activations[l] : output_activation(loss_);
        std::unique_ptr<WeightArray> array = make_array(l, w);
        layers_.push_back({std::move(array), Eigen::VectorXf::Zero(sizes_[l + 1]), f, make_neuron(f, sizes_[l + 1])});
    }
    rule_ = config.rule;
    sense_amp_hidden_ = config.sense_amp_hidden;
    sense_amp_energy_J_ = config.sense_amp_energy_J;
    if (rule_ != LearningRule::dfa) return;
    for (int l = 0; l + 1 < count; ++l) {
        Rng rng = init.stream(feedback_stream + static_cast<std::uint64_t>(l));
        feedback_.push_back(make_array(feedback_layer_base + l, xavier_uniform(outputs(), sizes_[l + 1], rng)));
    }
}

void Network::add_to_bias(int layer, const Eigen::VectorXf& delta_bias) {
    assert(delta_bias.size() == layers_.at(layer).bias.size());
    layers_.at(layer).bias += delta_bias;
}

void Network::set_bias(int layer, const Eigen::VectorXf& bias) {
    if (bias.size() != layers_.at(layer).bias.size()) {
        throw ParameterError("network: layer " + std::to_string(layer) + " bias has " + std::to_string(layers_.at(layer).bias.size()) +
                             " entries, not " + std::to_string(bias.size()));
    }
    layers_.at(layer).bias = bias;
}

void Network::evolve(double dt_s) {
    for (auto& layer : layers_) layer.array->evolve(dt_s);
    for (auto& array : feedback_) array->evolve(dt_s);
}

void Network::start_epoch(int epoch) {
    for (auto& layer : layers_) layer.array->start_epoch(epoch);
    for (auto& array : feedback_) array->start_epoch(epoch);
}

void Network::record_drift_reference() {
    for (auto& layer : layers_) layer.array->record_drift_reference();
    for (auto& array : feedback_) array->record_drift_reference();
}

void Network::compensate_drift() {
    for (auto& layer : layers_) layer.array->compensate_drift();
    for (auto& array : feedback_) array->compensate_drift();
}

void Network::remove_drift_compensation() {
    for (auto& layer : layers_) layer.array->remove_drift_compensation();
    for (auto& array : feedback_) array->remove_drift_compensation();
}

namespace {

void add_activity(ArrayActivity& total, const ArrayActivity& a) {
    total.update_pulses += a.update_pulses;
    total.update_random_numbers += a.update_random_numbers;
    total.read_energy_J += a.read_energy_J;
    total.write_energy_J += a.write_energy_J;
    total.update_circuit_energy_J += a.update_circuit_energy_J;
    total.adc_energy_J += a.adc_energy_J;
    total.wire_energy_J += a.wire_energy_J;
    total.dac_energy_J += a.dac_energy_J;
}

}  // namespace

Eigen::VectorXf Network::layer_output(int layer, const Eigen::VectorXf& z, Eigen::VectorXf& neuron_output) const {
    neuron_output = neuron(layer).activate(z);
    if (!sense_amp_hidden_ || layer + 1 == layer_count()) return neuron_output;
    sense_amp_decisions_ += static_cast<std::uint64_t>(z.size());
    return hardware_aware_output(neuron_output, sense_amp_decision(z), hw_awareness_);
}

ArrayActivity Network::activity() const {
    ArrayActivity total;
    total.adc_energy_J = static_cast<double>(sense_amp_decisions_) * sense_amp_energy_J_;  // the hidden layers' 1-bit decisions
    for (const auto& layer : layers_) {
        add_activity(total, layer.array->activity());
        total.neuron_energy_J += layer.neuron->energy_J();
    }
    for (const auto& array : feedback_) add_activity(total, array->activity());  // their reads (and programming)
    return total;
}

std::vector<Eigen::MatrixXf> Network::weights() const {
    std::vector<Eigen::MatrixXf> all;
    for (const auto& layer : layers_) all.push_back(layer.array->weights());
    return all;
}

ForwardPass forward(const Network& network, const Eigen::VectorXf& x) {
    assert(x.size() == network.inputs());
    ForwardPass pass;
    pass.activations.push_back(x);
    for (int l = 0; l < network.layer_count(); ++l) {
        pass.pre_activations.push_back(network.array(l).multiply(pass.activations.back()) + network.bias(l));
        pass.neuron_outputs.emplace_back();
        pass.activations.push_back(network.layer_output(l, pass.pre_activations.back(), pass.neuron_outputs.back()));
    }
    return pass;
}

std::vector<Eigen::VectorXf> backward(const Network& network, const ForwardPass& pass, const Eigen::VectorXf& output_gradient_z) {
    const int count = network.layer_count();
    assert(output_gradient_z.size() == network.outputs());
    std::vector<Eigen::VectorXf> deltas(count);
    deltas[count - 1] = output_gradient_z;
    const bool direct = network.rule() == LearningRule::dfa;
    for (int l = count - 2; l >= 0; --l) {
        const Eigen::VectorXf back = direct ? network.feedback(l).multiply_transposed(deltas[count - 1])
                                            : network.array(l + 1).multiply_transposed(deltas[l + 1]);
        // f_l'(z_l) .* back: under sense_amp f' is the straight-through surrogate of the decision
        // (sense_amp.hpp); with error multipliers the neuron circuits form the product themselves.
        deltas[l] = network.neuron(l).error_product(pass.pre_activations[l], pass.neuron_outputs[l], back);
    }
    return deltas;
}

Eigen::MatrixXf LayerUpdate::delta_weights() const {
    return -(learning_rate * delta) * x.transpose();
}

std::vector<LayerUpdate> compute_updates(const ForwardPass& pass, const std::vector<Eigen::VectorXf>& deltas, float learning_rate) {
    assert(deltas.size() == pass.pre_activations.size());
    std::vector<LayerUpdate> updates;
    for (std::size_t l = 0; l < deltas.size(); ++l) {
        updates.push_back({pass.activations[l], deltas[l], learning_rate, -learning_rate * deltas[l]});
    }
    return updates;
}

void apply_to_array(Network& network, const std::vector<LayerUpdate>& updates) {
    assert(static_cast<int>(updates.size()) == network.layer_count());
    for (int l = 0; l < network.layer_count(); ++l) {
        const LayerUpdate& u = updates[l];
        network.array(l).apply_outer_product(u.x, u.delta, u.learning_rate);
        network.add_to_bias(l, u.delta_bias);
    }
    // Every started update is finished even if one fails, so none is left running into the next sample.
    std::exception_ptr first_failure;
    for (int l = 0; l < network.layer_count(); ++l) {
        try {
            network.array(l).finish_updates();
        } catch (...) {
            if (!first_failure) first_failure = std::current_exception();
        }
    }
    if (first_failure) std::rethrow_exception(first_failure);
}

ForwardPass BatchForwardPass::sample(Eigen::Index b) const {
    ForwardPass pass;
    for (const auto& a : activations) pass.activations.push_back(a.col(b));
    for (const auto& z : pre_activations) pass.pre_activations.push_back(z.col(b));
    for (const auto& f : neuron_outputs) pass.neuron_outputs.push_back(f.col(b));
    return pass;
}

BatchForwardPass forward_batch(const Network& network, const Eigen::MatrixXf& x) {
    assert(x.rows() == network.inputs());
    BatchForwardPass pass;
    pass.activations.push_back(x);
    for (int l = 0; l < network.layer_count(); ++l) {
        Eigen::MatrixXf z = network.array(l).multiply_batch(pass.activations.back());
        z.colwise() += network.bias(l);
        Eigen::MatrixXf a(z.rows(), z.cols()), f(z.rows(), z.cols());
        for (Eigen::Index b = 0; b < z.cols(); ++b) {
            Eigen::VectorXf neuron_output;
            a.col(b) = network.layer_output(l, z.col(b), neuron_output);
            f.col(b) = neuron_output;
        }
        pass.pre_activations.push_back(std::move(z));
        pass.neuron_outputs.push_back(std::move(f));
        pass.activations.push_back(std::move(a));
    }
    return pass;
}

BatchUpdate::BatchUpdate(const Network& network) {
    for (int l = 0; l < network.layer_count(); ++l) {
        delta_weights.push_back(Eigen::MatrixXf::Zero(network.layer_sizes()[l + 1], network.layer_sizes()[l]));
        delta_bias.push_back(Eigen::VectorXf::Zero(network.layer_sizes()[l + 1]));
    }
}

void BatchUpdate::add(const std::vector<LayerUpdate>& sample_updates) {
    assert(sample_updates.size() == delta_weights.size());
    for (std::size_t l = 0; l < sample_updates.size(); ++l) {
        const LayerUpdate& u = sample_updates[l];
        delta_weights[l].noalias() -= (u.learning_rate * u.delta) * u.x.transpose();
        delta_bias[l] += u.delta_bias;
    }
}

void apply_batch_update(Network& network, const BatchUpdate& update) {
    assert(static_cast<int>(update.delta_weights.size()) == network.layer_count());
    for (int l = 0; l < network.layer_count(); ++l) {
        network.array(l).apply_weight_changes(update.delta_weights[static_cast<std::size_t>(l)]);
        network.add_to_bias(l, update.delta_bias[static_cast<std::size_t>(l)]);
    }
}

int predict(const Network& network, const Eigen::VectorXf& x) {
    Eigen::Index best = 0;
    forward(network, x).output().maxCoeff(&best);
    return static_cast<int>(best);
}

NetworkCheckpoint take_checkpoint(const Network& network) {
    NetworkCheckpoint c;
    take_checkpoint(network, c);
    return c;
}

void take_checkpoint(const Network& network, NetworkCheckpoint& into) {
    const auto layers = static_cast<std::size_t>(network.layer_count());
    into.arrays.resize(layers);
    into.biases.resize(layers);
    for (std::size_t l = 0; l < layers; ++l) {
        network.array(static_cast<int>(l)).checkpoint_into(into.arrays[l]);
        const NeuronStage& neuron = network.neuron(static_cast<int>(l));
        if (neuron.is_circuit()) into.arrays[l][neuron_energy_block] = {neuron.energy_J()};
        into.biases[l] = network.bias(static_cast<int>(l));
        if (network.sense_amp_hidden() && l == 0) into.arrays[l][sense_amp_block] = {static_cast<double>(network.sense_amp_decisions())};
        if (network.rule() == LearningRule::dfa && l + 1 < layers) {
            for (auto& [name, values] : network.feedback(static_cast<int>(l)).checkpoint()) into.arrays[l][feedback_prefix + name] = std::move(values);
        }
    }
}

void restore_checkpoint(Network& network, const NetworkCheckpoint& c) {
    if (c.arrays.size() != static_cast<std::size_t>(network.layer_count()) || c.biases.size() != c.arrays.size()) {
        throw ParameterError("checkpoint has " + std::to_string(c.arrays.size()) + " layers; the network has " +
                             std::to_string(network.layer_count()));
    }
    for (int l = 0; l < network.layer_count(); ++l) {
        try {
            const ArrayCheckpoint& blocks = c.arrays[static_cast<std::size_t>(l)];
            if (network.rule() != LearningRule::dfa || l + 1 == network.layer_count()) {
                network.array(l).restore(blocks);
            } else {
                ArrayCheckpoint weights, feedback;  // the layer's blocks, and its feedback array's
                for (const auto& [name, values] : blocks) {
                    const bool of_feedback = name.rfind(feedback_prefix, 0) == 0;
                    (of_feedback ? feedback[name.substr(std::string(feedback_prefix).size())] : weights[name]) = values;
                }
                network.array(l).restore(weights);
                try {
                    network.feedback(l).restore(feedback);
                } catch (const ParameterError& e) {
                    throw ParameterError(std::string("feedback array: ") + e.what());
                }
            }
            network.set_bias(l, c.biases[static_cast<std::size_t>(l)]);
            const auto decisions = blocks.find(sense_amp_block);
            if (network.sense_amp_hidden() && l == 0 && decisions != blocks.end()) {
                network.set_sense_amp_decisions(static_cast<std::uint64_t>(checkpoint_block(blocks, sense_amp_block, 1).front()));
            }
            const auto energy = blocks.find(neuron_energy_block);
            if (network.neuron(l).is_circuit() && energy != blocks.end()) {
                if (energy->second.size() != 1) throw ParameterError("checkpoint block '" + std::string(neuron_energy_block) + "' holds " + std::to_string(energy->second.size()) + " values; expected 1");
                network.neuron(l).set_energy_J(energy->second.front());
            }
        } catch (const ParameterError& e) {
            throw ParameterError("layer " + std::to_string(l) + ": " + e.what());
        }
    }
}

}  // namespace cimkit::training
