// What `cimkit simulate` reads from a netlist and from ngspice's printed lines (analysis_runs.hpp,
// spice_measurements.hpp), without running ngspice; check_simulate_results.py runs it end to end.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/analysis_runs.hpp"
#include "analysis/spice_measurements.hpp"

namespace cimkit::analysis {
namespace {

spice::NetlistText netlist(const std::string& text) { return spice::NetlistText::from_string(text, "t.cir"); }

spice::Plot tran_plot() {
    return spice::Plot{"tran1", "tran",
                       {spice::Vector{"time", "time", "s", true, {0.0, 1e-3}, {}},
                        spice::Vector{"v(out)", "out", "V", false, {0.0, 0.63}, {}}}};
}

}  // namespace

TEST(SimulateCards, ContinuationLinesJoinAndCommentsAreSkipped) {
    const auto cards = spice::dot_cards(netlist(".title line is not a card\n* .tran 1 2\n.meas tran t1 trig v(a) val=1\n"
                                                "* a comment between\n+ targ v(a) val=2 ; trailing\n.OP $ why\n.end\n.tran 1u 1m\n"));
    ASSERT_EQ(cards.size(), 2u);
    EXPECT_EQ(cards[0].text, ".meas tran t1 trig v(a) val=1 targ v(a) val=2");
    EXPECT_EQ(cards[0].line, 3u);
    EXPECT_EQ(cards[0].last_line, 5u);
    EXPECT_EQ(cards[1].keyword, ".op");
    EXPECT_EQ(spice::analysis_kind(cards[1]), "op");
    EXPECT_EQ(spice::analysis_kind(cards[0]), "");
}

TEST(SimulateCards, OneAnalysisPerLoadKeepsEveryLineNumber) {
    const auto text = netlist("t\nv1 a 0 1\n.op\n.dc v1 0 1\n+ 0.5\n.tran 1u 1m\n");
    const auto cards = analysis_cards(text);
    ASSERT_EQ(cards.size(), 3u);
    const auto only_tran = with_only_analysis(text, cards, 2);
    ASSERT_EQ(only_tran.lines.size(), text.lines.size());
    EXPECT_EQ(only_tran.lines[2], "*.op");
    EXPECT_EQ(only_tran.lines[3], "*.dc v1 0 1");
    EXPECT_EQ(only_tran.lines[4], "*+ 0.5");
    EXPECT_EQ(only_tran.lines[5], ".tran 1u 1m");
    EXPECT_EQ(analysis_cards(only_tran).size(), 1u);
}

TEST(SimulateMeasurements, PrintedResultsFailuresAndSilenceAreAllRecorded) {
    const auto cards = spice::dot_cards(netlist("t\n.meas tran rise trig v(out) val=0.1 rise=1 targ v(out) val=0.9 rise=1\n"
                                                ".meas tran top max v(out)\n.meas tran gone when v(out)=5\n"
                                                ".meas tran quiet find v(out) at=1\n.meas tran p param='top*2'\n"
                                                ".meas ac other find v(out) at=1k\n"));
    const std::vector<std::string> output = {
        "stdout Measurements for AC Analysis",  // ngspice 46 names the wrong analysis here
        "stderr out of interval",
        "stderr .meas tran gone when v(out)=5 failed!",
        "stdout rise                =  2.1972245773362196e-03 targ=  2.3025850929940459e-03 trig=  1.0536051565782630e-04",
        "stdout top                 =  9.9995460382416368e-01 at=  1.0000000000000000e-02",
        "stdout p                   =   failed",
    };
    const auto m = measurements_of("tran", cards, output, tran_plot());
    ASSERT_EQ(m.size(), 5u) << "only the tran cards";
    EXPECT_EQ(m[0].name, "rise");
    EXPECT_EQ(m[0].value, 2.1972245773362196e-03) << "17 digits read back exactly";
    EXPECT_EQ(m[0].units, "s");
    ASSERT_EQ(m[0].details.size(), 2u);
    EXPECT_EQ(m[0].details[0].first, "targ");
    EXPECT_EQ(m[1].units, "V");
    EXPECT_FALSE(m[1].failed);
    EXPECT_TRUE(m[2].failed && std::isnan(m[2].value));
    EXPECT_NE(m[2].error.find("out of interval"), std::string::npos);
    EXPECT_TRUE(m[3].failed && std::isnan(m[3].value)) << "no line printed: failed, not dropped";
    EXPECT_TRUE(m[4].failed && std::isnan(m[4].value));
    EXPECT_EQ(m[4].units, "unknown");
}

TEST(SimulateNestedDc, ShapeAndOuterValuesFollowTheCard) {
    const auto card = spice::dot_cards(netlist("t\n.dc v1 0 1 0.5 v2 0 0.3 0.1\n"))[0];
    spice::Plot dc{"dc1", "dc", {spice::Vector{"v-sweep", "v-sweep", "V", true, {}, {}}}};
    for (int outer = 0; outer < 4; ++outer) {
        for (double inner : {0.0, 0.5, 1.0}) dc.vectors[0].real.push_back(inner);
    }
    NestedSweep sweep;
    ASSERT_TRUE(find_nested_sweep(card, dc, sweep));
    EXPECT_EQ(sweep.outer_points, 4u);
    EXPECT_EQ(sweep.inner_points, 3u);
    EXPECT_EQ(sweep.outer_source, "v2");
    // summed as ngspice steps its source: 0.1 + 0.1 + 0.1, not 3 * 0.1
    EXPECT_EQ(sweep.outer_values, (std::vector<double>{0.0, 0.1, 0.1 + 0.1, 0.1 + 0.1 + 0.1}));
    const auto single = spice::dot_cards(netlist("t\n.dc v1 0 1 0.5\n"))[0];
    EXPECT_FALSE(find_nested_sweep(single, dc, sweep));
    const auto symbolic = spice::dot_cards(netlist("t\n.dc v1 0 1 0.5 v2 {lo} 0.3 0.1\n"))[0];
    ASSERT_TRUE(find_nested_sweep(symbolic, dc, sweep));
    EXPECT_TRUE(sweep.outer_values.empty()) << "not literal: the shape only";
}

TEST(SimulateGroups, NamedAfterTheCardAndItsOrdinal) {
    const auto card = spice::dot_cards(netlist("t\n.noise v(out) v1 dec 2 1 1k\n"))[0];
    const std::vector<spice::Plot> plots = {{"noise7", "noise", {}}, {"noise8", "noise", {}}};
    const auto groups = groups_of_run(card, 2, plots, {}, {card});
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].name, "noise2");
    EXPECT_EQ(groups[1].name, "noise2_integrated");
    EXPECT_EQ(groups[1].card, ".noise v(out) v1 dec 2 1 1k");
}

}  // namespace cimkit::analysis
