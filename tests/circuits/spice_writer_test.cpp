// The SPICE writer against golden files, and the netlist's refusal of names that could inject text.
// Regenerate the golden files after an intended change with CIMKIT_UPDATE_GOLDEN=1.
#include "circuits/spice_writer.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "circuits/crossbar.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

void expect_golden(const std::string& text, const std::string& file) {
    const std::string path = std::string(CIMKIT_TEST_DATA_DIR) + "/circuits/golden/" + file;
    if (std::getenv("CIMKIT_UPDATE_GOLDEN")) std::ofstream(path) << text;
    std::ifstream in(path);
    ASSERT_TRUE(in) << "missing golden file " << path << " (run with CIMKIT_UPDATE_GOLDEN=1)";
    std::ostringstream golden;
    golden << in.rdbuf();
    EXPECT_EQ(text, golden.str()) << "generated SPICE differs from " << path;
}

}  // namespace

TEST(SpiceWriter, EveryElementKindMatchesGolden) {
    Netlist n("writer golden: one of each");
    n.include("/opt/models/cards.lib");
    n.include("/opt/models/cards.lib");  // asked for again (a second tile): written once, as the golden has it
    n.add_model(ModelCard{"nsyn", "nmos", {{"level", 1}, {"kp", 1.2e-4}, {"vto", 0.4}}});
    n.add_subcircuit(Subcircuit{"buffer", {"in", "out"}, {Vcvs{"amp", "out", "0", "in", "0", 1e4}}});
    n.add(Resistor{"load", "out", "0", 1e3});
    n.add(Capacitor{"hold", "g", "0", 1e-13, 0.9});
    n.add(Source{Source::Kind::voltage, "in", "in", "0", PulseWave{0, 1, 0, 1e-9, 1e-9, 5e-9, 20e-9}});
    n.add(Source{Source::Kind::voltage, "ext", "x", "0", External{}});
    n.add(Source{Source::Kind::current, "bias", "0", "y", PiecewiseLinear{{{0, 0}, {1e-6, 2e-6}}}});
    n.add(Mosfet{"syn", "in", "g", "out", "out", "nsyn", 1e-6, 1e-6});
    n.add(Behavioural{Behavioural::Kind::current, "cell", "x", "y", "(1e-06)*v(x,y)*((0.5)+v(x,y)*(-0.25))"});
    n.add(Instance{"buf", {"in", "z"}, "buffer", {{"gain", 2.0}}});
    n.save("i(vin)");
    n.add_analysis(OpAnalysis{});
    n.add_analysis(TranAnalysis{1e-10, 1e-8, 5e-10});
    n.add_analysis(AcAnalysis{10, 1, 1e6});
    expect_golden(to_spice(n), "every_element.cir");
}

TEST(SpiceWriter, SmallCrossbarWithWiresMatchesGolden) {
    const auto model = builtin_devices().find("pcm").make({{"prog_noise_scale", "0", "test"}});
    const auto face = make_device_face(*model);
    Rng rng(1);
    std::vector<DeviceState> states;
    for (int k = 0; k < 6; ++k) {
        DeviceState s = model->make_device(rng);
        model->set_level(s, k / 5.0, rng);
        states.push_back(s);
    }
    const CrossbarGeometry g{2, 3, 1.5, 2.5};
    expect_golden(to_spice(build_crossbar_read(g, *face, states, {0.1, 0.2})), "crossbar_2x3_wires.cir");
}

TEST(SpiceWriter, NumbersRoundTrip) {
    for (double v : {0.1, 1.0 / 3.0, -2.5e-05, 6.02214076e23, 1e-300}) {
        EXPECT_EQ(std::strtod(spice_number(v).c_str(), nullptr), v);
    }
}

// Shortest round-trip text (issue 22): no "0.40000000000000002" where "0.4" reads back the same.
TEST(SpiceWriter, NumbersAreTheShortestThatRoundTrip) {
    EXPECT_EQ(spice_number(0.4), "0.4");
    EXPECT_EQ(spice_number(1e-9), "1e-09");
    EXPECT_EQ(spice_number(1e-6), "1e-06");
    EXPECT_EQ(spice_number(10000.0), "10000");
    EXPECT_EQ(spice_number(0.1 + 0.2), "0.30000000000000004");  // a different double from 0.3: 17 digits needed
    EXPECT_EQ(spice_number(-2.5e-05), "-2.5e-05");
}

