// Fuzz target: the MNIST IDX loader. The input is split into an image file and a label file (the
// first byte says where); any pair must load or raise a cimkit::Error, never crash or allocate
// beyond what the file holds.
#include <cstddef>
#include <cstdint>

#include "devices/core/errors.hpp"
#include "tests/fuzz/file_input.hpp"
#include "training/dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t cut = std::min<std::size_t>(size - 1, static_cast<std::size_t>(data[0]) * 4);
    const auto images = cimkit::fuzz::write_scratch("images.idx", data + 1 + cut, size - 1 - cut);
    const auto labels = cimkit::fuzz::write_scratch("labels.idx", data + 1, cut);
    try {
        (void)cimkit::training::load_mnist_idx(images, labels, "fuzz");
    } catch (const cimkit::Error&) {
    }
    std::filesystem::remove(images);
    std::filesystem::remove(labels);
    return 0;
}
