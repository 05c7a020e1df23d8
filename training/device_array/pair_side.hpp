#pragma once
// Which device of a differential pair (training/device_array/pair_storage.hpp): G+ or G-.
namespace cimkit::training {

enum class PairSide { plus, minus };

}  // namespace cimkit::training
