// `powershare admin create-staff`: creates (or promotes) a staff account from the shell.
#include <cstdio>

#include "app/services.hpp"
#include "app/wiring.hpp"

namespace ps::app {

int CreateStaffCommand(const Config& cfg, const std::string& email, const std::string& password,
                       const std::string& role, const std::string& username) {
    Config c = cfg;
    c.run_jobs = false;
    auto app = BuildApp(c);
    if (!app.ok()) {
        std::fprintf(stderr, "powershare: %s\n", app.error().message.c_str());
        return 1;
    }
    auto u = (*app)->services->accounts->CreateStaff(email, password, role, username, std::nullopt);
    if (!u.ok()) {
        std::fprintf(stderr, "powershare: %s\n", u.error().message.c_str());
        return 1;
    }
    std::printf("staff account ready: id=%lld email=%s role=%s\n", static_cast<long long>(u->id),
                u->email->c_str(), role.c_str());
    return 0;
}

}  // namespace ps::app
