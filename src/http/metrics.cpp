#include "http/metrics.hpp"

#include <fmt/format.h>

namespace ps::http {

void Metrics::ObserveRequest(const std::string& route, int status, double seconds) {
    std::lock_guard lock(mu_);
    ++requests_[{route, status}];
    Histogram& h = latency_[route];
    size_t i = 0;
    while (i < std::size(kBuckets) && seconds > kBuckets[i]) ++i;
    ++h.counts[i];
    h.sum += seconds;
    ++h.total;
}

void Metrics::Increment(const std::string& name, const std::string& labels, double by) {
    std::lock_guard lock(mu_);
    counters_[{name, labels}] += by;
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
    std::lock_guard lock(mu_);
    gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::Render() const {
    std::vector<Gauge> gauges;
    std::string out;
    {
        std::lock_guard lock(mu_);
        gauges = gauges_;
        out += "# HELP powershare_http_requests_total HTTP requests by route and status.\n"
               "# TYPE powershare_http_requests_total counter\n";
        for (const auto& [key, n] : requests_)
            out += fmt::format("powershare_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                               key.first, key.second, n);
        out += "# HELP powershare_http_request_duration_seconds Request latency by route.\n"
               "# TYPE powershare_http_request_duration_seconds histogram\n";
        for (const auto& [route, h] : latency_) {
            uint64_t cum = 0;
            for (size_t i = 0; i < std::size(kBuckets); ++i) {
                cum += h.counts[i];
                out += fmt::format(
                    "powershare_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                    route, kBuckets[i], cum);
            }
            out += fmt::format(
                "powershare_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n"
                "powershare_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n"
                "powershare_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                route, h.total, route, h.sum, route, h.total);
        }
        std::string last;
        for (const auto& [key, v] : counters_) {
            if (key.first != last) out += fmt::format("# TYPE {} counter\n", key.first);
            last = key.first;
            out += key.second.empty() ? fmt::format("{} {}\n", key.first, v)
                                      : fmt::format("{}{{{}}} {}\n", key.first, key.second, v);
        }
    }
    for (const auto& g : gauges)
        out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", g.name, g.help, g.name,
                           g.name, g.read());
    return out;
}

}  // namespace ps::http
