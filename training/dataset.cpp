#include "training/dataset.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numeric>

#include "devices/core/errors.hpp"
#include "devices/core/input_file.hpp"
#include "devices/core/rng.hpp"
#include "devices/core/text.hpp"

namespace cimkit::training {
namespace {

[[noreturn]] void bad_line(const std::filesystem::path& path, int line, const std::string& what) {
    throw IoError(path.string() + ":" + std::to_string(line), what);
}

float parse_feature(const std::string& field, const std::filesystem::path& path, int line) {
    const std::string trimmed = text::trim(field);
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(trimmed.c_str(), &end);
    if (trimmed.empty() || end != trimmed.c_str() + trimmed.size() || errno == ERANGE || !std::isfinite(value)) {
        bad_line(path, line, "'" + trimmed + "' is not a finite number");
    }
    return static_cast<float>(value);
}

int parse_count(const std::string& field, const std::filesystem::path& path, int line, int limit) {
    const std::string trimmed = text::trim(field);
    char* end = nullptr;
    const long value = std::strtol(trimmed.c_str(), &end, 10);
    if (trimmed.empty() || end != trimmed.c_str() + trimmed.size() || value < 0 || value > limit) {
        bad_line(path, line, "'" + trimmed + "' is not an integer in [0, " + std::to_string(limit) + "]");
    }
    return static_cast<int>(value);
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
    require_regular_file(path, "dataset file (CSV)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string(), "cannot open the dataset file");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (content.find('\0') != std::string::npos) throw IoError(path.string(), "contains NUL bytes; expected a CSV text file");
    return text::lines(content);
}

std::uint32_t big_endian_u32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

// Reads the first `max_records` records (along the first dimension) of an IDX file after checking its
// header against its size; dims keeps the file's own dimensions.
std::vector<unsigned char> read_idx(const std::filesystem::path& path, std::uint32_t magic, std::vector<std::uint32_t>& dims,
                                    std::size_t max_records) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw IoError(path.string(), "cannot read the MNIST file (run scripts/setup.sh to fetch it)");
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> header(4);
    if (!in.read(reinterpret_cast<char*>(header.data()), 4) || big_endian_u32(header.data()) != magic) {
        throw IoError(path.string(), "not an IDX file of the expected kind (bad magic number)");
    }
    const std::size_t rank = magic & 0xffu;
    std::vector<unsigned char> raw_dims(4 * rank);
    if (!in.read(reinterpret_cast<char*>(raw_dims.data()), static_cast<std::streamsize>(raw_dims.size()))) {
        throw IoError(path.string(), "truncated IDX header");
    }
    std::uintmax_t expected = 1;
    dims.clear();
    for (std::size_t k = 0; k < rank; ++k) {
        dims.push_back(big_endian_u32(&raw_dims[4 * k]));
        expected *= dims.back();
    }
    if (expected > (std::uintmax_t(1) << 32) || size != 4 + 4 * rank + expected) {
        throw IoError(path.string(), "IDX header announces " + std::to_string(expected) + " bytes of data but the file holds " +
                                         std::to_string(size - 4 - 4 * rank) + " (truncated or corrupt)");
    }
    const std::size_t records = rank == 0 ? 0 : std::min<std::size_t>(dims[0], max_records);
    const std::size_t record_bytes = dims[0] == 0 ? 0 : static_cast<std::size_t>(expected / dims[0]);
    std::vector<unsigned char> data(records * record_bytes);
    if (!in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size()))) {
        throw IoError(path.string(), "read failed");
    }
    return data;
}

Dataset subset(const Dataset& data, const std::vector<std::size_t>& indices) {
    Dataset out{data.name, data.features, data.classes, {}, {}};
    out.x.reserve(indices.size() * static_cast<std::size_t>(data.features));
    for (std::size_t i : indices) {
        const auto first = data.x.begin() + static_cast<std::ptrdiff_t>(i * static_cast<std::size_t>(data.features));
        out.x.insert(out.x.end(), first, first + data.features);
        out.y.push_back(data.y[i]);
    }
    return out;
}

}  // namespace

