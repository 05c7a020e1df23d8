#include "analysis/h5/h5_file.hpp"

#include <hdf5.h>

#include <cstdlib>
#include <cstring>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::h5 {
namespace {

// Owns one HDF5 identifier and closes it with the matching H5*close function.
class Id {
public:
    Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    ~Id() {
        if (id_ >= 0) close_(id_);
    }
    Id(const Id&) = delete;
    Id& operator=(const Id&) = delete;
    operator hid_t() const { return id_; }
    bool valid() const { return id_ >= 0; }

private:
    hid_t id_;
    herr_t (*close_)(hid_t);
};

// Called before any other HDF5 function (every File and Reader starts here).
void prepare_hdf5_library() {
    static const bool prepared = [] {
        // No HDF5 clean-up at process exit. After a write fails (disk full, RLIMIT_FSIZE), H5Fclose
        // fails too and leaves the file half-closed; HDF5's exit handler then closes it again and
        // segfaults (tests/apps/full_disk.sh: the error was printed, then exit status 139).
        // cimkit closes every file it keeps explicitly (File::commit), and an uncommitted file is a
        // temporary that is deleted anyway, so nothing is lost by skipping the exit handler.
        H5dont_atexit();
        // cimkit reports HDF5 failures as IoError; the library's own stack dump would only add noise.
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        return true;
    }();
    (void)prepared;
}

// HDF5's file drivers record the system's errno in the text of their error ("..., errno = 27, error
// message = 'File too large'"); it is the only place the real cause of a failed write survives.
herr_t find_errno(unsigned, const H5E_error2_t* error, void* found) {
    const char* at = error->desc ? std::strstr(error->desc, "errno = ") : nullptr;
    if (at != nullptr && *static_cast<int*>(found) == 0) *static_cast<int*>(found) = std::atoi(at + 8);
    return 0;
}

// The system's reason for the HDF5 call that just failed, or "" when HDF5 recorded none.
std::string system_reason_on_error_stack() {
    int error = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, find_errno, &error);
    return error > 0 ? system_reason(error) : std::string();
}

void check(bool ok, const std::filesystem::path& file, const std::string& what) {
    if (ok) return;
    const std::string reason = system_reason_on_error_stack();
    throw IoError(file.string(), "HDF5: " + what + (reason.empty() ? "" : ": " + reason));
}

Id complex_type() {
    Id type(H5Tcreate(H5T_COMPOUND, sizeof(std::complex<double>)), H5Tclose);
    H5Tinsert(type, "r", 0, H5T_NATIVE_DOUBLE);
    H5Tinsert(type, "i", sizeof(double), H5T_NATIVE_DOUBLE);
    return Id(H5Tcopy(type), H5Tclose);
}

Id utf8_string_type() {
    Id type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    return Id(H5Tcopy(type), H5Tclose);
}

}  // namespace

struct File::Handle {
    hid_t file = -1;
    ~Handle() {
        if (file >= 0) H5Fclose(file);
    }
};

