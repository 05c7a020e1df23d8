#pragma once
// The table device's file (TOML, read and written with toml++; docs/own-devices.md#the-device-file):
//
//   format = "cimkit table device"
//   version = 1
//   [window]     g_min_S, g_max_S, g_min_spread_d2d, g_max_spread_d2d
//   [pulses]     read_voltage_V, potentiate_amplitude_V, potentiate_width_s, depress_amplitude_V, depress_width_s
//   [potentiate] g_S, mean_step_S, step_sigma_S, steps  (lists of one length: the states)
//   [depress]    the same
//   [variation]  step_spread_d2d
//   [drift]      nu (0: none), t0_s
//   [fit]        what the fit measured (information only; not read back)
//
// A file from anyone: every key is checked (type, range, list lengths, increasing states) and a
// refusal is an IoError "FILE:LINE: [section] key: what was expected" (exit 2). Unknown keys are
// refused too, so a misspelt one is not silently replaced by nothing.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "devices/table_device.hpp"
#include "devices/table_device_name.hpp"

namespace cimkit {

TableDeviceData read_table_device_file(const std::filesystem::path& path);
// The same from text; `origin` stands in for the file name in messages.
TableDeviceData read_table_device_text(const std::string& toml_text, const std::string& origin);

// What the fit measured, written under [fit]: (name, value) pairs in order, and a line of text.
struct FitSummary {
    std::string source;
    std::vector<std::pair<std::string, double>> figures;
};

std::string table_device_toml(const TableDeviceData& data, const FitSummary& fit);
// Written whole under a temporary name and renamed onto `path` (devices/core/temporary_file.hpp).
void write_table_device_file(const std::filesystem::path& path, const TableDeviceData& data, const FitSummary& fit);

}  // namespace cimkit
