#include "training/sense_amp.hpp"

namespace cimkit::training {

Eigen::VectorXf sense_amp_decision(const Eigen::VectorXf& z) {
    return (z.array() >= 0.0f).cast<float>().matrix();
}

Eigen::VectorXf hardware_aware_output(const Eigen::VectorXf& f, const Eigen::VectorXf& s, double lambda) {
    if (lambda >= 1.0) return s;
    if (lambda <= 0.0) return f;
    const auto l = static_cast<float>(lambda);
    return (1.0f - l) * f + l * s;
}

}  // namespace cimkit::training
