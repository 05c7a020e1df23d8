// Update rule `essop`: the stochastic outer product of ESSOP (Joshi et al., arXiv 2003.11256;
// docs/learning-rules.md), delivered as device pulses. Like `stochastic` (Gokmen & Vlasov) it turns
// dw_ij = -lr delta_i x_j into BL time slots in which input line j and output line i each fire or
// not, a coincidence pulsing pair ij in the direction of -sign(delta_i x_j); it differs in the two
// things ESSOP changes:
//
// Power-of-two scaling (ESSOP's bit shifts instead of floating-point multiplications). With
// g = lr / (BL dw_pulse) (the array's constant: requested pulses per slot per unit of x delta),
//   k_x = ceil(log2 max_j |x_j|),   k_d = ceil(log2 max_i g |delta_i|)       (exponents, read off the
//   x~_j = |x_j| 2^-k_x,            d~_i = g |delta_i| 2^-k_d                 floats: no multiplier)
// so x~ and d~ lie in [0, 1] whatever the range of x: ReLU activations above 1 need no clipping.
// The requested pulse count is n_ij = BL x~_j d~_i 2^K with K = k_x + k_d. The shift 2^K goes to the
// pulses when K >= 0 (each coincidence gives 2^K pulses; K at most max_essop_shift, essop.hpp),
// else to the probabilities, split as evenly as whole powers allow (u = floor(-K / 2) on the inputs,
// -K - u on the outputs, like Gokmen's balance c_x / c_d but in powers of two):
//   p_j = x~_j 2^-u,  q_i = d~_i 2^-(-K-u),  pulses per coincidence c = 1      (K < 0)
//   p_j = x~_j,       q_i = d~_i,            c = 2^K                           (K >= 0)
// Then E[pulses_ij] = BL p_j q_i c = |dw_ij| / dw_pulse exactly: no probability exceeds 1, so unlike
// `stochastic` no request saturates (a large one costs 2^K pulses per coincidence instead).
//
// Random numbers shared (ESSOP re-uses random numbers; its abstract, all we read, does not say how,
// so the patterns are our choice; array.essop_lines):
//   shared:  in slot t ONE uniform r_x(t) is compared with every input line's p_j and ONE r_d(t)
//            with every output line's q_i: line j fires iff r_x(t) < p_j. A thermometer code: the
//            lines' trains are fully correlated (the lines with larger p fire whenever a smaller
//            one does), so in a slot either many inputs of a row fire together or none do, and the
//            change of a row's pre-activation sum_j dw_ij x_j is far noisier than with independent
//            trains (its variance adds covariances of all pairs of lines).
//   rotated: the same two draws, but line k compares frac(r + frac(k phi)) (essop.hpp): each line
//            is still uniform, the lines' fixed golden-ratio offsets spread their firing slots over
//            [0, 1) (two lines of p = 1/2 at neighbouring offsets fire together with probability
//            0.118 instead of 0.5 shared or 0.25 independent). One adder per line, no extra draw.
//   independent: one uniform per line and slot (Gokmen's trains with ESSOP's scaling), a reference.
// shared and rotated draw 2 BL numbers per update, against BL (rows + columns) for `stochastic`
// and independent; all are counted (update_random_numbers). In every pattern r_x and r_d are
// independent and each line's comparison is uniform, so each pair's coincidences stay
// Binomial(BL, p_j q_i): the pattern moves only the correlations between pairs.
//
// Order of draws: all BL slots' bits first, then each pair's n_ij c pulses (pairs input-major, all of
// a pair's pulses together; the device noise of a pulse draws from the same stream). Drawing every
// bit before any pulse is what lets the spice engine drive its update circuit with the same bits
// (circuits/slot_trains.hpp): the circuit integrates n_ij and the pairs get the same pulses from
// apply_essop_counts. (Until that circuit existed the pulses of a slot followed its draws; the
// bits of a seed differ from those runs', their statistics do not.)
//
// Like `stochastic`, the trains come from one sample's x and delta, so the rule cannot write a dW
// given from outside (mini-batches). Potentiate-only pairs near saturation are refreshed after the
// whole update (training/device_array/refresh_policy.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "training/array_options.hpp"
#include "training/device_array/refusal.hpp"
#include "training/update_rules/essop.hpp"
#include "training/update_rules/registry.hpp"
#include "training/update_rules/update_rule.hpp"

