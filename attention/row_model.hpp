#pragma once
// A one-head attention classifier over a sequence of rows (docs/attention.md#a-task-with-real-data):
// MNIST read as 28 tokens of 28 pixels, classified from the last token's attention output.
//
//   h_t = relu(W_e x_t + b_e) + P_t                      embedding and learned position
//   q_t = W_q h_t + b_q,  k_t = W_k h_t + b_k,  v_t = W_v h_t + b_v
//   float model:    o = sum_n softmax_n(q_T k_n / sqrt(D)) v_n          over the window of the last token T
//   hardware model: the gain-cell block (attention/gain_cell_attention.hpp) on the pulse widths
//                   clamp(q, 0, 1) and the stored voltages clamp(k + 0.45, 0, 0.9), clamp(v + 0.45, 0, 0.9),
//                   its last output row o (the read law: linear surrogate or published)
//   logits = W_c o + b_c, softmax cross-entropy
//
// The hardware model's backward pass is the paper's: through the linear law 19.3 w whatever law
// ran forward, straight through the quantisers, zero where a clamp was active (the first stage's
// charge-to-pulse, the second stage's read-out, the input ranges).
#include <cstdint>
#include <vector>

#include "attention/gain_cell_attention.hpp"

namespace cimkit::attention {

struct RowModel {
    int features = 0, dims = 0, tokens = 0, classes = 0;
    // Every trainable parameter, in one vector so that the optimiser treats them alike; the views
    // below name its parts.
    std::vector<double> parameters;
};

struct RowModelShape {
    int features, dims, tokens, classes;
};

// Xavier-uniform weights, zero biases and positions, drawn from Rng(seed).
RowModel make_row_model(const RowModelShape& shape, std::uint64_t seed);
std::size_t parameter_count(const RowModelShape& shape);

enum class AttentionKind { float_softmax, hardware };

struct RowForward {
    std::vector<double> logits;
    int predicted = 0;
};

// One sequence (tokens x features, row-major): its logits. `law` and `settings` are the hardware's.
RowForward row_forward(const RowModel& model, const float* sequence, AttentionKind kind, GainCellReadModel law,
                       const HeadSettings& settings);

// The hardware model in two halves, for an engine other than the compact block (the ngspice tiles):
// the head's inputs for one sequence, and the class scores from the last token's attention output.
HeadInputs row_head_inputs(const RowModel& model, const float* sequence);
RowForward row_classify(const RowModel& model, const Eigen::VectorXd& last_output);

// The loss of one labelled sequence, and its gradient added into `gradient` (size of parameters).
double row_loss_and_gradient(const RowModel& model, const float* sequence, int label, AttentionKind kind, GainCellReadModel law,
                             const HeadSettings& settings, std::vector<double>& gradient);

}  // namespace cimkit::attention