// The standalone text: the header after the title as comments (a line break cannot start a card),
// the library copied in between comments naming it, the extra cards before .end, no .include left.
TEST(SpiceWriter, StandaloneTextInlinesLibrariesAndAddsHeaderAndCards) {
    const std::filesystem::path root = std::filesystem::temp_directory_path() / ("cimkit_standalone_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "peripherals");
    std::ofstream(root / "peripherals" / "tia.lib") << ".subckt tia in out\nr1 in out 1k\n.ends tia";  // no final line break
    Netlist n("standalone");
    n.include(root / "peripherals" / "tia.lib");
    n.add(Resistor{"1", "a", "0", 1e3});
    n.add_analysis(OpAnalysis{});
    StandaloneText extras{{"command: cimkit crossbar\n.control"}, root, {".meas op x find v(a)"}};
    const std::string text = to_standalone_spice(n, extras);
    EXPECT_EQ(text.rfind("standalone\n* command: cimkit crossbar .control\n.options klu\n", 0), 0u) << text;
    EXPECT_EQ(text.find(".include"), std::string::npos);
    EXPECT_NE(text.find("* ---- inlined from peripherals/tia.lib ----\n.subckt tia in out\nr1 in out 1k\n.ends tia\n"
                        "* ---- end of peripherals/tia.lib ----\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(".op\n.meas op x find v(a)\n.end\n"), std::string::npos) << text;
    EXPECT_EQ(to_spice(n).find("* command"), std::string::npos);  // the in-process text is unchanged
    std::filesystem::remove_all(root);
}

// Nothing a caller passes may start a new line or card in the output.
TEST(Netlist, RefusesNamesAndExpressionsThatCouldInjectText) {
    Netlist n("t");
    EXPECT_THROW(n.add(Resistor{"r1\n.control", "a", "b", 1.0}), NetlistError);
    EXPECT_THROW(n.add(Resistor{"ok", "a b", "c", 1.0}), NetlistError);
    EXPECT_THROW(n.add(Resistor{"ok", "A", "c", 1.0}), NetlistError);
    EXPECT_THROW(n.add(Resistor{"neg", "a", "b", -1.0}), NetlistError);
    EXPECT_THROW(n.add(Resistor{"nan", "a", "b", NAN}), NetlistError);
    EXPECT_THROW(n.add(Behavioural{Behavioural::Kind::current, "b", "a", "0", "v(a)\n.endc"}), NetlistError);
    EXPECT_THROW(n.add(Behavioural{Behavioural::Kind::current, "b", "a", "0", "v(a)*{x}"}), NetlistError);
    EXPECT_THROW(n.add(Behavioural{Behavioural::Kind::current, "b", "a", "0", "v(a"}), NetlistError);
    EXPECT_THROW(n.include("relative/path.lib"), NetlistError);
    EXPECT_THROW(Netlist("two\nlines"), NetlistError);
    n.add(Resistor{"r1", "a", "0", 1.0});
    EXPECT_THROW(n.add(Resistor{"r1", "b", "0", 2.0}), NetlistError) << "duplicate names";
    EXPECT_NO_THROW(n.add(Capacitor{"r1", "b", "0", 1e-12}));  // crl1 is another element
    EXPECT_THROW(n.option("method", "gear\n.control"), NetlistError);
    EXPECT_THROW(n.option("method gear", "x"), NetlistError);
}

// Options follow "klu" on the one .options line; without any the line is as it always was.
TEST(SpiceWriter, OptionsFollowKluOnTheOptionsLine) {
    Netlist n("t");
    n.add(Resistor{"r1", "a", "0", 1.0});
    EXPECT_NE(to_spice(n).find("\n.options klu\n"), std::string::npos);
    n.option("method", "gear");
    EXPECT_NE(to_spice(n).find("\n.options klu method=gear\n"), std::string::npos);
}

}  // namespace cimkit::circuits
