#include "bench/attention_benchmarks.hpp"
#include "bench/forward_benchmarks.hpp"
#include "bench/harness.hpp"
#include "bench/training_benchmarks.hpp"
#include "bench/wired_read_benchmarks.hpp"

namespace cimkit::bench {

const std::vector<CaseEntry>& cases() {
    static const std::vector<CaseEntry> all{
        {"spice-forward", "one MVM through ngspice on a loaded crossbar, samples/s", spice_forward},
        {"reload-baseline", "the same MVM reloading the netlist per sample, and spice-forward's speed-up", reload_baseline},
        {"scaling", "ms per sample against the number of devices, op per sample and batched, with and without wires", scaling},
        {"memory", "RSS growth over 10 000 ngspice solves", memory},
        {"pool-scaling", "batched reads on 1 against 2 ngspice worker processes", pool_scaling},
        {"compact-wired-read", "one read of a 784x100-pair PCM layer with 1 Ohm wires: line relaxation against Newton", compact_wired_read},
        {"compact-train", "training samples/s of the compact engine (784-100-10 PCM, 784-10 domain wall)", compact_train},
        {"mnist-spice-epoch", "one MNIST 784-100-10 epoch with every forward read in ngspice (mini-batch, batched read strategy), against the compact engine", mnist_spice_epoch},
        {"dw-per-sample-spice-epoch", "MNIST 784-10 domain wall, per-sample SGD, every read in ngspice: samples/s and the projected epoch", dw_per_sample_spice_epoch},
        {"iris-spice-train", "wall time of the default `cimkit train`", iris_spice_train},
        {"iris-full-spice", "wall time of iris_mosfet_full_spice: reads, neurons and updates in ngspice", iris_full_spice},
        {"attention-tile", "one attention token through a 64x64 gain-cell tile in ngspice, against the compact block", attention_tile},
    };
    return all;
}

}  // namespace cimkit::bench
