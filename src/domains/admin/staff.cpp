#include "domains/admin/staff.hpp"

namespace ps::admin {

Permissions PermissionsFor(std::string_view role) {
    Permissions p;
    if (role == "super_admin" || role == "admin" || role == "moderator") {
        p.manage_users = p.manage_stations = p.manage_content = p.view_analytics = true;
    }
    if (role == "super_admin" || role == "admin") p.manage_finances = true;
    if (role == "super_admin") p.manage_admins = true;
    return p;
}

bool ValidRole(std::string_view role) {
    return role == "super_admin" || role == "admin" || role == "moderator";
}

}  // namespace ps::admin
