#include "training/device_array/checkpoint.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"

namespace cimkit::training {
namespace {

constexpr std::size_t state_size = std::tuple_size<decltype(DeviceState::x)>::value;
constexpr std::size_t counter_count = 7;

// `name`'s vector, moved out of `blocks`, or an empty one.
std::vector<double> take(ArrayCheckpoint& blocks, const std::string& name) {
    const auto found = blocks.find(name);
    return found == blocks.end() ? std::vector<double>() : std::move(found->second);
}

// Checked first: a corrupt run file must not reach an out-of-range cast.
std::uint64_t count(double value) {
    if (!(value >= 0.0 && value < 0x1p64)) throw ParameterError("checkpoint: block 'counters' holds " + std::to_string(value) + ", not a count");
    return static_cast<std::uint64_t>(value);
}

}  // namespace

void flatten_states(const std::vector<DeviceState>& devices, std::vector<double>& flat) {
    flat.resize(devices.size() * state_size);
    for (std::size_t k = 0; k < devices.size(); ++k) {
        std::copy_n(devices[k].x.begin(), state_size, flat.begin() + static_cast<std::ptrdiff_t>(k * state_size));
    }
}

void unflatten_states(const std::vector<double>& flat, std::vector<DeviceState>& devices) {
    for (std::size_t k = 0; k < devices.size(); ++k) {
        std::copy_n(flat.begin() + static_cast<std::ptrdiff_t>(k * state_size), state_size, devices[k].x.begin());
    }
}

DeviceArrayCheckpoint take_storage(ArrayCheckpoint& blocks, const DeviceArrayCheckpointShape& shape) {
    DeviceArrayCheckpoint checkpoint;
    checkpoint.plus_states = take(blocks, "plus");
    checkpoint.minus_states = take(blocks, "minus");
    if (shape.residual) checkpoint.residual = take(blocks, "residual");
    if (shape.since_refresh) checkpoint.since_refresh_s = 0.0;
    return checkpoint;
}

void write_blocks(DeviceArrayCheckpoint&& checkpoint, ArrayCheckpoint& out) {
    const DeviceArrayCounters& c = checkpoint.counters;
    out["plus"] = std::move(checkpoint.plus_states);
    out["minus"] = std::move(checkpoint.minus_states);
    out["counters"] = {static_cast<double>(c.update_pulses), static_cast<double>(c.refreshes), static_cast<double>(c.clipped_inputs),
                       static_cast<double>(c.clipped_weights), static_cast<double>(c.capped_updates),
                       static_cast<double>(c.programming_writes), c.read_energy_J};
    out["write_energy_J"] = {c.write_energy_J};
    out["adc_energy_J"] = {c.adc_energy_J};
    out["wire_energy_J"] = {c.wire_energy_J};
    out["dac_energy_J"] = {c.dac_energy_J};
    out["update_random_numbers"] = {static_cast<double>(c.update_random_numbers)};
    if (checkpoint.residual) out["residual"] = std::move(*checkpoint.residual);
    if (checkpoint.since_refresh_s) out["refresh_clock"] = {*checkpoint.since_refresh_s};
    if (checkpoint.streams) {
        std::vector<double>& streams = out["rng"];
        streams.clear();
        for (const std::vector<double>* state :
             {&checkpoint.streams->program, &checkpoint.streams->update, &checkpoint.streams->evolve, &checkpoint.streams->read}) {
            streams.insert(streams.end(), state->begin(), state->end());
        }
    }
}

DeviceArrayCheckpoint read_blocks(const ArrayCheckpoint& blocks, const DeviceArrayCheckpointShape& shape) {
    DeviceArrayCheckpoint checkpoint;
    const std::size_t values = shape.devices * state_size;
    checkpoint.plus_states = checkpoint_block(blocks, "plus", values);
    checkpoint.minus_states = checkpoint_block(blocks, "minus", values);
    if (shape.residual) checkpoint.residual = checkpoint_block(blocks, "residual", shape.devices);
    if (shape.since_refresh) checkpoint.since_refresh_s = checkpoint_block(blocks, "refresh_clock", 1)[0];
    if (blocks.count("rng")) {
        const std::size_t n = Rng::state_size();
        const bool with_read = blocks.at("rng").size() == 4 * n;
        const std::vector<double>& streams = checkpoint_block(blocks, "rng", (with_read ? 4 : 3) * n);
        const auto part = [&](std::size_t r) {
            return std::vector<double>(streams.begin() + static_cast<std::ptrdiff_t>(r * n), streams.begin() + static_cast<std::ptrdiff_t>((r + 1) * n));
        };
        checkpoint.streams = DeviceArrayCheckpoint::Streams{part(0), part(1), part(2), with_read ? part(3) : std::vector<double>{}};
    }
    const std::vector<double>& c = checkpoint_block(blocks, "counters", counter_count);
    checkpoint.counters = {count(c[0]), count(c[1]), count(c[2]), count(c[3]), count(c[4]), count(c[5]), c[6]};
    // Checkpoints written before write energy was counted resume with none counted so far.
    if (blocks.count("write_energy_J")) checkpoint.counters.write_energy_J = checkpoint_block(blocks, "write_energy_J", 1)[0];
    if (blocks.count("adc_energy_J")) checkpoint.counters.adc_energy_J = checkpoint_block(blocks, "adc_energy_J", 1)[0];
    if (blocks.count("wire_energy_J")) checkpoint.counters.wire_energy_J = checkpoint_block(blocks, "wire_energy_J", 1)[0];
    if (blocks.count("dac_energy_J")) checkpoint.counters.dac_energy_J = checkpoint_block(blocks, "dac_energy_J", 1)[0];
    if (blocks.count("update_random_numbers")) checkpoint.counters.update_random_numbers = count(checkpoint_block(blocks, "update_random_numbers", 1)[0]);
    return checkpoint;
}

}  // namespace cimkit::training