Dataset load_iris_csv(const std::filesystem::path& path) {
    const auto lines = read_lines(path);
    if (lines.empty()) throw IoError(path.string(), "empty file; expected the Iris CSV");
    const auto header = text::split(lines[0], ',');
    if (header.size() < 3) bad_line(path, 1, "expected a header 'samples,features,class names...'");
    const int samples = parse_count(header[0], path, 1, 1000000);
    const int features = parse_count(header[1], path, 1, 10000);
    Dataset data{"iris", features, static_cast<int>(header.size()) - 2, {}, {}};
    int line_no = 1;
    for (std::size_t k = 1; k < lines.size(); ++k) {
        line_no = static_cast<int>(k) + 1;
        if (text::trim(lines[k]).empty()) continue;
        const auto fields = text::split(lines[k], ',');
        if (static_cast<int>(fields.size()) != features + 1) {
            bad_line(path, line_no, "expected " + std::to_string(features + 1) + " fields, found " + std::to_string(fields.size()));
        }
        for (int f = 0; f < features; ++f) data.x.push_back(parse_feature(fields[static_cast<std::size_t>(f)], path, line_no));
        data.y.push_back(static_cast<std::uint8_t>(parse_count(fields.back(), path, line_no, data.classes - 1)));
    }
    if (static_cast<int>(data.size()) != samples) {
        bad_line(path, line_no, "header announces " + std::to_string(samples) + " samples, the file has " +
                                    std::to_string(data.size()) + " (truncated?)");
    }
    return data;
}

Dataset load_mnist_idx(const std::filesystem::path& images, const std::filesystem::path& labels, const std::string& name,
                       std::size_t max_samples) {
    std::vector<std::uint32_t> image_dims, label_dims;
    const auto pixels = read_idx(images, 0x00000803u, image_dims, max_samples);
    const auto classes = read_idx(labels, 0x00000801u, label_dims, max_samples);
    if (image_dims[0] != label_dims[0]) {
        throw IoError(labels.string(), std::to_string(label_dims[0]) + " labels for " + std::to_string(image_dims[0]) + " images");
    }
    Dataset data{name, static_cast<int>(image_dims[1] * image_dims[2]), 10, {pixels.begin(), pixels.end()}, {}};
    for (std::size_t i = 0; i < classes.size(); ++i) {
        if (classes[i] > 9) throw IoError(labels.string(), "label " + std::to_string(classes[i]) + " at index " + std::to_string(i) + " is not a digit");
        data.y.push_back(classes[i]);
    }
    return data;
}

Split stratified_split(const Dataset& data, double test_fraction, std::uint64_t seed) {
    if (!(test_fraction > 0.0 && test_fraction < 1.0)) throw ParameterError("test fraction must be in (0, 1)");
    std::vector<std::size_t> train, test;
    for (int c = 0; c < data.classes; ++c) {
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < data.size(); ++i) {
            if (data.y[i] == c) members.push_back(i);
        }
        // Fisher-Yates with the project's Rng (std::shuffle's algorithm is implementation-defined).
        Rng rng = Rng(seed).stream(static_cast<std::uint64_t>(c));
        for (std::size_t k = members.size(); k > 1; --k) {
            const auto pick = static_cast<std::size_t>(rng.uniform() * static_cast<double>(k));
            std::swap(members[k - 1], members[std::min(pick, k - 1)]);
        }
        const auto n_test = static_cast<std::size_t>(std::lround(test_fraction * static_cast<double>(members.size())));
        test.insert(test.end(), members.begin(), members.begin() + static_cast<std::ptrdiff_t>(n_test));
        train.insert(train.end(), members.begin() + static_cast<std::ptrdiff_t>(n_test), members.end());
    }
    std::sort(train.begin(), train.end());
    std::sort(test.begin(), test.end());
    return {subset(data, train), subset(data, test)};
}

Split hold_out_tail(const Dataset& data, std::size_t count) {
    if (count > data.size()) throw ParameterError("hold-out of " + std::to_string(count) + " samples from " + std::to_string(data.size()));
    std::vector<std::size_t> head(data.size() - count), tail(count);
    std::iota(head.begin(), head.end(), 0);
    std::iota(tail.begin(), tail.end(), data.size() - count);
    return {subset(data, head), subset(data, tail)};
}

}  // namespace cimkit::training
