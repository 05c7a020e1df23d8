// The faces take their element values from the device's typed parameters (typed_parameters()), which
// hold exactly what the device's parameter table was set to.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <variant>
#include <vector>

#include "circuits/device_face.hpp"
#include "devices/domain_wall.hpp"
#include "devices/gain_cell.hpp"
#include "devices/mosfet.hpp"
#include "devices/pcm.hpp"

namespace cimkit::circuits {
namespace {

double card_parameter(const ModelCard& card, const std::string& name) {
    for (const auto& [key, value] : card.parameters) {
        if (key == name) return value;
    }
    ADD_FAILURE() << "model card " << card.name << " has no " << name;
    return 0.0;
}

template <typename Kind>
const Kind& element_named(const Netlist& netlist, const std::string& name) {
    for (const Element& element : netlist.elements()) {
        if (const auto* e = std::get_if<Kind>(&element); e && e->name == name) return *e;
    }
    throw std::runtime_error("no element " + name);
}

// Settings through the parameter table (as --set or a config would), then the netlist: the card's KP,
// VTO and LAMBDA, the gate capacitor and the channel size are the typed values, which are the settings.
TEST(FaceParameters, MosfetCardAndElementsComeFromTheTypedParameters) {
    const MosfetSynapse model({{"kp_A_per_V2", "2.5e-4", "test"}, {"vto_V", "0.35", "test"}, {"lambda_per_V", "0.05", "test"},
                               {"w_m", "2e-6", "test"}, {"l_m", "5e-7", "test"}, {"c_gate_F", "3e-14", "test"}});
    const MosfetParameters& p = model.typed_parameters();
    EXPECT_EQ(p.kp_A_per_V2, 2.5e-4);
    EXPECT_EQ(p.vto_V, 0.35);
    EXPECT_EQ(p.c_gate_F, 3e-14);
    for (const std::string variant : {"", "cosim", "shared_gate"}) {
        SCOPED_TRACE(variant);
        const auto face = make_device_face(model, variant);
        Netlist netlist("typed parameters");
        face->add_shared(netlist);
        Rng rng(1);
        face->add_device(netlist, "0_0", "r", "c", model.make_device(rng));
        ASSERT_EQ(netlist.models().size(), 1u);
        const ModelCard& card = netlist.models().front();
        EXPECT_EQ(card_parameter(card, "kp"), p.kp_A_per_V2);
        EXPECT_EQ(card_parameter(card, "vto"), p.vto_V);
        EXPECT_EQ(card_parameter(card, "lambda"), p.lambda_per_V);
        const auto& transistor = element_named<Mosfet>(netlist, "dev_0_0");
        EXPECT_EQ(transistor.width_m, p.w_m);
        EXPECT_EQ(transistor.length_m, p.l_m);
        if (variant != "shared_gate") {  // the shared-gate face holds its gates at sources, with no capacitor
            EXPECT_EQ(element_named<Capacitor>(netlist, "gate_0_0").capacitance_F, p.c_gate_F);
        }
    }
}

TEST(FaceParameters, GainCellStorageCapacitorComesFromTheTypedParameters) {
    const GainCell model({{"c_store_F", "2.2e-14", "test"}});
    EXPECT_EQ(model.typed_parameters().c_store_F, 2.2e-14);
    const auto face = make_device_face(model, "transistor");
    Netlist netlist("typed parameters");
    face->add_shared(netlist);
    Rng rng(1);
    face->add_device(netlist, "0_0", "r", "c", model.make_device(rng));
    EXPECT_EQ(element_named<Capacitor>(netlist, "store_0_0").capacitance_F, model.typed_parameters().c_store_F);
}

// Each typed struct holds one double per row of its table (a parameter added to the table but not to
// the struct shows here), and every field the table's value.
template <typename Typed>
void expect_typed_matches_table(const DeviceModel& model, const Typed& typed) {
    const ParameterTable& table = model.parameters().table();
    ASSERT_EQ(sizeof(Typed), table.specs.size() * sizeof(double)) << table.device;
    std::vector<double> fields(table.specs.size());  // no padding between doubles: the sizes above agree
    std::memcpy(fields.data(), &typed, sizeof(Typed));
    for (std::size_t k = 0; k < table.specs.size(); ++k) {
        EXPECT_EQ(fields[k], model.parameters()[table.specs[k].name]) << table.device << " " << table.specs[k].name;
    }
}

TEST(FaceParameters, TypedParametersHoldEveryTableValueInTableOrder) {
    const MosfetSynapse mosfet({{"kp_A_per_V2", "2e-4", "test"}, {"step_noise_c2c", "0.2", "test"}});
    expect_typed_matches_table(mosfet, mosfet.typed_parameters());
    const PcmDevice pcm({{"g_max_S", "3e-5", "test"}, {"levels", "4", "test"}});
    expect_typed_matches_table(pcm, pcm.typed_parameters());
    const DomainWallSynapse domain_wall({{"tmr", "2", "test"}, {"attempt_frequency_Hz", "2e9", "test"}});
    expect_typed_matches_table(domain_wall, domain_wall.typed_parameters());
    const GainCell gain_cell({{"read_scale_A", "2e-6", "test"}, {"leak_spread_d2d", "0.2", "test"}});
    expect_typed_matches_table(gain_cell, gain_cell.typed_parameters());
}

}  // namespace
}  // namespace cimkit::circuits
