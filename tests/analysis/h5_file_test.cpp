#include "analysis/h5/h5_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>

#include "devices/core/errors.hpp"
#include "tests/support/scratch_dir.hpp"

namespace cimkit::h5 {
namespace {

// One private directory per test process; it is removed when the process ends.
const cimkit::testing::ScratchDir scratch_dir("cimkit_h5_test");

std::filesystem::path scratch(const std::string& name) { return scratch_dir / name; }

std::size_t files_in(const std::filesystem::path& dir) {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

}  // namespace

TEST(H5File, RoundTripsRealComplexIntegersAndAttributes) {
    const auto path = scratch("roundtrip.h5");
    {
        File file(path);
        file.write("/waveforms/tran1/v(out)", std::vector<double>{0.0, 0.5, 1.0}, "V");
        file.write("/waveforms/ac1/v(out)", std::vector<std::complex<double>>{{1.0, -2.0}, {0.25, 0.5}}, "V");
        file.write("/counts", std::vector<std::int64_t>{1, 2, 3}, "1");
        file.set_attribute("/", "cimkit_version", "0.1.0");
        file.set_attribute("/waveforms/tran1", "analysis", "tran");
        file.set_attribute("/waveforms/tran1", "analysis", "tran");  // rewriting replaces
        file.commit();
    }
    Reader reader(path);
    EXPECT_EQ(reader.read_real("/waveforms/tran1/v(out)"), (std::vector<double>{0.0, 0.5, 1.0}));
    const auto c = reader.read_complex("/waveforms/ac1/v(out)");
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0], std::complex<double>(1.0, -2.0));
    EXPECT_EQ(reader.string_attribute("/waveforms/tran1/v(out)", "units"), "V");
    EXPECT_EQ(reader.string_attribute("/", "cimkit_version"), "0.1.0");
    EXPECT_EQ(reader.children("/waveforms"), (std::vector<std::string>{"ac1", "tran1"}));
    EXPECT_TRUE(reader.exists("/waveforms/ac1/v(out)"));
    EXPECT_FALSE(reader.exists("/waveforms/dc1/v(out)"));
}

TEST(H5File, NothingAppearsAtTheFinalPathUntilCommit) {
    const cimkit::testing::ScratchDir empty_dir("cimkit_h5_atomic");
    const auto path = empty_dir / "atomic.h5";
    {
        File file(path);
        file.write("/x", std::vector<double>{1.0}, "V");
        EXPECT_FALSE(std::filesystem::exists(path));
    }  // destroyed without commit: as if the run failed
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_EQ(files_in(path.parent_path()), 0u) << "the temporary file must be removed";
}

TEST(H5File, FailedRunLeavesAnEarlierFileIntact) {
    const auto path = scratch("earlier.h5");
    {
        File first(path);
        first.write("/x", std::vector<double>{42.0}, "V");
        first.commit();
    }
    {
        File second(path);
        second.write("/x", std::vector<double>{-1.0}, "V");
    }  // no commit
    EXPECT_EQ(Reader(path).read_real("/x"), (std::vector<double>{42.0}));
}

TEST(H5File, UnusableOutputPathsAreClearErrors) {
    EXPECT_THROW(File(scratch("no_such_dir") / "x.h5"), IoError);
    EXPECT_THROW(File(scratch("")), IoError);
    try {
        File(std::filesystem::path("/proc/cimkit.h5"));
        FAIL();
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("/proc/cimkit.h5"), std::string::npos);
    }
}

TEST(H5File, ReaderRefusesFilesThatAreNotHdf5) {
    const auto path = scratch("not.h5");
    std::ofstream(path) << "this is not HDF5";
    EXPECT_THROW(Reader{path}, IoError);
    EXPECT_THROW(Reader{scratch("missing.h5")}, IoError);
}

// A file (written by h5py) whose attributes hold 64 values where one is expected: H5Aread would write
// all 64 into the single variable the reader passes, overflowing the stack (found by fuzz_h5_reader
// under ASan). Each read is refused instead.
TEST(H5File, ReaderRefusesAttributesThatAreNotOneValue) {
    const Reader reader(std::string(CIMKIT_TEST_DATA_DIR) + "/fuzz/corpus/h5_reader/array_attributes_h5");
    for (const auto& [object, name] : {std::pair{"/", "config_toml"}, std::pair{"/x", "units"}}) {
        try {
            (void)reader.string_attribute(object, name);
            FAIL() << name << " was read";
        } catch (const IoError& e) {
            EXPECT_NE(std::string(e.what()).find("is not a single value"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW((void)reader.number_attribute("/training/checkpoint", "epochs_planned"), IoError);
}

}  // namespace cimkit::h5