namespace cimkit::training {
namespace {

// ceil(log2 v) for v > 0, from the float's exponent: v 2^-k lies in (1/2, 1].
int exponent_above(double v) {
    int e = 0;
    const double mantissa = std::frexp(v, &e);  // v = mantissa 2^e, mantissa in [1/2, 1)
    return mantissa == 0.5 ? e - 1 : e;
}

class EssopRule final : public UpdateRule {
public:
    void apply_outer_product(PairWriter& pairs, const Eigen::VectorXf& x, const Eigen::VectorXf& delta, double lr) override {
        if (!trains_.prepare(x, delta, lr, pairs.options(), pairs.pulse_weight_step())) return;
        trains_.draw(pairs.update_stream());
        apply_essop_counts(pairs, x, delta, trains_, trains_.coincidence_counts());
    }

    void apply_weight_changes(PairWriter&, const Eigen::MatrixXf&) override {
        refuse("update_mode = essop draws its own pulse trains; it cannot apply a given dW");
    }

private:
    EssopTrains trains_;
};

}  // namespace

bool EssopTrains::prepare(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, double lr, const DeviceArrayOptions& options,
                          double pulse_weight_step) {
    const double x_max = x.cwiseAbs().maxCoeff(), d_max = delta.cwiseAbs().maxCoeff();
    if (!(x_max > 0.0 && d_max > 0.0 && lr > 0.0)) return false;
    const auto cols = static_cast<std::size_t>(x.size()), rows = static_cast<std::size_t>(delta.size());
    bit_length_ = options.stochastic_bit_length;
    lines_ = options.essop_lines;
    scaling_ = essop_scaling(x_max, d_max, lr, bit_length_, pulse_weight_step);
    input_p_.resize(cols);
    output_q_.resize(rows);
    for (std::size_t j = 0; j < cols; ++j) input_p_[j] = std::ldexp(std::abs(static_cast<double>(x(static_cast<Eigen::Index>(j)))), -scaling_.input_shift);
    for (std::size_t i = 0; i < rows; ++i) {
        output_q_[i] = std::ldexp(scaling_.gain * std::abs(static_cast<double>(delta(static_cast<Eigen::Index>(i)))), -scaling_.output_shift);
    }
    if (lines_ == EssopLines::rotated) set_offsets(static_cast<int>(std::max(rows, cols)));
    input_fires_.assign(static_cast<std::size_t>(bit_length_) * cols, 0);
    output_fires_.assign(static_cast<std::size_t>(bit_length_) * rows, 0);
    return true;
}

void EssopTrains::draw(Rng& rng) {
    const int n = inputs(), m = outputs();
    for (int slot = 0; slot < bit_length_; ++slot) {
        unsigned char* in = &input_fires_[at(slot, 0, n)];
        unsigned char* out = &output_fires_[at(slot, 0, m)];
        if (lines_ == EssopLines::independent) {
            for (int j = 0; j < n; ++j) in[j] = rng.uniform() < input_p_[static_cast<std::size_t>(j)];
            for (int i = 0; i < m; ++i) out[i] = rng.uniform() < output_q_[static_cast<std::size_t>(i)];
        } else {
            const double r_x = rng.uniform(), r_d = rng.uniform();
            fire(r_x, input_p_, in);
            fire(r_d, output_q_, out);
        }
    }
}

std::vector<int> EssopTrains::coincidence_counts() const {
    const int n = inputs(), m = outputs();
    std::vector<int> counts(static_cast<std::size_t>(n) * static_cast<std::size_t>(m), 0);
    for (int slot = 0; slot < bit_length_; ++slot) {
        for (int j = 0; j < n; ++j) {
            if (!input_fires(slot, j)) continue;
            for (int i = 0; i < m; ++i) counts[at(j, i, m)] += output_fires(slot, i) ? 1 : 0;
        }
    }
    return counts;
}

std::uint64_t EssopTrains::random_numbers() const {
    const std::uint64_t per_slot = lines_ == EssopLines::independent ? static_cast<std::uint64_t>(input_p_.size() + output_q_.size()) : 2u;
    return per_slot * static_cast<std::uint64_t>(bit_length_);
}

// Line k's rotation frac(k phi), for k below n (the same for every update).
void EssopTrains::set_offsets(int n) {
    while (static_cast<int>(offsets_.size()) < n) offsets_.push_back(essop_rotated_uniform(0.0, static_cast<int>(offsets_.size())));
}

// shared: fires iff r < p; rotated: iff frac(r + offset_k) < p (essop.hpp).
void EssopTrains::fire(double r, const std::vector<double>& p, unsigned char* fires) const {
    for (std::size_t k = 0; k < p.size(); ++k) {
        double u = r;
        if (lines_ == EssopLines::rotated) {
            u += offsets_[k];
            if (u >= 1.0) u -= 1.0;
        }
        fires[k] = u < p[k];
    }
}

void apply_essop_counts(PairWriter& pairs, const Eigen::VectorXf& x, const Eigen::VectorXf& delta, const EssopTrains& trains,
                        const std::vector<int>& counts) {
    const int n = static_cast<int>(x.size()), m = static_cast<int>(delta.size());
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < m; ++i) {
            const int count = counts[static_cast<std::size_t>(j) * static_cast<std::size_t>(m) + static_cast<std::size_t>(i)];
            if (count == 0) continue;
            const int direction = (delta(i) > 0.0f) == (x(j) > 0.0f) ? -1 : +1;
            pairs.pulse_pair(pairs.index(i, j), direction, count * trains.scaling().pulses_per_coincidence);
        }
    }
    pairs.count_random_numbers(trains.random_numbers());
    for (std::size_t k = 0; k < pairs.size(); ++k) pairs.refresh_if_saturated(k);
}

