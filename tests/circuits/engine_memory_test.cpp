// Memory stays flat over thousands of load/run cycles (docs/architecture.md#embedded-ngspice): the
// engine frees each circuit and its plots (remcirc, destroy all) before the next load.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "circuits/spice/engine.hpp"

namespace cimkit::spice {
namespace {

double resident_MiB() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0, pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// Enough nodes that an unfreed circuit and plot would show: 122 vectors x ~200 points each.
NetlistText ladder() {
    std::string text = "rc ladder\nv1 n0 0 pulse(0 1 0 1u 1u 1m 2m)\n";
    for (int i = 1; i <= 60; ++i) {
        text += "r" + std::to_string(i) + " n" + std::to_string(i - 1) + " n" + std::to_string(i) + " 1k\n";
        text += "c" + std::to_string(i) + " n" + std::to_string(i) + " 0 1n\n";
    }
    text += ".options klu\n.tran 5u 1m\n.end\n";
    return NetlistText::from_string(text, "ladder.cir");
}

}  // namespace

TEST(EngineMemory, ResidentSetStaysFlatOver2000LoadRunCycles) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "ASan's quarantine holds freed memory, so RSS says nothing about leaks here";
#endif
    Engine engine;
    const NetlistText netlist = ladder();
    auto cycle = [&] {
        engine.load(netlist);
        engine.run();
        ASSERT_EQ(engine.plots().size(), 1u);
    };
    for (int i = 0; i < 100; ++i) cycle();  // warm-up: allocator pools, code models
    const double before_MiB = resident_MiB();
    for (int i = 0; i < 2000; ++i) cycle();
    const double growth_MiB = resident_MiB() - before_MiB;
    std::printf("RSS growth over 2000 load/run cycles: %.2f MiB\n", growth_MiB);
    // Without remcirc/destroy all each cycle keeps its circuit and ~0.2 MiB of plot data.
    // ngspice's command leak (~0.3 KB per command, docs/ngspice-facts.md#per-command-leak) allows a
    // few MiB.
    EXPECT_LT(growth_MiB, 8.0) << "RSS grew by " << growth_MiB << " MiB over 2000 cycles";
}

}  // namespace cimkit::spice
