#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace ps {

namespace {
std::mutex g_mu;
std::shared_ptr<spdlog::sinks::sink> g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;
}  // namespace

void InitLogging(std::string_view level) {
    std::lock_guard lock(g_mu);
    if (!g_sink) g_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    g_level = spdlog::level::from_str(std::string(level));
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
}

std::shared_ptr<spdlog::logger> Logger(const std::string& name) {
    if (auto l = spdlog::get(name)) return l;
    std::lock_guard lock(g_mu);
    if (auto l = spdlog::get(name)) return l;
    if (!g_sink) g_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto l = std::make_shared<spdlog::logger>(name, g_sink);
    l->set_level(g_level);
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %n %v", spdlog::pattern_time_type::utc);
    spdlog::register_logger(l);
    return l;
}

std::string MaskIdentifier(std::string_view id) {
    auto at = id.find('@');
    if (at != std::string_view::npos)
        return std::string(id.substr(0, at > 0 ? 1 : 0)) + "***" + std::string(id.substr(at));
    if (id.size() <= 4) return std::string(id.size(), '*');
    return std::string(id.substr(0, 2)) + std::string(id.size() - 4, '*') +
           std::string(id.substr(id.size() - 2));
}

}  // namespace ps
