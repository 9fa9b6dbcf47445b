// Prometheus metrics in text format: requests by route and status, a latency histogram, and
// gauges read at scrape time (database pool, job queue) registered by the composition root.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace ps::http {

class Metrics {
public:
    void ObserveRequest(const std::string& route, int status, double seconds);
    void Increment(const std::string& name, const std::string& labels = "", double by = 1);
    // A gauge computed when scraped; the callback returns the value.
    void AddGauge(std::string name, std::string help, std::function<double()> read);
    std::string Render() const;

private:
    static constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                          0.025,  0.05,  0.1,    0.25,  1.0};
    struct Histogram {
        uint64_t counts[std::size(kBuckets) + 1] = {};
        double sum = 0;
        uint64_t total = 0;
    };
    struct Gauge {
        std::string name, help;
        std::function<double()> read;
    };
    mutable std::mutex mu_;
    std::map<std::pair<std::string, int>, uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
    std::map<std::pair<std::string, std::string>, double> counters_;
    std::vector<Gauge> gauges_;
};

}  // namespace ps::http
