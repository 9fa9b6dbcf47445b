// The staff audit log (table admin_action_logs): every staff write records one entry inside the
// same transaction as the write, so an action and its record commit together.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"

namespace ps::admin {

struct AuditEntry {
    int64_t admin_user_id = 0;
    std::string action_type;   // e.g. "UPDATE_KYC_STATUS", "UPDATE_USER_STATUS"
    std::string target_model;  // e.g. "UserKYC", "User"
    std::string target_id;
    boost::json::object changes;
    std::string description;
    std::string ip_address, user_agent;
};

Status RecordAudit(db::Connection& tx, const Clock& clock, Random& random, const AuditEntry& e);

}  // namespace ps::admin
