// Writes what the independent numpy DFA (scripts/dfa_reference.py) needs to retrace a cimkit run,
// and what the run measured, so that the two can be compared number by number (ctest
// dfa_matches_numpy_reference):
//   the Iris split as cimkit scales it, the initial weights W_l and feedback matrices B_l (drawn by
//   cimkit from the seed), every epoch's sample order, then the ideal engine's DFA training of
//   the same network: per-epoch loss and accuracies, and the final weights and biases.
// Text, one array per line: "name rows cols v v v ..." (row-major; floats with 9 significant
// digits, which read back to the same float).
//     dfa_reference_dump OUT [key=value ...]    (extra settings, e.g. network.hidden_activation=relu)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"
#include "training/experiment.hpp"
#include "training/trainer.hpp"

using namespace cimkit;
using namespace cimkit::training;

namespace {

void write(std::ofstream& out, const std::string& name, const Eigen::MatrixXd& m) {
    out << name << ' ' << m.rows() << ' ' << m.cols();
    char text[32];
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            std::snprintf(text, sizeof text, " %.9g", m(i, j));
            out << text;
        }
    }
    out << '\n';
}

Eigen::MatrixXd features(const Dataset& d) {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(d.size()), d.features);
    for (std::size_t i = 0; i < d.size(); ++i) x.row(static_cast<Eigen::Index>(i)) = sample_features(d, i).cast<double>().transpose();
    return x;
}

Eigen::MatrixXd labels(const Dataset& d) {
    Eigen::MatrixXd y(1, static_cast<Eigen::Index>(d.size()));
    for (std::size_t i = 0; i < d.size(); ++i) y(0, static_cast<Eigen::Index>(i)) = d.y[i];
    return y;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: dfa_reference_dump OUT [key=value ...]\n";
        return 2;
    }
    try {
        std::vector<Setting> settings{{"run.engine", "ideal", "dump"},        {"dataset.name", "iris", "dump"},
                                      {"training.rule", "dfa", "dump"},       {"network.hidden_layers", "[8, 6]", "dump"},
                                      {"training.epochs", "20", "dump"},      {"training.learning_rate", "0.05", "dump"}};
        for (int a = 2; a < argc; ++a) {
            const std::string kv = argv[a];
            const auto eq = kv.find('=');
            if (eq == std::string::npos) throw ParameterError("'" + kv + "' is not key=value");
            settings.push_back({kv.substr(0, eq), kv.substr(eq + 1), "command line"});
        }
        const ConfigValues config = resolve_experiment_config(settings);
        const Split data = load_experiment_data(config);
        Experiment experiment(config, data.train.features, data.train.classes);
        Network& network = experiment.network();
        const TrainingConfig& schedule = experiment.training();

        std::ofstream out(argv[1]);
        write(out, "x_train", features(data.train));
        write(out, "y_train", labels(data.train));
        write(out, "x_test", features(data.test));
        write(out, "y_test", labels(data.test));
        write(out, "learning_rate", Eigen::MatrixXd::Constant(1, 1, schedule.learning_rate));
        write(out, "activation", Eigen::MatrixXd::Constant(1, 1, network.activation(0) == Activation::relu ? 1.0 : 0.0));
        for (int l = 0; l < network.layer_count(); ++l) write(out, "w_initial_" + std::to_string(l), network.array(l).weights().cast<double>());
        for (int l = 0; l + 1 < network.layer_count(); ++l) write(out, "feedback_" + std::to_string(l), network.feedback(l).weights().cast<double>());
        for (int e = 1; e <= schedule.epochs; ++e) {
            Rng rng = Rng(schedule.seed).stream(static_cast<std::uint64_t>(e));  // the trainer's order (trainer.hpp)
            const std::vector<std::size_t> order = shuffled_order(data.train.size(), rng);
            Eigen::MatrixXd row(1, static_cast<Eigen::Index>(order.size()));
            for (std::size_t k = 0; k < order.size(); ++k) row(0, static_cast<Eigen::Index>(k)) = static_cast<double>(order[k]);
            write(out, "order_" + std::to_string(e), row);
        }
        const std::vector<EpochMetrics> history = train(network, data.train, data.test, schedule);
        Eigen::MatrixXd loss(1, schedule.epochs), train_accuracy(1, schedule.epochs), test_accuracy(1, schedule.epochs);
        for (int e = 0; e < schedule.epochs; ++e) {
            loss(0, e) = history[static_cast<std::size_t>(e)].loss;
            train_accuracy(0, e) = history[static_cast<std::size_t>(e)].train_accuracy;
            test_accuracy(0, e) = history[static_cast<std::size_t>(e)].test_accuracy;
        }
        write(out, "loss", loss);
        write(out, "train_accuracy", train_accuracy);
        write(out, "test_accuracy", test_accuracy);
        for (int l = 0; l < network.layer_count(); ++l) {
            write(out, "w_final_" + std::to_string(l), network.array(l).weights().cast<double>());
            write(out, "b_final_" + std::to_string(l), network.bias(l).cast<double>().transpose());
        }
        return out ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "dfa_reference_dump: " << e.what() << '\n';
        return 2;
    }
}
