#pragma once
// Linear feature scaling, fitted on the training set and applied unchanged to every set.
//
//   x' = lo + (x - min_f) (hi - lo) / (max_f - min_f)     per feature f
// min_f, max_f come from the TRAINING set only (fit_feature_range), so the test set leaks nothing
// into training. Training features then lie in [lo, hi]; a test feature beyond the training range
// maps linearly beyond [lo, hi] (no clamping). A feature constant over the training set maps to
// (lo + hi) / 2. lo and hi are in the unit the inputs are driven in: dimensionless for the ideal
// engine, later a driver's voltage (V) or pulse range.
#include <vector>

#include "training/dataset.hpp"

namespace cimkit::training {

struct FeatureRange {
    std::vector<float> min, max;  // per feature, over the training set
};

// Throws ParameterError for an empty dataset.
FeatureRange fit_feature_range(const Dataset& train);

// Throws ParameterError unless lo < hi (both finite) and the feature counts agree.
void scale_features(Dataset& data, const FeatureRange& range, float lo, float hi);

// Fits on split.train and scales both sets.
void scale_features(Split& split, float lo, float hi);

}  // namespace cimkit::training
