#pragma once
// A DeviceArray's checkpoint (training/device_array.hpp) with named, typed fields, and its
// conversion to and from the generic blocks of doubles the run file stores
// (ArrayCheckpoint, training/weight_array.hpp). The block of each field is named beside it; the
// blocks' names, sizes and order of values are the run file's format and must not change.
#include <cstddef>
#include <optional>
#include <vector>

#include "devices/device_model.hpp"
#include "training/device_array/pair_storage.hpp"
#include "training/weight_array.hpp"

namespace cimkit::training {

struct DeviceArrayCheckpoint {
    // "plus", "minus": DeviceState::x of every device, column-major (8 doubles per device). Kept
    // flat, as stored, so that a checkpoint per training step (trainer.hpp, skip) refills the blocks
    // it took over instead of copying the states twice.
    std::vector<double> plus_states, minus_states;
    // "counters": the first 7 fields in declaration order, the counts as exact doubles;
    // "write_energy_J", "adc_energy_J", "wire_energy_J", "dac_energy_J": the 8th to 11th, each in a block of its own
    // (absent in files written before they existed).
    DeviceArrayCounters counters;
    // "residual": the per-weight digital remainder, with accumulate_residual on.
    std::optional<std::vector<double>> residual;
    // "refresh_clock": evolve() time since the last level refresh, with level refresh on.
    std::optional<double> since_refresh_s;
    // "rng": the epoch's streams where they stand (Rng::state(), one after the other), for a resume
    // in the middle of an epoch. Absent in files written before the streams were checkpointed; the
    // read-noise stream `read` is empty in files written before it existed (three streams).
    struct Streams {
        std::vector<double> program, update, evolve, read;
    };
    std::optional<Streams> streams;
};

// What a DeviceArray expects to find: the number of devices on each side and which optional
// blocks its options write.
struct DeviceArrayCheckpointShape {
    std::size_t devices = 0;
    bool residual = false;
    bool since_refresh = false;
};

// A checkpoint of `shape` (the optional vectors engaged, possibly empty) that has taken over the
// storage of the large blocks of `blocks` (an earlier checkpoint of the same array, or empty), to
// be refilled and handed back by write_blocks.
DeviceArrayCheckpoint take_storage(ArrayCheckpoint& blocks, const DeviceArrayCheckpointShape& shape);
// The fields into their blocks of `out` (blocks of other names are left as they are).
void write_blocks(DeviceArrayCheckpoint&& checkpoint, ArrayCheckpoint& out);
// The fields from `blocks`; ParameterError naming the block when one is missing, has the wrong size
// or (counters) holds what is not a count.
DeviceArrayCheckpoint read_blocks(const ArrayCheckpoint& blocks, const DeviceArrayCheckpointShape& shape);

// Device states to and from their flat block form (DeviceState::x one after the other); `flat` is
// resized, reusing its storage.
void flatten_states(const std::vector<DeviceState>& devices, std::vector<double>& flat);
void unflatten_states(const std::vector<double>& flat, std::vector<DeviceState>& devices);

}  // namespace cimkit::training
