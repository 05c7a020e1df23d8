#pragma once
// The file of `cimkit crossbar` (docs/hdf5-schema.md, /crossbar): the currents of one MVM through
// ngspice and through the compact model, its inputs, weights and device levels, the run's settings and
// figures as attributes, and the read transient under /waveforms.
//
// Datasets and attributes are declared once, in crossbar_datasets() and crossbar_attributes()
// (docs/architecture.md#outputs-and-the-training-run-service); the writer and the reader walk those
// tables and address everything by name.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "analysis/crossbar_experiment.hpp"
#include "analysis/h5/h5_file.hpp"

namespace cimkit::analysis {

// The run as asked for, beside what it measured.
struct CrossbarRecord {
    std::string device;
    std::string scheme;   // as given: single, differential, reference
    std::string readout;  // ideal, tia, integrator
    std::string input_encoding = "amplitude";  // amplitude, pulse_width
    double integrator_farad = 0.0;  // the integrator's feedback capacitance (0 with the other read-outs)
    bool access_transistor = false;
    double wire_segment_ohm = 0.0;
    double wire_segment_farad = 0.0;
    double driver_ohm = 0.0;
    int adc_bits = 8;
    int rows = 0, columns = 0;  // weight columns
    CrossbarResult result;
};

// One dataset of /crossbar: 1-D, or rows x `columns(record)` (row-major) when that is set.
struct CrossbarDataset {
    std::string name;  // /crossbar/<name>
    std::string units;
    std::string description;
    std::vector<double> CrossbarResult::*values;
    std::function<int(const CrossbarRecord&)> matrix_columns;  // unset: a vector
    bool written_when_empty = true;  // false: left out when the run has no such values
};

// One attribute of /crossbar: a string or a number.
using CrossbarValue = std::variant<std::string, double>;
struct CrossbarAttribute {
    std::string name;
    std::string description;
    std::function<CrossbarValue(const CrossbarRecord&)> get;
    std::function<void(CrossbarRecord&, const CrossbarValue&)> set;
};

const std::vector<CrossbarDataset>& crossbar_datasets();
const std::vector<CrossbarAttribute>& crossbar_attributes();

// The /crossbar group and the read transient under /waveforms (the root's provenance, seed and
// config_toml are the caller's).
void write_crossbar_record(h5::File& file, const CrossbarRecord& record);

// Reads /crossbar back by name (not the waveforms, netlist or wall time). Throws IoError naming the
// file and a missing or malformed dataset or attribute.
CrossbarRecord read_crossbar_record(const std::filesystem::path& path);

}  // namespace cimkit::analysis
