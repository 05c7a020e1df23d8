#pragma once
// The bytes a forked child and its parent exchange (the ngspice worker's messages, an isolated
// call's outcome, devices/core/error_transport.hpp). Fields are written in the machine's own byte
// order: both ends are the same binary on the same machine (the child is a fork), so no portable
// encoding is needed.
#include <cstdint>
#include <string>
#include <vector>

namespace cimkit {

class Encoder {
public:
    void u32(std::uint32_t value);
    void i64(std::int64_t value);
    void f64(double value);
    void text(const std::string& value);
    void doubles(const std::vector<double>& values);
    void texts(const std::vector<std::string>& values);
    const std::string& bytes() const { return bytes_; }

private:
    void raw(const void* data, std::size_t size);
    std::string bytes_;
};

// Reads fields back in the order they were written; throws cimkit::Error if the payload is short.
class Decoder {
public:
    explicit Decoder(const std::string& bytes) : bytes_(bytes) {}
    std::uint32_t u32();
    std::int64_t i64();
    double f64();
    std::string text();
    std::vector<double> doubles();
    std::vector<std::string> texts();
    std::size_t count();  // an element count (i64), checked against the bytes left

private:
    void raw(void* data, std::size_t size);
    const std::string& bytes_;
    std::size_t offset_ = 0;
};

}  // namespace cimkit
