// h5::Reader reads only what is stored in the file itself. The hostile files are made with h5py
// (tests may not include HDF5's headers: tests/layering_check.sh), which is how anyone would make them.
#include "analysis/h5/h5_file.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <string>

#include "devices/core/errors.hpp"
#include "tests/support/scratch_dir.hpp"

namespace cimkit::h5 {
namespace {

const cimkit::testing::ScratchDir scratch("cimkit_h5_links");

// Runs a Python snippet (with h5py and numpy imported) in the scratch folder.
void python(const std::string& code) {
    const auto script = scratch / "make.py";
    std::ofstream(script) << "import os, h5py, numpy as np\nos.chdir(" << scratch.path() << ")\n" << code << "\n";
    const std::string command = std::string(CIMKIT_PYTHON) + " " + script.string();
    ASSERT_EQ(std::system(command.c_str()), 0) << "needs python3-h5py (scripts/setup.sh installs it): " << code;
}

// The IoError message of `read`, or "" when it did not throw one.
std::string refusal(const std::function<void()>& read) {
    try {
        read();
    } catch (const IoError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(H5Links, ExternalLinksAreRefusedNamingTheFileAndTheLink) {
    python(
        "with h5py.File('secret.h5', 'w') as s:\n"
        "    s['training/data'] = np.arange(3.0)\n"
        "    s['training'].attrs['a'] = 1.0\n"
        "with h5py.File('ext.h5', 'w') as f:\n"
        "    f['own'] = np.arange(2.0)\n"
        "    f['training'] = h5py.ExternalLink('secret.h5', '/training')\n"
        "    f.create_group('g')['deep'] = h5py.ExternalLink('secret.h5', '/training')\n");
    const Reader reader(scratch / "ext.h5");
    EXPECT_EQ(reader.read_real("/own"), (std::vector<double>{0.0, 1.0}));  // the file's own data reads
    const std::string path = (scratch / "ext.h5").string();
    for (const auto& [what, read] : std::vector<std::pair<std::string, std::function<void()>>>{
             {"read_real", [&] { reader.read_real("/training/data"); }},
             {"exists", [&] { reader.exists("/training/data"); }},
             {"exists of the link", [&] { reader.exists("/training"); }},
             {"children", [&] { reader.children("/training"); }},
             {"shape", [&] { reader.shape("/training/data"); }},
             {"type_name", [&] { reader.type_name("/training/data"); }},
             {"number_attribute", [&] { reader.number_attribute("/training", "a"); }},
             {"string_attribute", [&] { reader.string_attribute("/training/data", "units"); }},
         }) {
        const std::string message = refusal(read);
        EXPECT_TRUE(contains(message, "'" + path + "'") && contains(message, "'/training' is an external link"))
            << what << ": " << message;
    }
    EXPECT_TRUE(contains(refusal([&] { reader.read_real("/g/deep/data"); }), "'/g/deep' is an external link"));
}

TEST(H5Links, SoftLinksAreRefused) {
    python(
        "with h5py.File('soft.h5', 'w') as f:\n"
        "    f['real/data'] = np.arange(3.0)\n"
        "    f['alias'] = h5py.SoftLink('/real')\n");
    const Reader reader(scratch / "soft.h5");
    EXPECT_EQ(reader.read_real("/real/data").size(), 3u);
    EXPECT_TRUE(contains(refusal([&] { reader.read_real("/alias/data"); }), "'/alias' is a soft link"));
    EXPECT_FALSE(reader.exists("/missing/data"));  // a missing path is still just missing
}

TEST(H5Links, DatasetsWhoseValuesLiveInOtherFilesAreRefused) {
    python(
        "np.arange(4.0).tofile('raw.bin')\n"
        "with h5py.File('external_storage.h5', 'w') as f:\n"
        "    f.create_dataset('x', shape=(4,), dtype='f8', external=[('raw.bin', 0, 32)])\n"
        "    layout = h5py.VirtualLayout(shape=(3,), dtype='f8')\n"
        "    layout[:] = h5py.VirtualSource('secret_v.h5', 'data', shape=(3,))\n"
        "    f.create_virtual_dataset('v', layout)\n"
        "with h5py.File('secret_v.h5', 'w') as s:\n"
        "    s['data'] = np.arange(3.0)\n");
    const Reader reader(scratch / "external_storage.h5");
    EXPECT_TRUE(contains(refusal([&] { reader.read_real("/x"); }), "dataset '/x' keeps its values in other files"));
    EXPECT_TRUE(contains(refusal([&] { reader.read_real("/v"); }), "dataset '/v' keeps its values in other files"));
}

TEST(H5Links, IntegerAttributesRoundTripAndOthersAreRefused) {
    const auto path = scratch / "integers.h5";
    {
        File file(path);
        file.write("/x", std::vector<double>{1.0}, "1");
        file.set_integer_attribute("/", "seed", std::numeric_limits<std::uint64_t>::max());
        file.set_attribute("/", "float_seed", 1.0);
        file.commit();
    }
    python("with h5py.File('integers.h5', 'a') as f:\n    f.attrs['negative'] = np.int64(-1)\n    f.attrs['small'] = np.int16(7)\n");
    const Reader reader(path);
    EXPECT_EQ(reader.integer_attribute("/", "seed"), std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(reader.attribute_type_name("/", "seed"), "uint64");
    EXPECT_EQ(reader.integer_attribute("/", "small"), 7u);
    EXPECT_TRUE(contains(refusal([&] { reader.integer_attribute("/", "float_seed"); }), "attribute 'float_seed' on '/' is not an integer"));
    EXPECT_TRUE(contains(refusal([&] { reader.integer_attribute("/", "negative"); }), "attribute 'negative' on '/' is negative (-1)"));
    EXPECT_EQ(reader.type_name("/x"), "float64");
}

}  // namespace cimkit::h5
