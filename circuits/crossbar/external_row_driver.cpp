// The resident tile's row driver: an EXTERNAL voltage source per row, its value set from C++.
#include "circuits/crossbar/fixed_stages.hpp"

namespace cimkit::circuits {
namespace {

class ExternalRowDriver : public CrossbarStage {
public:
    StagePlace place() const override { return StagePlace::row_driver; }

    void add_lines(CrossbarBuild& build) const override {
        for (int i = 0; i < build.rows; ++i) {
            build.netlist.add(Source{Source::Kind::voltage, build.names.line("row", i), build.names.row_input(i), "0", External{}});
        }
    }
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_external_row_driver() { return std::make_shared<ExternalRowDriver>(); }

}  // namespace cimkit::circuits