double essop_rotated_uniform(double r, int line) {
    constexpr double golden_fraction = 0.61803398874989484820;  // phi - 1 = (sqrt(5) - 1) / 2
    const double offset = std::fmod(line * golden_fraction, 1.0);
    const double u = r + offset;
    return u >= 1.0 ? u - 1.0 : u;
}

EssopScaling essop_scaling(double x_max, double d_max, double learning_rate, int bit_length, double pulse_weight_step) {
    EssopScaling s;
    s.gain = learning_rate / (bit_length * pulse_weight_step);
    const int k_x = exponent_above(x_max), k_d = exponent_above(s.gain * d_max);
    const int shift = std::min(k_x + k_d, max_essop_shift);
    const int input_extra = shift < 0 ? (-shift) / 2 : 0;
    s.input_shift = k_x + input_extra;
    s.output_shift = k_d + (shift < 0 ? -shift - input_extra : 0);
    s.pulses_per_coincidence = shift > 0 ? 1 << shift : 1;
    return s;
}

UpdateRuleInfo essop_update_rule() {
    UpdateRuleInfo info;
    info.name = "essop";
    info.summary = "ESSOP stochastic pulse trains: power-of-two scaled, one random number per slot shared by all inputs and one by all outputs "
                   "(array.essop_lines: how each line uses it)";
    info.applies_weight_changes = false;
    info.drives_update_circuit = true;
    // A potentiating and a depressing phase of stochastic_bit_length slots each (one pulse per slot
    // while K < 0, the usual case; docs/learning-rules.md).
    info.update_time_s = [](const DeviceArrayOptions& o, double pulse_s) { return 2.0 * o.stochastic_bit_length * pulse_s; };
    info.make = [] { return std::unique_ptr<UpdateRule>(std::make_unique<EssopRule>()); };
    return info;
}

}  // namespace cimkit::training
