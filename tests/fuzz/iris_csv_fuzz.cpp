// Fuzz target: the Iris CSV loader and the stratified split. Any file must load or raise a
// cimkit::Error naming it, never crash.
#include <cstddef>
#include <cstdint>

#include "devices/core/errors.hpp"
#include "tests/fuzz/file_input.hpp"
#include "training/dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = cimkit::fuzz::write_scratch("iris.csv", data, size);
    try {
        const auto iris = cimkit::training::load_iris_csv(path);
        (void)cimkit::training::stratified_split(iris, 0.2, 1);
    } catch (const cimkit::Error&) {
    }
    std::filesystem::remove(path);
    return 0;
}
