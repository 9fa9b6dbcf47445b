// Notices to users, queued by any domain inside its own transaction: Notify() enqueues a durable
// `notify` job (unique per `dedup_key`), and the job renders the template named by `slug` with
// `vars` and writes the in-app notification (table notifications, migration 0012). Templates are
// built in (English); "{name}" in a template is replaced by vars["name"]. Push, SMS and email
// channels plug in behind the same job.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "jobs/queue.hpp"

namespace ps::notifications {

inline constexpr const char* kNotifyJob = "notify";

// Errors: invalid_argument "unknown_template" for a slug without a template.
Status Notify(db::Connection& tx, const Clock& clock, int64_t user_id, const std::string& slug,
              const boost::json::object& vars, const std::string& dedup_key);

void RegisterNotificationJobs(jobs::Registry& registry, db::Database& db, const Clock& clock);

}  // namespace ps::notifications
