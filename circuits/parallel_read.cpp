#include "circuits/parallel_read.hpp"

#include <exception>
#include <thread>

#include "circuits/batched_read.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {

ParallelRead::ParallelRead(int workers, std::string netlist_text, std::string origin, std::vector<std::string> row_sources,
                           std::vector<std::string> outputs, spice::WorkerOptions options)
    : netlist_text_(std::move(netlist_text)), origin_(std::move(origin)), row_sources_(std::move(row_sources)), outputs_(std::move(outputs)) {
    if (workers < 1) throw UsageError("ParallelRead: workers = " + std::to_string(workers) + ", expected >= 1");
    for (int w = 0; w < workers; ++w) {
        workers_.push_back(std::make_unique<spice::Worker>(options));
        workers_.back()->load(netlist_text_, origin_);
    }
}

ParallelRead::~ParallelRead() = default;

Eigen::MatrixXd ParallelRead::run_share(spice::Worker& worker, const Eigen::MatrixXd& inputs_V) {
    for (std::size_t i = 0; i < row_sources_.size(); ++i) {
        const Eigen::VectorXd column = inputs_V.col(static_cast<Eigen::Index>(i));
        worker.set_external_table(row_sources_[i], std::vector<double>(column.data(), column.data() + column.size()), 1.0);
    }
    try {
        return samples_from_time_points(worker.run_and_read(batched_transient(inputs_V.rows()), batched_vectors(outputs_)), inputs_V.rows());
    } catch (const spice::WorkerCrashed&) {
        worker.load(netlist_text_, origin_);  // the fresh child has no circuit; the next run can go on
        throw;
    }
}

Eigen::MatrixXd ParallelRead::run(const Eigen::MatrixXd& inputs_V) {
    check_batch_inputs("ParallelRead", inputs_V, row_sources_.size());
    const Eigen::Index samples = inputs_V.rows();
    const Eigen::Index used = std::min<Eigen::Index>(samples, static_cast<Eigen::Index>(workers_.size()));
    Eigen::MatrixXd out(samples, static_cast<Eigen::Index>(outputs_.size()));
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(used));
    std::vector<std::thread> threads;
    for (Eigen::Index w = 0; w < used; ++w) {
        const Eigen::Index first = samples * w / used, count = samples * (w + 1) / used - first;
        threads.emplace_back([&, w, first, count] {
            try {
                out.middleRows(first, count) = run_share(*workers_[static_cast<std::size_t>(w)], inputs_V.middleRows(first, count));
            } catch (...) {
                errors[static_cast<std::size_t>(w)] = std::current_exception();
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
    return out;
}

std::size_t ParallelRead::children_rss_bytes() const {
    std::size_t total = 0;
    for (const auto& w : workers_) total += w->child_rss_bytes();
    return total;
}

}  // namespace cimkit::circuits
