#pragma once
// A new HDF5 file, written under a temporary name and renamed into place by commit().
//
// Nothing is ever left half-written at the final path: if commit() is not reached (an exception,
// SIGINT/SIGTERM) the temporary file is removed (after a crash, left under its ".part" name) and any
// earlier file at the final path is untouched (devices/core/temporary_file.hpp). This is the only
// code that includes HDF5 headers.
//
// Paths name groups and datasets from the root ("/waveforms/tran1/v(out)"); parent groups are
// created as needed. Every dataset carries a `units` attribute.
#include <complex>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "devices/core/temporary_file.hpp"

namespace cimkit::h5 {

class File {
public:
    // Creates a uniquely named ".<name>.part-<pid>-<n>" beside `path`. Throws IoError when that is
    // impossible. Whether `path` may be replaced is the caller's decision (apps/output_claim.hpp).
    explicit File(std::filesystem::path path);
    ~File();
    File(const File&) = delete;
    File& operator=(const File&) = delete;

    void create_group(const std::string& group_path);
    void write(const std::string& dataset_path, const std::vector<double>& values, const std::string& units);
    // Complex values are stored as the compound {r, i} that h5py reads as complex128.
    void write(const std::string& dataset_path, const std::vector<std::complex<double>>& values,
               const std::string& units);
    void write(const std::string& dataset_path, const std::vector<std::int64_t>& values, const std::string& units);
    // Variable-length UTF-8 strings (h5py reads them as bytes objects, `.asstr()` as str).
    void write(const std::string& dataset_path, const std::vector<std::string>& values, const std::string& units);
    // Copies the whole of another HDF5 file (its root's members and attributes) into the new group
    // `group_path` of this file, with H5Ocopy (the data are copied, not linked).
    void copy_file_into(const std::filesystem::path& source, const std::string& group_path);
    // A row-major rows x cols matrix (values.size() == rows * cols).
    void write_matrix(const std::string& dataset_path, const std::vector<double>& values, std::size_t rows,
                      std::size_t cols, const std::string& units);
    // A UTF-8 string attribute on a group or dataset ("/" for the root).
    void set_attribute(const std::string& object_path, const std::string& name, const std::string& value);
    void set_attribute(const std::string& object_path, const std::string& name, double value);
    // A uint64 attribute, for counts and seeds (a double holds integers exactly only up to 2^53).
    void set_integer_attribute(const std::string& object_path, const std::string& name, std::uint64_t value);
    // 1-D array attributes (float64, uint64), e.g. a nested sweep's shape and outer values.
    void set_attribute(const std::string& object_path, const std::string& name, const std::vector<double>& values);
    void set_integer_attribute(const std::string& object_path, const std::string& name,
                               const std::vector<std::uint64_t>& values);

    // Flushes, closes and renames the file to its final path. Throws IoError on failure.
    void commit();

    const std::filesystem::path& path() const { return final_path_; }

private:
    struct Handle;
    std::filesystem::path final_path_;
    std::unique_ptr<TemporaryFile> temporary_;
    std::unique_ptr<Handle> handle_;
};

// Reading back, for tests and --resume.
//
// Only objects stored in the file itself are read: a path through an external link (another file),
// a soft link (a path that may lead through one) or a user-defined link, and a dataset whose values
// live in other files (external storage, virtual datasets) are refused with an IoError naming the
// file and the object. cimkit never writes any of these; a file that has them was made to read
// something else than it seems to hold.
class Reader {
public:
    explicit Reader(const std::filesystem::path& path);  // throws IoError when not a readable HDF5 file
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    bool exists(const std::string& object_path) const;
    std::vector<std::string> children(const std::string& group_path) const;
    std::vector<double> read_real(const std::string& dataset_path) const;
    std::vector<std::complex<double>> read_complex(const std::string& dataset_path) const;
    std::string string_attribute(const std::string& object_path, const std::string& name) const;
    // The names of the attributes of a group or dataset, in HDF5's name order.
    std::vector<std::string> attribute_names(const std::string& object_path) const;
    double number_attribute(const std::string& object_path, const std::string& name) const;
    // An attribute stored as an integer (any width, signed or not) holding a value >= 0; an attribute
    // of another type, or a negative one, is an IoError.
    std::uint64_t integer_attribute(const std::string& object_path, const std::string& name) const;
    std::vector<std::size_t> shape(const std::string& dataset_path) const;
    // The stored element type as numpy names it ("float64", "int64", "uint8", ...; "string",
    // "compound", "other"), so that a caller can refuse a dataset or attribute of the wrong type
    // rather than have it converted.
    std::string type_name(const std::string& dataset_path) const;
    std::string attribute_type_name(const std::string& object_path, const std::string& name) const;

private:
    // Throws IoError when a part of `object_path` is not a hard link (see above).
    void refuse_links(const std::string& object_path) const;

    struct Handle;
    std::filesystem::path path_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace cimkit::h5
