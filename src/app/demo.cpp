#include "app/demo.hpp"

#include <cstdio>

#include "app/services.hpp"

namespace ps::app {

namespace {
constexpr const char* kDemoStaffEmail = "admin@powershare.local";
}

Status SeedDemo(App& a) {
    RETURN_IF_ERROR(money::SeedDemoPaymentMethod(*a.db, *a.clock, *a.random));  // idempotent
    ASSIGN_OR_RETURN(auto staff, a.db->Read([](db::Connection& c) {
        return c.QueryOne("SELECT COUNT(*) FROM users WHERE is_staff = 1");
    }));
    if (staff && staff->Int(0) > 0) return Ok{};
    std::string password = a.random->Token(12);
    ASSIGN_OR_RETURN(auto u, a.services->accounts->CreateStaff(kDemoStaffEmail, password,
                                                               "super_admin", "admin", std::nullopt));
    std::printf(
        "\n  Demo staff account (shown once; change it or create your own with\n"
        "  `powershare admin create-staff`):\n"
        "    email:    %s\n    password: %s\n\n",
        kDemoStaffEmail, password.c_str());
    std::fflush(stdout);
    return Ok{};
}

}  // namespace ps::app
