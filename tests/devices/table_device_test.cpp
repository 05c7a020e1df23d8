// The table device (devices/table_device.hpp): its laws against their closed forms, its file
// (devices/table_device_file.hpp) and pulse CSV (devices/table_device_pulses.hpp) against bad input,
// and the DeviceModel contract for a device read as table:FILE through the registry.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include <unistd.h>

#include "devices/core/errors.hpp"
#include "devices/registry.hpp"
#include "devices/table_device_file.hpp"
#include "devices/table_device_pulses.hpp"

namespace cimkit {
namespace {

TableDevice reference(const std::vector<Setting>& settings = {}) { return TableDevice(load_table(reference_table_data()), settings); }

// g(t) = g_prog ((t + t0)/t0)^-nu after a pulse, and no change at all without drift.
TEST(TableDevice, DriftFollowsThePowerLaw) {
    const TableDevice drifting = reference({{"drift_nu", "0.05", "test"}, {"drift_t0_s", "2", "test"}});
    Rng rng(3);
    DeviceState s = drifting.make_device(rng);
    drifting.set_level(s, 0.6, rng);
    const double g0 = drifting.conductance_S(s);
    drifting.evolve(s, 1000.0, rng);
    EXPECT_NEAR(drifting.conductance_S(s), g0 * std::pow(1002.0 / 2.0, -0.05), 1e-12 * g0);
    EXPECT_EQ(drifting.retention_kind(), RetentionKind::drift);
    const TableDevice still = reference();
    DeviceState t = still.make_device(rng);
    still.set_level(t, 0.6, rng);
    const double g1 = still.conductance_S(t);
    still.evolve(t, 1e6, rng);
    EXPECT_EQ(still.conductance_S(t), g1);
    EXPECT_EQ(still.retention_kind(), RetentionKind::none);
}

// E = V^2 t (g_before + g_after)/2; a set_level costs the nominal pulses of the noise-free mean law.
TEST(TableDevice, WriteEnergyIsVSquaredGt) {
    const TableDevice device = reference({{"step_noise_scale", "0", "test"}});
    Rng rng(5);
    DeviceState s = device.make_device(rng);
    device.set_level(s, 0.3, rng);
    const DeviceState before = s;
    const Pulse pulse = device.nominal_pulse(+1);
    device.apply_pulse(s, pulse, rng);
    const double expected_J = pulse.amplitude * pulse.amplitude * pulse.width_s * 0.5 * (device.conductance_S(before) + device.conductance_S(s));
    EXPECT_NEAR(device.write_energy_J(before, s, pulse), expected_J, 1e-12 * expected_J);
    // Ten noise-free nominal pulses from level 0.3, priced one by one, against program_energy_J to their end.
    DeviceState walked = before;
    double pulses_J = 0.0;
    for (int k = 0; k < 10; ++k) {
        const DeviceState was = walked;
        device.apply_pulse(walked, pulse, rng);
        pulses_J += device.write_energy_J(was, walked, pulse);
    }
    EXPECT_NEAR(device.program_energy_J(before, walked), pulses_J, 1e-9 * pulses_J);
}

TEST(TableDeviceFile, RoundTripsBitForBit) {
    const TableDeviceData& d = reference_table_data();
    const TableDeviceData back = read_table_device_text(table_device_toml(d, {"test", {{"rows", 3.0}}}), "mem.toml");
    EXPECT_EQ(back.g_min_S, d.g_min_S);
    EXPECT_EQ(back.g_max_S, d.g_max_S);
    EXPECT_EQ(back.potentiate.g_S, d.potentiate.g_S);
    EXPECT_EQ(back.potentiate.mean_step_S, d.potentiate.mean_step_S);
    EXPECT_EQ(back.depress.sigma_S, d.depress.sigma_S);
    EXPECT_EQ(back.step_spread_d2d, d.step_spread_d2d);
    EXPECT_EQ(back.depress_width_s, d.depress_width_s);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// Each bad file: an IoError naming bad.toml, the line (where the key exists) and the key.
TEST(TableDeviceFile, EachBadFileIsRefusedWithItsLineAndKey) {
    const std::string good = table_device_toml(reference_table_data(), {});
    ASSERT_NO_THROW(read_table_device_text(good, "bad.toml"));
    const std::vector<std::pair<std::string, std::string>> bad{
        {"format = ", "bad.toml:1:10': not valid TOML"},
        {replaced(good, "'cimkit table device'", "'cimkit netlist'"), "format: expected format"},
        {replaced(good, "version = 1", "version = 2"), "version: expected version = 1"},
        {replaced(good, "[window]", "[windows]"), "[window]: missing"},
        {replaced(good, "g_max_S = 2.0000000000000002e-05", "g_max_S = 1e-07"), "[window] g_max_S: must be above g_min_S"},
        {replaced(good, "g_max_S = 2.0000000000000002e-05", "g_max_S = '2e-05'"), "[window] g_max_S: expected a number"},
        {replaced(good, "g_min_spread_d2d = 0.050000000000000003", "g_min_spread_d2d = 0.5"), "[window] g_min_spread_d2d: 0.5 is outside [0, 0.3]"},
        {replaced(good, "g_min_spread_d2d", "g_mn_spread_d2d"), "[window] g_min_spread_d2d: missing"},
        {replaced(good, "nu = 0.0", "nu = 0.0\nnuu = 1"), "[drift] nuu: is not a key of this section"},
        {replaced(good, "step_sigma_S = [ 1.14e-07, 1.14e-07 ]", "step_sigma_S = [ 1.14e-07, -1.14e-07 ]"),
         "[depress] step_sigma_S: element 2 = -1.14e-07 is outside [0, inf)"},
        {replaced(good, "step_sigma_S = [ 1.14e-07, 1.14e-07 ]", "step_sigma_S = [ 1.14e-07 ]"), "[depress] step_sigma_S: has 1 elements"},
        {replaced(good, "g_S = [ 9.9999999999999995e-07, 2.0000000000000002e-05 ]", "g_S = [ 2e-05, 1e-06 ]"), "[depress] g_S: must be strictly increasing"},
        {replaced(good, "read_voltage_V = 0.20000000000000001", "read_voltage_V = 0"), "[pulses] read_voltage_V: 0 is outside (0, inf)"},
        {good + "\n[extra]\nx = 1\n", "extra: is not a key of a table device file"},
    };
    for (const auto& [text, part] : bad) {
        try {
            read_table_device_text(text, "bad.toml");
            ADD_FAILURE() << "not refused: " << part;
        } catch (const IoError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(part), std::string::npos) << what;
            if (part.rfind("[window]: missing", 0) != 0) {
                EXPECT_TRUE(std::regex_search(what, std::regex("bad\\.toml:[0-9]+"))) << what;
            }
        }
    }
}

// Each bad row: an IoError naming pulses.csv:LINE and what was expected.
TEST(TableDevicePulses, EachBadRowIsRefusedWithItsLine) {
    const std::string header = "device_id,cycle,pulse,direction,conductance_S\n";
    const std::vector<std::pair<std::string, std::string>> bad{
        {"", "'pulses.csv': empty"},
        {"device_id,cycle,pulse,conductance_S\n", "pulses.csv:1': header has no column 'direction'"},
        {"device_id,cycle,pulse,direction,conductance_uS\n", "pulses.csv:1': header column 'conductance_uS'"},
        {header + "a,0,0,0,1e-6\na,0,1,+1\n", "pulses.csv:3': expected 5 fields"},
        {header + "a,0,0,0,1e-6\na,0,1,+1,25\n", "pulses.csv:3': conductance_S 25: expected siemens in [-1, 1]"},
        {header + "a,0,0,0,1e-6\na,0,1,+1,-2\n", "pulses.csv:3': conductance_S -2"},
        {header + "a,0,0,0,abc\n", "pulses.csv:2': conductance_S 'abc': expected a finite number"},
        {header + "a,0,0,0,nan\n", "pulses.csv:2': conductance_S 'nan'"},
        {header + "a,-1,0,0,1e-6\n", "pulses.csv:2': cycle '-1': expected a whole number"},
        {header + "a,0,1.5,+1,1e-6\n", "pulses.csv:2': pulse '1.5'"},
        {header + "a,0,1,sideways,1e-6\n", "pulses.csv:2': direction 'sideways'"},
        {header + "a,0,1,2,1e-6\n", "pulses.csv:2': direction '2'"},
        {"device_id;cycle;pulse;direction;conductance_S\n", "pulses.csv:1': header columns separated by ';'"},
        {"device_id,cycle,pulse,direction,G_uS\n", "pulses.csv:1': header column 'G_uS': the conductance in S expected"},
        {"device_id,cycle,pulse,direction,conductance_S,Cycle\n", "pulses.csv:1': header column 'Cycle' appears twice"},
        {header + "a,0,0,0,0.05\na,0,1,+1,0.06\n", "pulses.csv:2': conductance_S: every read is above 0.01 S (the smallest 0.05); S expected"},
        {header + "\"a,0,0,0,1e-6\n", "pulses.csv:2': a quote opened in field 1 is not closed"},
        {header + "\"a\"x,0,0,0,1e-6\n", "pulses.csv:2': text after the closing quote of field 1"},
        {header + "a,0,0.5,0,1e-6\n", "pulses.csv:2': pulse '0.5': expected a whole number"},
        {"\xFF\xFE" "d", "UTF-16 text"},
        {header + "a b,0,1,+1,1e-6\n", "pulses.csv:2': device_id 'a b'"},
        {"device_id,cycle,pulse,direction,conductance_S,time_s\na,0,1,+1,1e-6,-3\n", "pulses.csv:2': time_s -3"},
        {header + std::string("a,0,0,0,1e-6\0\n", 14), "contains NUL bytes"},
        {header + std::string(5000, 'x') + "\n", "pulses.csv:2': line of 5000 characters"},
    };
    for (const auto& [text, part] : bad) {
        try {
            read_pulse_csv_text(text, "pulses.csv");
            ADD_FAILURE() << "not refused: " << part;
        } catch (const IoError& e) {
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
        }
    }
    const PulseData good = read_pulse_csv_text("# comment\nConductance_S, device_id,cycle,pulse,direction\n\n2e-6,a,0,1,potentiate\n1e-6,a,0,2,depress\n", "pulses.csv");
    ASSERT_EQ(good.rows.size(), 2u);
    EXPECT_EQ(good.rows[1].direction, -1);
    EXPECT_EQ(good.rows[1].line, 5);
    EXPECT_EQ(good.rows[0].conductance_S, 2e-6);
    EXPECT_TRUE(good.ignored_columns.empty());

    // Another tool's file: a byte-order mark, CRLF, quoted fields, an extra column, words and
    // spreadsheet numbers for the direction; the rows are the same reads.
    const PulseData other = read_pulse_csv_text(
        "\xEF\xBB\xBF\"Direction\",\"temperature_K\",\"device_id\",cycle,pulse,\"conductance_S\"\r\n# from a probe station\r\n\r\n"
        "up,300,\"a\",0,1,\"2e-6\"\r\nRESET, 300 ,a,0,2,1e-6\r\n\"1.0\",\"3,5\",a,0,3,2.5e-6\r\n-1.00,301,a,0,4,1.5e-6\r\nset,300,a,0,5,1.7e-6\r\n",
        "pulses.csv");
    ASSERT_EQ(other.rows.size(), 5u);
    EXPECT_EQ(other.ignored_columns, std::vector<std::string>{"temperature_K"});
    const int directions[] = {+1, -1, +1, -1, +1};
    for (std::size_t k = 0; k < 5; ++k) EXPECT_EQ(other.rows[k].direction, directions[k]) << k;
    EXPECT_EQ(other.rows[0].device_id, "a");
    EXPECT_EQ(other.rows[0].conductance_S, 2e-6);
    EXPECT_EQ(other.rows[2].conductance_S, 2.5e-6);
    EXPECT_EQ(other.rows[1].line, 5);  // the byte-order mark does not shift the line numbers

    // A data frame's export: counts written as floats, a trailing comma (an unnamed column) and a
    // spreadsheet's blank row of commas.
    const PulseData frame = read_pulse_csv_text("device_id,cycle,pulse,direction,conductance_S,\na,0.0,3.0,1.0,2e-6,\n,,,,,\na,1.0,0,0,1e-6,\n", "pulses.csv");
    ASSERT_EQ(frame.rows.size(), 2u);
    EXPECT_EQ(frame.rows[0].pulse, 3);
    EXPECT_EQ(frame.rows[1].cycle, 1);
    EXPECT_EQ(frame.rows[1].line, 4);
    EXPECT_EQ(frame.ignored_columns, std::vector<std::string>{"(unnamed column 6)"});
}

// A device read as table:FILE through the registry: a missing file and a bad one exit as input
// errors naming the file; a good one passes the contract checks every built-in model passes
// (tests/devices/registry_test.cpp): dG/dlevel against finite differences, I(-V) = -I(V) bit for
// bit, level() the inverse of set_level().
TEST(TableDevice, FileDeviceThroughTheRegistryKeepsTheModelContract) {
    const auto folder = std::filesystem::temp_directory_path() / ("cimkit_table_" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder);
    const auto file = folder / "dev.toml";
    EXPECT_THROW(builtin_devices().find("table:" + file.string()), IoError);
    write_table_device_file(file, reference_table_data(), {"test", {}});
    const auto model = builtin_devices().find("table:" + file.string()).make({{"step_noise_scale", "0", "test"}});
    EXPECT_EQ(model->name(), "table");
    Rng rng(9);
    DeviceState s = model->make_device(rng);
    for (const double level : {0.2, 0.5, 0.8}) {
        const double h = 1e-5;
        model->set_level(s, level + h, rng);
        const double up = model->conductance_S(s);
        model->set_level(s, level - h, rng);
        const double down = model->conductance_S(s);
        model->set_level(s, level, rng);
        EXPECT_NEAR(model->level(s), level, 1e-12);
        const double fd = (up - down) / (2 * h);
        EXPECT_NEAR(model->dconductance_dlevel_S(s), fd, 1e-6 * std::abs(fd));
        EXPECT_EQ(model->current_A(-0.2, s), -model->current_A(0.2, s));
    }
    std::ofstream(file) << "format = \"cimkit table device\"\nversion = 1\n";
    try {
        builtin_devices().find("table:" + file.string());
        ADD_FAILURE() << "an incomplete file was accepted";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
    EXPECT_EQ(resolve_device_file_name("table:dev.toml", "/cfg"), "table:/cfg/dev.toml");
    EXPECT_EQ(resolve_device_file_name("table:/abs/dev.toml", "/cfg"), "table:/abs/dev.toml");
    EXPECT_EQ(resolve_device_file_name("pcm", "/cfg"), "pcm");
    EXPECT_EQ(resolve_device_file_name("spice:lib/m.lib:cell", "/cfg"), "spice:/cfg/lib/m.lib:cell");
    EXPECT_EQ(resolve_device_file_name("table:dev.toml", ""), "table:" + (std::filesystem::current_path() / "dev.toml").string());
    std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace cimkit
