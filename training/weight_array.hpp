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
#include <functional>
#include <memory>

#include <Eigen/Core>

namespace cimkit::training {

class WeightArray {
public:
    virtual ~WeightArray() = default;
    virtual Eigen::VectorXf multiply(const Eigen::VectorXf& x) const = 0;            // W x, size m
    virtual Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const = 0;  // W^T d, size n
    // W <- W - learning_rate * delta x^T; delta has size m, x size n.
    virtual void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) = 0;
    virtual Eigen::MatrixXf weights() const = 0;  // effective W, m x n
};

// Float weights, updated exactly: w_ij <- w_ij - (learning_rate * delta_i) * x_j, each product and
// difference rounded once in float, in that order (a test relies on this bit for bit).
class IdealArray final : public WeightArray {
public:
    explicit IdealArray(Eigen::MatrixXf weights);

    Eigen::VectorXf multiply(const Eigen::VectorXf& x) const override;
    Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const override;
    void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) override;
    Eigen::MatrixXf weights() const override { return weights_; }

private:
    Eigen::MatrixXf weights_;
};

// Builds the array of layer `layer` (0 = first weight layer) holding `initial_weights` (m x n).
// This is where an engine plugs in: a compact or spice engine programs the initial weights into
// its devices here, and can derive a per-layer random stream from `layer`.
using ArrayFactory = std::function<std::unique_ptr<WeightArray>(int layer, const Eigen::MatrixXf& initial_weights)>;

std::unique_ptr<WeightArray> make_ideal_array(int layer, const Eigen::MatrixXf& initial_weights);

}  // namespace cimkit::training
