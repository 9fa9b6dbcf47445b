// Logging: one named spdlog logger per subsystem, key=value fields. Never log tokens, OTPs,
// passwords or full phone numbers (MaskIdentifier helps).
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace ps {

// Configures the global sink once ("info", "debug", "warn", ...). Safe to call again.
void InitLogging(std::string_view level);
// The logger for one subsystem ("http", "db", "jobs", "identity", ...).
std::shared_ptr<spdlog::logger> Logger(const std::string& name);
// "98******12" / "a***@example.com": enough to debug, not enough to identify.
std::string MaskIdentifier(std::string_view id);

}  // namespace ps
