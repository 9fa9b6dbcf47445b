#include "domains/notifications/notifier.hpp"

#include <boost/json.hpp>

#include "core/log.hpp"

namespace ps::notifications {

namespace json = boost::json;

namespace {

struct Template {
    const char* slug;
    const char* type;
    const char* title;
    const char* message;
};

constexpr Template kTemplates[] = {
    {"rental_started", "rental", "Rental started",
     "Your power bank is out. Rental {rental_code} is due back by {due_at}."},
    {"rental_due_soon", "rental", "Return soon",
     "Rental {rental_code} is due in {minutes} minutes. Return it at any station."},
    {"rental_overdue", "rental", "Rental overdue",
     "Rental {rental_code} is overdue. Late fees apply until the power bank is returned."},
    {"rental_completed", "rental", "Rental completed",
     "Rental {rental_code} is complete. Total charged: NPR {amount}."},
    {"rental_payment_due", "payment", "Payment required",
     "Rental {rental_code} has NPR {amount} due. Pay it to rent again."},
    {"rental_cancelled", "rental", "Rental cancelled",
     "Rental {rental_code} was cancelled and refunded: {reason}."},
    {"rental_lost", "rental", "Power bank marked lost",
     "Rental {rental_code} was not returned in time. A buy-out of NPR {amount} applies; return "
     "the power bank to get it back."},
    {"rental_issue_reported", "system", "Rental issue reported",
     "Rental {rental_code}: {issue_type} reported. Open the rental issues queue."},
    {"rental_found", "rental", "Power bank found",
     "The power bank of rental {rental_code} is back. The buy-out was refunded, less NPR "
     "{amount} of late fees."},
};

const Template* Find(std::string_view slug) {
    for (const auto& t : kTemplates)
        if (slug == t.slug) return &t;
    return nullptr;
}

std::string Render(std::string_view text, const json::object& vars) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{') {
            auto end = text.find('}', i);
            if (end != std::string_view::npos) {
                auto it = vars.find(text.substr(i + 1, end - i - 1));
                if (it != vars.end()) {
                    out += it->value().is_string() ? std::string(it->value().as_string())
                                                   : json::serialize(it->value());
                    i = end;
                    continue;
                }
            }
        }
        out += text[i];
    }
    return out;
}

}  // namespace

Status Notify(db::Connection& tx, const Clock& clock, int64_t user_id, const std::string& slug,
              const json::object& vars, const std::string& dedup_key) {
    if (!Find(slug)) return InvalidArgument("unknown_template", "No template " + slug);
    json::object payload{{"user_id", user_id}, {"slug", slug}, {"vars", vars}};
    jobs::JobSpec spec;
    spec.name = kNotifyJob;
    spec.payload = json::serialize(payload);
    spec.unique_key = "notify:" + dedup_key;
    return jobs::Enqueue(tx, clock, spec);
}

void RegisterNotificationJobs(jobs::Registry& registry, db::Database& db, const Clock& clock) {
    registry.Register(kNotifyJob, [&db, &clock](const jobs::Job& job) -> Status {
        json::error_code ec;
        auto v = json::parse(job.payload, ec);
        const json::object* p = ec ? nullptr : v.if_object();
        const Template* t = nullptr;
        if (p && p->contains("slug") && (*p).at("slug").is_string())
            t = Find(std::string((*p).at("slug").as_string()));
        if (!t || !p->contains("user_id") || !p->at("user_id").is_int64() ||
            !p->contains("vars") || !p->at("vars").is_object()) {
            Logger("notifications")->error("notify job with a bad payload job_id={}", job.id);
            return Ok{};  // nothing a retry could fix
        }
        const auto& vars = p->at("vars").as_object();
        int64_t user_id = p->at("user_id").as_int64();
        // The job id makes a re-run (after a crash, or a lease that ran out) write the row once:
        // the conflict on the key, not an earlier read, decides, so it holds under READ
        // COMMITTED. One statement, database work only: run by the worker inside the
        // transaction that marks the job done (kInFinishTransaction), which Read joins.
        std::string id = "job-" + std::to_string(job.id);
        return db.Read([&](db::Connection& tx) -> Status {
            return tx.Defer(
                "INSERT INTO notifications (id, user_id, slug, title, message, notification_type, "
                "data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                {id, user_id, std::string(t->slug), Render(t->title, vars),
                 Render(t->message, vars), std::string(t->type), json::serialize(vars),
                 clock.Now()});
        });
    }, jobs::JobMode::kInFinishTransaction);
}

}  // namespace ps::notifications
