#include "devices/core/byte_codec.hpp"

#include <cstring>

#include "devices/core/errors.hpp"

namespace cimkit {

void Encoder::raw(const void* data, std::size_t size) { bytes_.append(static_cast<const char*>(data), size); }
void Encoder::u32(std::uint32_t value) { raw(&value, sizeof value); }
void Encoder::i64(std::int64_t value) { raw(&value, sizeof value); }
void Encoder::f64(double value) { raw(&value, sizeof value); }

void Encoder::text(const std::string& value) {
    i64(static_cast<std::int64_t>(value.size()));
    raw(value.data(), value.size());
}

void Encoder::doubles(const std::vector<double>& values) {
    i64(static_cast<std::int64_t>(values.size()));
    raw(values.data(), values.size() * sizeof(double));
}

void Encoder::texts(const std::vector<std::string>& values) {
    i64(static_cast<std::int64_t>(values.size()));
    for (const auto& value : values) text(value);
}

void Decoder::raw(void* data, std::size_t size) {
    if (size == 0) return;  // an empty vector's data() may be null, which memcpy must not get
    if (size > bytes_.size() - offset_) throw Error("child process: truncated message");
    std::memcpy(data, bytes_.data() + offset_, size);
    offset_ += size;
}

std::size_t Decoder::count() {
    const std::int64_t n = i64();
    if (n < 0 || static_cast<std::uint64_t>(n) > bytes_.size() - offset_) {
        throw Error("child process: corrupt element count in a message");
    }
    return static_cast<std::size_t>(n);
}

std::uint32_t Decoder::u32() {
    std::uint32_t value = 0;
    raw(&value, sizeof value);
    return value;
}

std::int64_t Decoder::i64() {
    std::int64_t value = 0;
    raw(&value, sizeof value);
    return value;
}

double Decoder::f64() {
    double value = 0.0;
    raw(&value, sizeof value);
    return value;
}

std::string Decoder::text() {
    std::string value(count(), '\0');
    raw(value.data(), value.size());
    return value;
}

std::vector<double> Decoder::doubles() {
    const std::size_t n = count();  // bounds n by the bytes left, not by n * 8: checked again in raw()
    std::vector<double> values(n);
    raw(values.data(), n * sizeof(double));
    return values;
}

std::vector<std::string> Decoder::texts() {
    const std::size_t n = count();
    std::vector<std::string> values;
    values.reserve(n);
    for (std::size_t i = 0; i < n; ++i) values.push_back(text());
    return values;
}

}  // namespace cimkit
