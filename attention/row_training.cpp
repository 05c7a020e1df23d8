#include "attention/row_training.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "devices/core/resource_dirs.hpp"
#include "devices/core/rng.hpp"

namespace cimkit::attention {
namespace {

// Adam (Kingma and Ba, 2015) with its default moments.
class Adam {
public:
    Adam(std::size_t size, double learning_rate) : rate_(learning_rate), first_(size, 0.0), second_(size, 0.0) {}
    void step(std::vector<double>& parameters, const std::vector<double>& gradient) {
        constexpr double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        ++steps_;
        const double correction1 = 1.0 - std::pow(beta1, steps_), correction2 = 1.0 - std::pow(beta2, steps_);
        for (std::size_t i = 0; i < parameters.size(); ++i) {
            first_[i] = beta1 * first_[i] + (1.0 - beta1) * gradient[i];
            second_[i] = beta2 * second_[i] + (1.0 - beta2) * gradient[i] * gradient[i];
            parameters[i] -= rate_ * (first_[i] / correction1) / (std::sqrt(second_[i] / correction2) + epsilon);
        }
    }

private:
    double rate_;
    int steps_ = 0;
    std::vector<double> first_, second_;
};

}  // namespace

void train_rows(RowModel& model, const training::Dataset& train, const RowTraining& how, const std::function<void(int, double)>& on_epoch) {
    Adam adam(model.parameters.size(), how.learning_rate);
    std::vector<double> gradient(model.parameters.size());
    std::vector<std::size_t> order(train.size());
    const auto features = static_cast<std::size_t>(train.features);
    for (int epoch = 0; epoch < how.epochs; ++epoch) {
        std::iota(order.begin(), order.end(), std::size_t{0});
        Rng rng = Rng(how.seed).stream(static_cast<std::uint64_t>(epoch));
        for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(rng.uniform() * static_cast<double>(i))]);
        double loss_sum = 0.0;
        for (std::size_t start = 0; start < order.size(); start += static_cast<std::size_t>(how.batch)) {
            std::fill(gradient.begin(), gradient.end(), 0.0);
            const std::size_t end = std::min(order.size(), start + static_cast<std::size_t>(how.batch));
            for (std::size_t k = start; k < end; ++k) {
                const std::size_t sample = order[k];
                loss_sum += row_loss_and_gradient(model, &train.x[sample * features], train.y[sample], how.kind, how.law, how.settings, gradient);
            }
            for (double& g : gradient) g /= static_cast<double>(end - start);
            adam.step(model.parameters, gradient);
        }
        if (on_epoch) on_epoch(epoch + 1, loss_sum / static_cast<double>(order.size()));
    }
}

training::Dataset load_mnist_rows(const std::filesystem::path& dir, const std::string& set, std::size_t limit) {
    const std::filesystem::path folder = dir.empty() ? resource_dir(Resource::data) / "mnist" : dir;
    training::Dataset d = training::load_mnist_idx(folder / (set + "-images-idx3-ubyte"), folder / (set + "-labels-idx1-ubyte"), "mnist-" + set, limit);
    for (float& x : d.x) x /= 255.0f;
    return d;
}

double row_accuracy(const RowModel& model, const training::Dataset& test, AttentionKind kind, GainCellReadModel law, const HeadSettings& s) {
    std::size_t correct = 0;
    const auto features = static_cast<std::size_t>(test.features);
    for (std::size_t i = 0; i < test.size(); ++i) {
        correct += row_forward(model, &test.x[i * features], kind, law, s).predicted == test.y[i];
    }
    return test.size() == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(test.size());
}

}  // namespace cimkit::attention
