#include "training/feature_scaling.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "devices/core/errors.hpp"

namespace cimkit::training {

FeatureRange fit_feature_range(const Dataset& train) {
    if (train.size() == 0 || train.features < 1) {
        throw ParameterError("feature scaling: dataset '" + train.name + "' has no samples to fit the feature range on");
    }
    const auto n = static_cast<std::size_t>(train.features);
    FeatureRange range{std::vector<float>(train.x.begin(), train.x.begin() + n), std::vector<float>(train.x.begin(), train.x.begin() + n)};
    for (std::size_t i = 1; i < train.size(); ++i) {
        for (std::size_t f = 0; f < n; ++f) {
            range.min[f] = std::min(range.min[f], train.x[i * n + f]);
            range.max[f] = std::max(range.max[f], train.x[i * n + f]);
        }
    }
    return range;
}

void scale_features(Dataset& data, const FeatureRange& range, float lo, float hi) {
    if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi)) {
        throw ParameterError("feature scaling: range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                             "] must be finite with lo < hi");
    }
    const auto n = static_cast<std::size_t>(data.features);
    if (range.min.size() != n || range.max.size() != n) {
        throw ParameterError("feature scaling: dataset '" + data.name + "' has " + std::to_string(n) +
                             " features, but the fitted range has " + std::to_string(range.min.size()));
    }
    for (std::size_t i = 0; i < data.size(); ++i) {
        for (std::size_t f = 0; f < n; ++f) {
            const float span = range.max[f] - range.min[f];
            float& v = data.x[i * n + f];
            v = span > 0.0f ? lo + (v - range.min[f]) * (hi - lo) / span : 0.5f * (lo + hi);
        }
    }
}

void scale_features(Split& split, float lo, float hi) {
    const FeatureRange range = fit_feature_range(split.train);
    scale_features(split.train, range, lo, hi);
    scale_features(split.test, range, lo, hi);
}

}  // namespace cimkit::training
