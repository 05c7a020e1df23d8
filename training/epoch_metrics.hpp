#pragma once
// What one epoch of training measured, and the table that names each measurement.
//
// The table is the one declaration of a metric outside its computation: the training file's writer
// and reader (analysis/layouts/training_layout.cpp) walk it and address every dataset by its name,
// and a test checks that docs/hdf5-schema.md documents every column. A new metric is therefore one
// member and one table line here, and its computation in training/trainer.cpp.
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace cimkit::training {

// Metrics of one epoch. The counters and clocks are cumulative from the start of the run (across a
// resume), read at the end of the epoch.
struct EpochMetrics {
    int epoch = 0;  // 1-based
    double train_accuracy = 0.0;
    double test_accuracy = 0.0;
    double loss = 0.0;
    std::uint64_t update_pulses = 0;
    std::uint64_t update_random_numbers = 0;  // uniform random numbers the update rules drew (stochastic, essop)
    // Energy by part of the chip; energy_total_J is their sum. A part the engine does not model
    // counts 0 (the ideal engine models none).
    double energy_read_J = 0.0;
    double energy_write_J = 0.0;
    double energy_update_circuit_J = 0.0;
    double energy_adc_J = 0.0;
    double energy_neuron_J = 0.0;
    double energy_wire_J = 0.0;
    double energy_dac_J = 0.0;
    double energy_total_J = 0.0;
    double simulated_time_s = 0.0;
    double sample_latency_s = 0.0;
    double circuit_time_s = 0.0;
    double readout_latency_s = 0.0;  // one inference's conversions (sample_latency.hpp)
    double readout_energy_J = 0.0;
    double wall_time_s = 0.0;
    // Samples of this epoch skipped after a convergence failure (per epoch, not cumulative).
    std::uint64_t skipped_samples = 0;       // training samples: no update applied
    std::uint64_t skipped_test_samples = 0;  // test samples: counted as misclassified
};

// The EpochMetrics member a column holds: int and uint64 members are stored as int64, double as float64.
using MetricField = std::variant<int EpochMetrics::*, std::uint64_t EpochMetrics::*, double EpochMetrics::*>;

// One dataset of /training/metrics: one row per epoch.
struct MetricColumn {
    std::string name;         // dataset /training/metrics/<name>
    std::string units;        // its `units` attribute
    std::string description;  // a short description; docs/hdf5-schema.md says more
    MetricField field;
    bool absent_means_zero = false;  // files written before the column existed resume as if it held zeros
};

// The metrics table, in the order the datasets are written.
inline const std::vector<MetricColumn>& metric_columns() {
    static const std::vector<MetricColumn> columns{
        {"epoch", "1", "1-based epoch number", &EpochMetrics::epoch},
        {"train_accuracy", "1", "running accuracy over the epoch, each sample judged before its own update", &EpochMetrics::train_accuracy},
        {"test_accuracy", "1", "test-set accuracy after the epoch", &EpochMetrics::test_accuracy},
        {"loss", "1", "mean training loss over the epoch", &EpochMetrics::loss},
        {"update_pulses", "1", "write pulses delivered to devices", &EpochMetrics::update_pulses},
        {"update_random_numbers", "1", "uniform random numbers drawn by the update rules (stochastic, essop; 0 for the others)",
         &EpochMetrics::update_random_numbers, true},
        {"energy_read_J", "J", "energy of the read drivers", &EpochMetrics::energy_read_J},
        {"energy_write_J", "J", "energy the devices' write pulses drew from their supplies", &EpochMetrics::energy_write_J, true},
        {"energy_update_circuit_J", "J", "energy of the spice update circuit's cells (0 where none runs)", &EpochMetrics::energy_update_circuit_J, true},
        {"energy_adc_J", "J", "energy of the output lines' converters (0 without array.adc_bits)", &EpochMetrics::energy_adc_J, true},
        {"energy_neuron_J", "J", "energy of the neuron and derivative circuits between layers (0 for a formula activation)", &EpochMetrics::energy_neuron_J, true},
        {"energy_wire_J", "J", "energy of charging the driven lines' capacitance (0 without array.wire_farad)", &EpochMetrics::energy_wire_J, true},
        {"energy_dac_J", "J", "energy of the driven lines' DACs (0 without array.dac_bits)", &EpochMetrics::energy_dac_J, true},
        {"energy_total_J", "J", "sum of the energy columns", &EpochMetrics::energy_total_J, true},
        {"simulated_time_s", "s", "hardware time: training samples x training.sample_period_s", &EpochMetrics::simulated_time_s},
        {"sample_latency_s", "s", "hardware time one training sample needs on the chip's circuits (reads, conversions, update)", &EpochMetrics::sample_latency_s, true},
        {"circuit_time_s", "s", "learning time so far on the chip's circuits: training samples x sample_latency_s", &EpochMetrics::circuit_time_s, true},
        {"readout_latency_s", "s", "conversion time of one inference's forward reads: per layer adc_bits (1 for a sense amplifier) x array.adc_time_per_bit_s",
         &EpochMetrics::readout_latency_s, true},
        {"readout_energy_J", "J", "converter energy of one inference's forward reads: per output line adc_energy_per_step_J x 2^bits (2 for a sense amplifier)",
         &EpochMetrics::readout_energy_J, true},
        {"wall_time_s", "s", "wall-clock time spent training and evaluating", &EpochMetrics::wall_time_s},
        {"skipped_samples", "1", "training samples of this epoch skipped after a convergence failure", &EpochMetrics::skipped_samples, true},
        {"skipped_test_samples", "1", "test samples of this epoch skipped after a convergence failure", &EpochMetrics::skipped_test_samples, true},
    };
    return columns;
}

// A column's value in `m` as a double, and the reverse (for code that walks the table).
inline double metric_value(const MetricColumn& column, const EpochMetrics& m) {
    return std::visit([&](auto member) { return static_cast<double>(m.*member); }, column.field);
}

inline void set_metric_value(const MetricColumn& column, EpochMetrics& m, double value) {
    std::visit([&](auto member) { m.*member = static_cast<std::remove_reference_t<decltype(m.*member)>>(value); }, column.field);
}

// The stored element type: "int64" or "float64".
inline const char* metric_dtype(const MetricColumn& column) {
    return std::holds_alternative<double EpochMetrics::*>(column.field) ? "float64" : "int64";
}

}  // namespace cimkit::training
