#pragma once
// Datasets for on-chip training: Iris (CSV shipped in data/) and MNIST (IDX files fetched by the
// set-up script), with fixed, seeded splits.
//
// Features are stored raw (Iris in cm, MNIST pixel intensities 0..255); scaling onto a driver's
// voltage or pulse range is a separate, explicit step (training issue). A truncated or corrupt file
// is an IoError naming the file and, for text, the line; nothing here can crash on bad bytes.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace cimkit::training {

struct Dataset {
    std::string name;
    int features = 0;
    int classes = 0;
    std::vector<float> x;        // samples x features, row-major
    std::vector<std::uint8_t> y; // class per sample

    std::size_t size() const { return y.size(); }
};

// data/iris.csv in scikit-learn's format: a header "150,4,name,name,name", then rows
// "f1,f2,f3,f4,class". Checks the counts the header announces.
Dataset load_iris_csv(const std::filesystem::path& path);

// An IDX image file (magic 0x00000803) and label file (0x00000801) of the same length: its first
// max_samples samples (all by default). Both files are checked whole against their headers; only the
// samples kept are read, so a 6 000-sample screen neither reads nor holds the other 54 000.
Dataset load_mnist_idx(const std::filesystem::path& images, const std::filesystem::path& labels, const std::string& name,
                       std::size_t max_samples = std::numeric_limits<std::size_t>::max());

struct Split {
    Dataset train, test;
};

// Stratified split: within each class, a seeded shuffle, then round(test_fraction * n_class) samples
// go to the test set. The same seed gives the same split on every machine.
Split stratified_split(const Dataset& data, double test_fraction, std::uint64_t seed);

// MNIST's validation hold-out: `train` keeps all but the last `count` samples (in order), `test`
// holds those last `count`.
Split hold_out_tail(const Dataset& data, std::size_t count);

}  // namespace cimkit::training
