#pragma once
// A dense copy of what a read needs of an ohmic model's devices (DeviceModel::ohmic_read: PCM, table
// devices): conductance_S of every device of both sides of the pairs and, for a model with read
// noise, read_noise_relative, as m x n column-major Eigen matrices in the pairs' storage order
// (k = i + m j, training/device_array/pair_storage.hpp).
//
// Why: a forward read of 784 x 100 pairs through the states costs four virtual calls per pair
// (current_A and read_noise_relative of G+ and G-) on 64-byte states spread over 10 MB; a perf
// profile of compact mnist_pcm training put 44 % of the run there (issue 20). From the cache the
// same read streams contiguous doubles.
//
// Exact: for an ohmic model current_A(v, s) == conductance_S(s) v bit for bit (the model declares
// it, Registry.OhmicReadIsDeclaredTruthfully checks it), so a read that multiplies the cached
// conductance by the voltage gives the bits the read through the states gave
// (tests/training/read_cache_test.cpp compares the two reads, noise draws included).
//
// Kept equal to the states by PairStorage, the only writer of devices: every write (set_level,
// pulse) updates its device's entries, evolve() (drift changes every device) and a restore of the
// states rebuild the whole cache. A model that is not ohmic gets an inactive cache (empty
// matrices) and is read through its states.
#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "devices/device_model.hpp"
#include "training/device_array/pair_side.hpp"

namespace cimkit::training {

class ReadCache {
public:
    // Active for an ohmic model (`model` must outlive the cache); sized rows x cols, filled by rebuild().
    ReadCache(const DeviceModel& model, int rows, int cols);

    bool active() const { return active_; }
    bool has_read_noise() const { return read_noise_; }

    // Every entry from the states (column-major vectors of rows x cols devices). No-op when inactive.
    void rebuild(const std::vector<DeviceState>& plus, const std::vector<DeviceState>& minus);
    // Entry k of `side` from its device after a write. No-op when inactive.
    void update(PairSide side, std::size_t k, const DeviceState& device) {
        if (!active_) return;
        Side& s = side_of(side);
        s.conductance_S(static_cast<Eigen::Index>(k)) = model_.conductance_S(device);
        if (read_noise_) s.read_noise_relative(static_cast<Eigen::Index>(k)) = model_.read_noise_relative(device);
    }

    // m x n: conductance_S of each device; read_noise_relative of each (empty without read noise).
    const Eigen::MatrixXd& conductances_S(PairSide side) const { return side_of(side).conductance_S; }
    const Eigen::MatrixXd& read_noise_relative(PairSide side) const { return side_of(side).read_noise_relative; }

private:
    struct Side {
        Eigen::MatrixXd conductance_S, read_noise_relative;
    };
    Side& side_of(PairSide side) { return side == PairSide::plus ? plus_ : minus_; }
    const Side& side_of(PairSide side) const { return side == PairSide::plus ? plus_ : minus_; }

    const DeviceModel& model_;
    bool active_, read_noise_;
    Side plus_, minus_;
};

}  // namespace cimkit::training
