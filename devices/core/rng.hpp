#pragma once
// The seeded random generator every stochastic model takes explicitly
// (docs/architecture.md#seeded-randomness).
//
// There is no global generator. A run seeds one Rng from its config; independent streams (one per
// device, one per experiment) come from stream(i), so results do not depend on the order in which
// devices are visited. Same seed, same build: the same numbers bit for bit.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace cimkit {

class Rng {
public:
    explicit Rng(std::uint64_t seed);

    // An independent generator derived from this one's seed and `index` (SplitMix64 mixing).
    Rng stream(std::uint64_t index) const;

    double uniform();                          // [0, 1)
    double normal();                           // N(0, 1)
    double normal(double mean, double stddev);
    std::uint64_t seed() const { return seed_; }

    // The whole state (seed, engine, the normal distribution's saved second value) as doubles, exact:
    // each 64-bit word as two 32-bit halves. A generator restored from it draws the same numbers from
    // there on, so a checkpoint can resume in the middle of a stream. state_size() values.
    std::vector<double> state() const;
    // Throws ParameterError when `state` is not a state() of this build (size or values).
    void restore(const std::vector<double>& state);
    static std::size_t state_size();

private:
    std::uint64_t seed_;
    std::mt19937_64 engine_;
    std::normal_distribution<double> gauss_{0.0, 1.0};
};

}  // namespace cimkit
