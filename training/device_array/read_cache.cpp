#include "training/device_array/read_cache.hpp"

#include <cassert>

namespace cimkit::training {

ReadCache::ReadCache(const DeviceModel& model, int rows, int cols)
    : model_(model), active_(model.ohmic_read()), read_noise_(model.ohmic_read() && model.has_read_noise()) {
    if (!active_) return;
    for (Side* s : {&plus_, &minus_}) {
        s->conductance_S.setZero(rows, cols);
        if (read_noise_) s->read_noise_relative.setZero(rows, cols);
    }
}

void ReadCache::rebuild(const std::vector<DeviceState>& plus, const std::vector<DeviceState>& minus) {
    if (!active_) return;
    assert(plus.size() == static_cast<std::size_t>(plus_.conductance_S.size()) && minus.size() == plus.size());
    for (std::size_t k = 0; k < plus.size(); ++k) {
        update(PairSide::plus, k, plus[k]);
        update(PairSide::minus, k, minus[k]);
    }
}

}  // namespace cimkit::training