File::File(std::filesystem::path path) : final_path_(std::move(path)), handle_(std::make_unique<Handle>()) {
    prepare_hdf5_library();
    std::error_code ec;
    const auto dir = final_path_.parent_path().empty() ? std::filesystem::path(".") : final_path_.parent_path();
    if (final_path_.filename().empty()) throw IoError(final_path_.string(), "expected a file name, got a folder");
    if (!std::filesystem::is_directory(dir, ec)) throw IoError(final_path_.string(), "folder '" + dir.string() + "' does not exist");
    if (std::filesystem::is_directory(final_path_, ec)) throw IoError(final_path_.string(), "is a folder, expected an output file name");
    // The temporary exists (created exclusively, so it is ours); HDF5 reopens it by name.
    temporary_ = std::make_unique<TemporaryFile>(final_path_);
    temporary_->close();
    handle_->file = H5Fcreate(temporary_->path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    check(handle_->file >= 0, final_path_, "cannot create the file");
}

File::~File() {
    handle_.reset();     // closes the HDF5 file before its temporary is deleted
    temporary_.reset();  // deletes the temporary unless commit() moved it into place
}

void File::create_group(const std::string& group_path) {
    std::string so_far;
    for (const auto& part : text::split(group_path, '/')) {
        if (part.empty()) continue;
        so_far += "/" + part;
        if (H5Lexists(handle_->file, so_far.c_str(), H5P_DEFAULT) > 0) continue;
        Id group(H5Gcreate2(handle_->file, so_far.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        check(group.valid(), final_path_, "cannot create group '" + so_far + "'");
    }
}

namespace {

void write_dataset(hid_t file, const std::filesystem::path& name, const std::string& dataset_path, hid_t type,
                   const void* data, std::vector<hsize_t> dims, const std::string& units, File& owner) {
    const auto slash = dataset_path.rfind('/');
    if (slash != std::string::npos && slash > 0) owner.create_group(dataset_path.substr(0, slash));
    hsize_t count = 1;
    for (hsize_t d : dims) count *= d;
    Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
    Id dataset(H5Dcreate2(file, dataset_path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    check(dataset.valid(), name, "cannot create dataset '" + dataset_path + "'");
    if (count > 0) {
        check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0, name,
              "cannot write dataset '" + dataset_path + "'");
    }
    owner.set_attribute(dataset_path, "units", units);
}

}  // namespace

void File::write(const std::string& dataset_path, const std::vector<double>& values, const std::string& units) {
    write_dataset(handle_->file, final_path_, dataset_path, H5T_NATIVE_DOUBLE, values.data(), {values.size()}, units, *this);
}

void File::write_matrix(const std::string& dataset_path, const std::vector<double>& values, std::size_t rows,
                        std::size_t cols, const std::string& units) {
    check(values.size() == rows * cols, final_path_, "matrix '" + dataset_path + "' has the wrong number of values");
    write_dataset(handle_->file, final_path_, dataset_path, H5T_NATIVE_DOUBLE, values.data(), {rows, cols}, units, *this);
}

void File::write(const std::string& dataset_path, const std::vector<std::complex<double>>& values,
                 const std::string& units) {
    Id type = complex_type();
    write_dataset(handle_->file, final_path_, dataset_path, type, values.data(), {values.size()}, units, *this);
}

void File::write(const std::string& dataset_path, const std::vector<std::int64_t>& values, const std::string& units) {
    write_dataset(handle_->file, final_path_, dataset_path, H5T_NATIVE_INT64, values.data(), {values.size()}, units, *this);
}

void File::write(const std::string& dataset_path, const std::vector<std::string>& values, const std::string& units) {
    Id type = utf8_string_type();
    std::vector<const char*> pointers;
    for (const auto& v : values) pointers.push_back(v.c_str());
    write_dataset(handle_->file, final_path_, dataset_path, type, pointers.data(), {values.size()}, units, *this);
}

void File::copy_file_into(const std::filesystem::path& source, const std::string& group_path) {
    Id from(H5Fopen(source.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    check(from.valid(), source, "cannot open the file to copy");
    const auto slash = group_path.rfind('/');
    if (slash != std::string::npos && slash > 0) create_group(group_path.substr(0, slash));
    // The source's root group, its attributes included, becomes `group_path`.
    check(H5Ocopy(from, "/", handle_->file, group_path.c_str(), H5P_DEFAULT, H5P_DEFAULT) >= 0, final_path_,
          "cannot copy '" + source.string() + "' into '" + group_path + "'");
}

namespace {

// A scalar attribute (or, with `count`, a 1-D array attribute) of the given type on an object,
// replacing one of the same name.
void write_scalar_attribute(hid_t file, const std::filesystem::path& name_of_file, const std::string& object_path,
                            const std::string& name, hid_t type, const void* data, const hsize_t* count = nullptr) {
    Id object(H5Oopen(file, object_path.c_str(), H5P_DEFAULT), H5Oclose);
    check(object.valid(), name_of_file, "no object '" + object_path + "' for attribute '" + name + "'");
    Id space(count ? H5Screate_simple(1, count, nullptr) : H5Screate(H5S_SCALAR), H5Sclose);
    if (H5Aexists(object, name.c_str()) > 0) H5Adelete(object, name.c_str());
    Id attribute(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(attribute.valid() && H5Awrite(attribute, type, data) >= 0, name_of_file,
          "cannot write attribute '" + name + "' of '" + object_path + "'");
}

}  // namespace

void File::set_attribute(const std::string& object_path, const std::string& name, const std::string& value) {
    Id type = utf8_string_type();
    const char* data = value.c_str();
    write_scalar_attribute(handle_->file, final_path_, object_path, name, type, &data);
}

void File::set_attribute(const std::string& object_path, const std::string& name, double value) {
    write_scalar_attribute(handle_->file, final_path_, object_path, name, H5T_NATIVE_DOUBLE, &value);
}

void File::set_integer_attribute(const std::string& object_path, const std::string& name, std::uint64_t value) {
    write_scalar_attribute(handle_->file, final_path_, object_path, name, H5T_NATIVE_UINT64, &value);
}

void File::set_attribute(const std::string& object_path, const std::string& name, const std::vector<double>& values) {
    const hsize_t count = values.size();
    write_scalar_attribute(handle_->file, final_path_, object_path, name, H5T_NATIVE_DOUBLE, values.data(), &count);
}

void File::set_integer_attribute(const std::string& object_path, const std::string& name,
                                 const std::vector<std::uint64_t>& values) {
    const hsize_t count = values.size();
    write_scalar_attribute(handle_->file, final_path_, object_path, name, H5T_NATIVE_UINT64, values.data(), &count);
}

void File::commit() {
    check(H5Fflush(handle_->file, H5F_SCOPE_GLOBAL) >= 0, final_path_, "flush failed");
    const herr_t closed = H5Fclose(handle_->file);
    handle_->file = -1;
    check(closed >= 0, final_path_, "close failed");
    temporary_->move_into_place();  // IoError with the system's reason; the temporary is then deleted
}

struct Reader::Handle {
    hid_t file = -1;
    ~Handle() {
        if (file >= 0) H5Fclose(file);
    }
};

Reader::Reader(const std::filesystem::path& path) : path_(path), handle_(std::make_unique<Handle>()) {
    prepare_hdf5_library();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw IoError(path.string(), "no such file");
    if (H5Fis_hdf5(path.c_str()) <= 0) throw IoError(path.string(), "not an HDF5 file (or corrupt)");
    handle_->file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (handle_->file < 0) throw IoError(path.string(), "cannot open the HDF5 file (corrupt?)");
}

Reader::~Reader() = default;

namespace {

const char* link_kind(H5L_type_t type) {
    switch (type) {
        case H5L_TYPE_EXTERNAL: return "an external link (to an object in another file)";
        case H5L_TYPE_SOFT: return "a soft link (a path that may lead through an external link)";
        default: return "a user-defined link";
    }
}

}  // namespace

void Reader::refuse_links(const std::string& object_path) const {
    // Part by part: H5Lexists and H5Lget_info follow every link of a path but its last, and each
    // earlier part has been checked to be a hard link by then.
    std::string so_far;
    for (const auto& part : text::split(object_path, '/')) {
        if (part.empty()) continue;
        so_far += "/" + part;
        if (H5Lexists(handle_->file, so_far.c_str(), H5P_DEFAULT) <= 0) return;  // missing: the caller's open says so
        H5L_info_t info;
        check(H5Lget_info(handle_->file, so_far.c_str(), &info, H5P_DEFAULT) >= 0, path_, "cannot read the link '" + so_far + "' (corrupt?)");
        if (info.type != H5L_TYPE_HARD) {
            throw IoError(path_.string(), "'" + so_far + "' is " + link_kind(info.type) + "; cimkit reads only objects stored in the file itself (reading '" + object_path + "')");
        }
    }
}

bool Reader::exists(const std::string& object_path) const {
    refuse_links(object_path);
    std::string so_far;
    for (const auto& part : text::split(object_path, '/')) {
        if (part.empty()) continue;
        so_far += "/" + part;
        if (H5Lexists(handle_->file, so_far.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    return true;
}

std::vector<std::string> Reader::children(const std::string& group_path) const {
    refuse_links(group_path);
    Id group(H5Gopen2(handle_->file, group_path.c_str(), H5P_DEFAULT), H5Gclose);
    check(group.valid(), path_, "no group '" + group_path + "'");
    H5G_info_t info;
    check(H5Gget_info(group, &info) >= 0, path_, "cannot list '" + group_path + "'");
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t size = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        // A corrupt file can fail here; found by the h5_reader fuzz target.
        check(size >= 0, path_, "cannot read the name of link " + std::to_string(i) + " in '" + group_path + "' (corrupt?)");
        std::string name(static_cast<std::size_t>(size), '\0');
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
        names.push_back(name);
    }
    return names;
}

namespace {

template <typename T>
std::vector<T> read_dataset(hid_t file, const std::filesystem::path& name, const std::string& dataset_path,
                            hid_t type) {
    Id dataset(H5Dopen2(file, dataset_path.c_str(), H5P_DEFAULT), H5Dclose);
    check(dataset.valid(), name, "no dataset '" + dataset_path + "'");
    Id space(H5Dget_space(dataset), H5Sclose);
    const hssize_t count = H5Sget_simple_extent_npoints(space);
    check(count >= 0, name, "cannot read the size of '" + dataset_path + "'");
    // A corrupt file can declare any extent (the fuzzer found one asking for 5.9 GB). A contiguous
    // dataset (what our writer makes) stores every value, so its extent must fit its storage.
    Id create(H5Dget_create_plist(dataset), H5Pclose);
    Id file_type(H5Dget_type(dataset), H5Tclose);
    // Values kept in other files are as foreign as an external link (Reader's comment).
    check(create.valid(), name, "cannot read how dataset '" + dataset_path + "' is stored (corrupt?)");
    check(H5Pget_layout(create) != H5D_VIRTUAL && H5Pget_external_count(create) == 0, name,
          "dataset '" + dataset_path + "' keeps its values in other files (virtual dataset or external storage); cimkit reads only values stored in the file itself");
    if (create.valid() && file_type.valid() && H5Pget_layout(create) == H5D_CONTIGUOUS) {
        const double needed_bytes = static_cast<double>(count) * static_cast<double>(H5Tget_size(file_type));
        const auto stored_bytes = static_cast<double>(H5Dget_storage_size(dataset));
        check(needed_bytes <= stored_bytes, name,
              "dataset '" + dataset_path + "' declares " + std::to_string(count) + " values but stores only " +
                  std::to_string(static_cast<long long>(stored_bytes)) + " bytes: the file is corrupt or truncated");
    }
    std::vector<T> values(static_cast<std::size_t>(count));
    if (count > 0) {
        check(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0, name,
              "cannot read dataset '" + dataset_path + "'");
    }
    return values;
}

}  // namespace

std::vector<double> Reader::read_real(const std::string& dataset_path) const {
    refuse_links(dataset_path);
    return read_dataset<double>(handle_->file, path_, dataset_path, H5T_NATIVE_DOUBLE);
}

std::vector<std::complex<double>> Reader::read_complex(const std::string& dataset_path) const {
    refuse_links(dataset_path);
    Id type = complex_type();
    return read_dataset<std::complex<double>>(handle_->file, path_, dataset_path, type);
}

namespace {

// Checks that an open attribute holds exactly one value: H5Aread writes as many values as the file's
// dataspace says, and the callers read into a single variable.
void check_single_value(hid_t attribute, const std::filesystem::path& path, const std::string& object_path, const std::string& name) {
    check(attribute >= 0, path, "no attribute '" + name + "' on '" + object_path + "'");
    Id space(H5Aget_space(attribute), H5Sclose);
    check(space.valid() && H5Sget_simple_extent_npoints(space) == 1, path,
          "attribute '" + name + "' on '" + object_path + "' is not a single value");
}

}  // namespace

std::string Reader::string_attribute(const std::string& object_path, const std::string& name) const {
    refuse_links(object_path);
    Id attribute(H5Aopen_by_name(handle_->file, object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                 H5Aclose);
    check_single_value(attribute, path_, object_path, name);
    Id type = utf8_string_type();
    char* data = nullptr;
    check(H5Aread(attribute, type, &data) >= 0, path_, "cannot read attribute '" + name + "'");
    std::string value = data ? data : "";
    H5free_memory(data);
    return value;
}

namespace {

herr_t collect_attribute_name(hid_t, const char* name, const H5A_info_t*, void* names) {
    static_cast<std::vector<std::string>*>(names)->push_back(name);
    return 0;
}

}  // namespace

std::vector<std::string> Reader::attribute_names(const std::string& object_path) const {
    refuse_links(object_path);
    Id object(H5Oopen(handle_->file, object_path.c_str(), H5P_DEFAULT), H5Oclose);
    check(object.valid(), path_, "no object '" + object_path + "'");
    std::vector<std::string> names;
    check(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute_name, &names) >= 0, path_,
          "cannot list the attributes of '" + object_path + "'");
    return names;
}

double Reader::number_attribute(const std::string& object_path, const std::string& name) const {
    refuse_links(object_path);
    Id attribute(H5Aopen_by_name(handle_->file, object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                 H5Aclose);
    check_single_value(attribute, path_, object_path, name);
    double value = 0.0;
    check(H5Aread(attribute, H5T_NATIVE_DOUBLE, &value) >= 0, path_, "attribute '" + name + "' is not a number");
    return value;
}

std::uint64_t Reader::integer_attribute(const std::string& object_path, const std::string& name) const {
    refuse_links(object_path);
    Id attribute(H5Aopen_by_name(handle_->file, object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check_single_value(attribute, path_, object_path, name);
    Id type(H5Aget_type(attribute), H5Tclose);
    const std::string what = "attribute '" + name + "' on '" + object_path + "'";
    // Checked before reading: HDF5 would convert a float (truncating) or a negative value (clipping).
    check(type.valid() && H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) <= 8, path_, what + " is not an integer");
    if (H5Tget_sign(type) == H5T_SGN_2) {
        std::int64_t value = 0;
        check(H5Aread(attribute, H5T_NATIVE_INT64, &value) >= 0, path_, "cannot read " + what);
        check(value >= 0, path_, what + " is negative (" + std::to_string(value) + ")");
        return static_cast<std::uint64_t>(value);
    }
    std::uint64_t value = 0;
    check(H5Aread(attribute, H5T_NATIVE_UINT64, &value) >= 0, path_, "cannot read " + what);
    return value;
}

namespace {

std::string numpy_name(hid_t type) {
    const std::string bits = std::to_string(8 * H5Tget_size(type));
    switch (H5Tget_class(type)) {
        case H5T_FLOAT: return "float" + bits;
        case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + bits;
        case H5T_STRING: return "string";
        case H5T_COMPOUND: return "compound";
        default: return "other";
    }
}

}  // namespace

std::string Reader::type_name(const std::string& dataset_path) const {
    refuse_links(dataset_path);
    Id dataset(H5Dopen2(handle_->file, dataset_path.c_str(), H5P_DEFAULT), H5Dclose);
    check(dataset.valid(), path_, "no dataset '" + dataset_path + "'");
    Id type(H5Dget_type(dataset), H5Tclose);
    check(type.valid(), path_, "cannot read the type of '" + dataset_path + "'");
    return numpy_name(type);
}

std::string Reader::attribute_type_name(const std::string& object_path, const std::string& name) const {
    refuse_links(object_path);
    Id attribute(H5Aopen_by_name(handle_->file, object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(attribute.valid(), path_, "no attribute '" + name + "' on '" + object_path + "'");
    Id type(H5Aget_type(attribute), H5Tclose);
    check(type.valid(), path_, "cannot read the type of attribute '" + name + "' on '" + object_path + "'");
    return numpy_name(type);
}

std::vector<std::size_t> Reader::shape(const std::string& dataset_path) const {
    refuse_links(dataset_path);
    Id dataset(H5Dopen2(handle_->file, dataset_path.c_str(), H5P_DEFAULT), H5Dclose);
    check(dataset.valid(), path_, "no dataset '" + dataset_path + "'");
    Id space(H5Dget_space(dataset), H5Sclose);
    hsize_t dims[8];
    const int rank = H5Sget_simple_extent_ndims(space);
    check(rank >= 0 && rank <= 8, path_, "cannot read the shape of '" + dataset_path + "'");
    H5Sget_simple_extent_dims(space, dims, nullptr);
    return std::vector<std::size_t>(dims, dims + rank);
}

}  // namespace cimkit::h5
