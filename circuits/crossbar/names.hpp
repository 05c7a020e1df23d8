#pragma once
// The naming scheme of a crossbar's nodes and elements, shared by every stage so that stages agree
// on the nodes they connect to. Without a prefix (a one-shot read, `cimkit crossbar`) names are
// "<kind>_<i>" and "<kind>_<i>_<j>"; with a prefix p (a resident tile, several per netlist) they are
// "<kind>_<p>_<i>" and "<kind>_<p>_<i>_<j>", and a device's tag is "<p>_<i>_<j>" instead of
// "<i>_<j>". A prefix matches [a-z][a-z0-9]* (at most 16 characters): with no '_' in it, the tags of
// two tiles can never collide ("a1" + "_2_3" is no other prefix's tag).
//
// The line nodes every stage may use:
//   in[_p]_i    row i's driven end (the row driver's output)
//   col[_p]_j   column j's sensed end (the read-out's input)
#include <string>

namespace cimkit::circuits {

class CrossbarNames {
public:
    CrossbarNames() = default;
    // Throws ParameterError for a prefix that does not match [a-z][a-z0-9]* (at most 16 characters).
    explicit CrossbarNames(std::string prefix);

    const std::string& prefix() const { return prefix_; }
    std::string line(const std::string& kind, int index) const;         // "<kind>[_p]_<index>"
    std::string cell(const std::string& kind, int row, int column) const;  // "<kind>[_p]_<row>_<column>"
    std::string device_tag(int row, int column) const;                  // "[p_]<row>_<column>"
    std::string shared(const std::string& kind) const;                  // one per array: "<kind>[_p]"

    std::string row_input(int row) const { return line("in", row); }
    std::string column_output(int column) const { return line("col", column); }

private:
    std::string prefix_;
};

}  // namespace cimkit::circuits
