#include "domains/admin/audit.hpp"

#include <boost/json/serialize.hpp>

namespace ps::admin {

Status RecordAudit(db::Connection& tx, const Clock& clock, Random& random, const AuditEntry& e) {
    RETURN_IF_ERROR(tx.Exec(
        "INSERT INTO admin_action_logs (id, admin_user_id, action_type, target_model, target_id, "
        "changes, description, ip_address, user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {random.Uuid(), e.admin_user_id, e.action_type, e.target_model, e.target_id,
         boost::json::serialize(e.changes), e.description, e.ip_address, e.user_agent.substr(0, 512),
         clock.Now()}));
    return Ok{};
}

}  // namespace ps::admin
