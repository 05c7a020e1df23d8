#include "analysis/waveform_export.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include "analysis/provenance.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::analysis {
namespace {

spice::Plot tran_plot() {
    return spice::Plot{"tran1", "tran",
                       {spice::Vector{"time", "time", "s", true, {0.0, 1e-3}, {}},
                        spice::Vector{"v(out)", "out", "V", false, {0.0, 0.63}, {}},
                        spice::Vector{"i(v1)", "v1#branch", "A", false, {0.0, -1e-3}, {}}}};
}

}  // namespace

TEST(WaveformExport, SelectionKeepsScalesAndRefusesUnknownNames) {
    const auto kept = select_vectors({tran_plot()}, {"V(OUT)"});
    ASSERT_EQ(kept.size(), 1u);
    ASSERT_EQ(kept[0].vectors.size(), 2u);
    EXPECT_EQ(kept[0].vectors[0].name, "time");
    EXPECT_EQ(kept[0].vectors[1].name, "v(out)");
    EXPECT_EQ(select_vectors({tran_plot()}, {"v1#branch"})[0].vectors[1].name, "i(v1)");
    try {
        select_vectors({tran_plot()}, {"v(nowhere)"});
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("v(nowhere)"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("v(out)"), std::string::npos) << "lists what is available";
    }
}

TEST(WaveformExport, WritesTheSchemaLayout) {
    const auto path = std::filesystem::temp_directory_path() / ("cimkit_export_" + std::to_string(::getpid()) + ".h5");
    {
        h5::File file(path);
        write_provenance(file, "cimkit simulate x.cir -o x.h5");
        write_waveforms(file, {tran_plot()});
        file.commit();
    }
    h5::Reader reader(path);
    EXPECT_EQ(reader.string_attribute("/waveforms/tran1", "scale"), "time");
    EXPECT_EQ(reader.string_attribute("/waveforms/tran1", "analysis"), "tran");
    EXPECT_EQ(reader.string_attribute("/waveforms/tran1/i(v1)", "units"), "A");
    EXPECT_EQ(reader.string_attribute("/waveforms/tran1/i(v1)", "ngspice_name"), "v1#branch");
    EXPECT_EQ(reader.read_real("/waveforms/tran1/v(out)"), (std::vector<double>{0.0, 0.63}));
    EXPECT_EQ(reader.string_attribute("/", "command_line"), "cimkit simulate x.cir -o x.h5");
    EXPECT_EQ(reader.string_attribute("/", "created_utc").size(), 20u);
    std::filesystem::remove(path);
}

TEST(WaveformExport, SlashesInVectorNamesAreEscaped) {
    EXPECT_EQ(dataset_name("v(x1/n2)"), "v(x1%2Fn2)");
    EXPECT_EQ(dataset_name("v(out)"), "v(out)");
}

TEST(WaveformExport, SummaryNamesScaleRangeAndUnit) {
    EXPECT_EQ(summary_line(tran_plot()), "tran1: 3 vectors x 2 points, time 0 .. 0.001 s");
}

}  // namespace cimkit::analysis
