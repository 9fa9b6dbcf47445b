// The command line: serve, worker, migrate, admin create-staff, simulate, version.
#pragma once

#include <string>

#include "app/config.hpp"

namespace ps::app {
int Main(int argc, char** argv);
int CreateStaffCommand(const Config& cfg, const std::string& email, const std::string& password,
                       const std::string& role, const std::string& username);
}
