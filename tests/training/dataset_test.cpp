#include "training/dataset.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <fstream>

#include "devices/core/errors.hpp"

namespace cimkit::training {
namespace {

const std::filesystem::path data_dir = CIMKIT_DATA_DIR;

std::filesystem::path scratch(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / ("cimkit_dataset_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / name;
}

std::string error_of(const std::filesystem::path& csv) {
    try {
        load_iris_csv(csv);
    } catch (const IoError& e) {
        return e.what();
    }
    return "";
}

double feature_mean(const Dataset& d, int f) {
    double sum = 0;
    for (std::size_t i = 0; i < d.size(); ++i) sum += d.x[i * d.features + f];
    return sum / d.size();
}

}  // namespace

// Reference figures from scikit-learn's iris description (Fisher 1936): 50 per class, feature means
// 5.84, 3.05 (3.057 unrounded), 3.76, 1.20 cm.
TEST(Iris, LoadsFishersData) {
    const Dataset iris = load_iris_csv(data_dir / "iris.csv");
    ASSERT_EQ(iris.size(), 150u);
    EXPECT_EQ(iris.features, 4);
    EXPECT_EQ(iris.classes, 3);
    for (int c = 0; c < 3; ++c) EXPECT_EQ(std::count(iris.y.begin(), iris.y.end(), c), 50);
    const std::array<double, 4> means{5.843, 3.057, 3.758, 1.199};
    for (int f = 0; f < 4; ++f) EXPECT_NEAR(feature_mean(iris, f), means[f], 1e-3);
}

TEST(Iris, CorruptFilesNameTheFileAndLine) {
    auto write = [](const std::string& name, const std::string& text) {
        const auto p = scratch(name);
        std::ofstream(p) << text;
        return p;
    };
    EXPECT_NE(error_of(write("short.csv", "3,4,a,b,c\n5.1,3.5,1.4,0.2,0\n")).find("announces 3 samples"), std::string::npos);
    EXPECT_NE(error_of(write("nan.csv", "1,4,a,b,c\n5.1,x,1.4,0.2,0\n")).find("nan.csv:2"), std::string::npos);
    EXPECT_NE(error_of(write("nan2.csv", "1,4,a,b,c\n5.1,nan,1.4,0.2,0\n")).find("not a finite number"), std::string::npos);
    EXPECT_NE(error_of(write("fields.csv", "1,4,a,b,c\n5.1,1.4,0.2,0\n")).find("expected 5 fields"), std::string::npos);
    EXPECT_NE(error_of(write("class.csv", "1,4,a,b,c\n5.1,3.5,1.4,0.2,7\n")).find("'7'"), std::string::npos);
    EXPECT_NE(error_of(write("empty.csv", "")).find("empty"), std::string::npos);
    EXPECT_NE(error_of(scratch("missing.csv")).find("missing.csv"), std::string::npos);
    const auto binary = scratch("binary.csv");
    std::ofstream(binary, std::ios::binary) << std::string("1,4\0\0\0", 7);
    EXPECT_NE(error_of(binary).find("NUL"), std::string::npos);
}

TEST(Iris, StratifiedSplitIsEightyTwentyPerClassAndSeeded) {
    const Dataset iris = load_iris_csv(data_dir / "iris.csv");
    const Split a = stratified_split(iris, 0.2, 7), b = stratified_split(iris, 0.2, 7), c = stratified_split(iris, 0.2, 8);
    ASSERT_EQ(a.train.size(), 120u);
    ASSERT_EQ(a.test.size(), 30u);
    for (int k = 0; k < 3; ++k) EXPECT_EQ(std::count(a.test.y.begin(), a.test.y.end(), k), 10);
    EXPECT_EQ(a.test.x, b.test.x);
    EXPECT_NE(a.test.x, c.test.x);
    // Train and test partition the data: their feature sums add up to the whole.
    EXPECT_NEAR(feature_mean(a.train, 0) * 120 + feature_mean(a.test, 0) * 30, feature_mean(iris, 0) * 150, 1e-3);
}

// Reference figures for the original MNIST files: per-digit counts of the training and test labels,
// and the mean training pixel 0.1307 * 255 = 33.32 (the normalisation constant used throughout the
// literature).
TEST(Mnist, LoadsTheOriginalIdxFiles) {
    const auto dir = data_dir / "mnist";
    if (!std::filesystem::exists(dir / "train-images-idx3-ubyte")) GTEST_SKIP() << "run scripts/setup.sh to fetch MNIST";
    const Dataset train = load_mnist_idx(dir / "train-images-idx3-ubyte", dir / "train-labels-idx1-ubyte", "mnist-train");
    const Dataset test = load_mnist_idx(dir / "t10k-images-idx3-ubyte", dir / "t10k-labels-idx1-ubyte", "mnist-test");
    ASSERT_EQ(train.size(), 60000u);
    ASSERT_EQ(test.size(), 10000u);
    EXPECT_EQ(train.features, 784);
    const std::array<int, 10> train_counts{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    const std::array<int, 10> test_counts{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    for (int d = 0; d < 10; ++d) {
        EXPECT_EQ(std::count(train.y.begin(), train.y.end(), d), train_counts[d]) << "digit " << d;
        EXPECT_EQ(std::count(test.y.begin(), test.y.end(), d), test_counts[d]) << "digit " << d;
    }
    double sum = 0;
    for (float p : train.x) sum += p;
    EXPECT_NEAR(sum / train.x.size() / 255.0, 0.1307, 1e-4);
    const Split held = hold_out_tail(train, 5000);
    EXPECT_EQ(held.train.size(), 55000u);
    EXPECT_EQ(held.test.y.front(), train.y[55000]);
    // Reading only the first samples (a screening run's dataset.train_limit) gives the head of the whole.
    const Dataset head = load_mnist_idx(dir / "train-images-idx3-ubyte", dir / "train-labels-idx1-ubyte", "mnist-train", 1234);
    ASSERT_EQ(head.size(), 1234u);
    EXPECT_TRUE(std::equal(head.y.begin(), head.y.end(), train.y.begin()));
    EXPECT_TRUE(std::equal(head.x.begin(), head.x.end(), train.x.begin()));
}

TEST(Mnist, TruncatedOrCorruptFilesAreClearErrors) {
    const auto images = scratch("images.idx"), labels = scratch("labels.idx");
    auto idx = [](std::uint32_t magic, std::vector<std::uint32_t> dims, std::size_t payload) {
        std::string s;
        auto put = [&](std::uint32_t v) { for (int k = 3; k >= 0; --k) s += static_cast<char>((v >> (8 * k)) & 0xff); };
        put(magic);
        for (auto d : dims) put(d);
        return s + std::string(payload, '\1');
    };
    std::ofstream(labels, std::ios::binary) << idx(0x801, {2}, 2);
    std::ofstream(images, std::ios::binary) << idx(0x803, {2, 28, 28}, 2 * 784 - 10);  // truncated
    try {
        load_mnist_idx(images, labels, "t", 1);  // reading one sample still checks the whole file's size
        FAIL();
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("images.idx"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos);
    }
    std::ofstream(images, std::ios::binary) << idx(0x802, {2, 28, 28}, 2 * 784);
    EXPECT_THROW(load_mnist_idx(images, labels, "t"), IoError);  // bad magic
    std::ofstream(images, std::ios::binary) << idx(0x803, {3, 28, 28}, 3 * 784);
    EXPECT_THROW(load_mnist_idx(images, labels, "t"), IoError);  // 2 labels for 3 images
    std::ofstream(images, std::ios::binary) << idx(0x803, {0xffffffffu, 0xffffu, 0xffffu}, 0);
    EXPECT_THROW(load_mnist_idx(images, labels, "t"), IoError);  // absurd header, refused before allocating
}

}  // namespace cimkit::training
