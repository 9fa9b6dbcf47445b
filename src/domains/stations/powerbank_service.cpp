#include "domains/stations/powerbank_service.hpp"

#include <boost/json/serialize.hpp>

#include "core/log.hpp"
#include "domains/admin/audit.hpp"

namespace ps::stations {

namespace {
auto Log() {
    static auto l = Logger("stations");
    return l;
}
}  // namespace

PowerBankService::PowerBankService(db::Database& db, const Clock& clock, Random& random,
                                   StationOptions opts)
    : db_(db), clock_(clock), random_(random), opts_(opts) {}

Result<std::vector<repo::BankRow>> PowerBankService::List(const repo::BankFilter& f,
                                                          http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<repo::BankRow>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountBanks(c, f));
        page.SetTotal(total);
        return repo::ListBanks(c, f, page.page_size, page.Offset());
    });
}

Result<PowerBankService::Detail> PowerBankService::Get(const std::string& id) {
    return db_.Read([&](db::Connection& c) -> Result<Detail> {
        ASSIGN_OR_RETURN(auto row, repo::FindBankRow(c, id));
        if (!row) return NotFound("powerbank_not_found", "PowerBank not found");
        ASSIGN_OR_RETURN(auto recent, repo::ListHistory(c, id, 10, 0));
        return Detail{std::move(*row), std::move(recent)};
    });
}

Result<PowerBankService::History> PowerBankService::GetHistory(const std::string& id,
                                                               http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<History> {
        ASSIGN_OR_RETURN(auto bank, repo::FindBank(c, id));
        if (!bank) return NotFound("powerbank_not_found", "PowerBank not found");
        ASSIGN_OR_RETURN(int64_t total, repo::CountHistory(c, id));
        page.SetTotal(total);
        ASSIGN_OR_RETURN(auto entries, repo::ListHistory(c, id, page.page_size, page.Offset()));
        return History{std::move(*bank), std::move(entries)};
    });
}

Result<PowerBank> PowerBankService::SetStatus(const admin::Actor& actor, const std::string& id,
                                              const std::string& status,
                                              const std::string& reason) {
    if (!admin::PermissionsFor(actor.role).manage_stations)
        return FailedPrecondition("permission_denied", "You may not manage stations.");
    if (status != "AVAILABLE" && status != "MAINTENANCE" && status != "DAMAGED" && status != "LOST")
        return FieldError("status", "\"" + status + "\" is not a valid choice.");
    auto changed = db_.Transact([&](db::Connection& c) -> Result<PowerBank> {
        ASSIGN_OR_RETURN(auto bank, repo::FindBank(c, id));
        if (!bank) return NotFound("powerbank_not_found", "PowerBank not found");
        if (status == "AVAILABLE" && !bank->current_station_id)
            return FailedPrecondition(
                "invalid_status_change",
                "Cannot set powerbank to AVAILABLE without a station location");
        Micros now = clock_.Now();
        std::string old = bank->status;
        bank->status = status;
        bank->updated_at = now;
        RETURN_IF_ERROR(repo::UpdateBank(c, *bank));
        boost::json::object changes{{"old_status", old},
                                    {"new_status", status},
                                    {"reason", reason},
                                    {"serial_number", bank->serial_number}};
        RETURN_IF_ERROR(repo::AddHistory(c, bank->id, "STATUS", bank->current_station_id,
                                         bank->current_slot, changes, now));
        RETURN_IF_ERROR(admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id, "UPDATE_POWERBANK_STATUS", "PowerBank", bank->id, std::move(changes),
             "Updated powerbank " + bank->serial_number + " status from " + old + " to " + status,
             actor.ip_address, actor.user_agent}));
        return *bank;
    });
    if (changed.ok())
        Log()->info("powerbank status changed id={} status={} by={}", id, status, actor.user_id);
    return changed;
}

Result<repo::FleetStats> PowerBankService::Analytics() {
    return db_.Read(
        [&](db::Connection& c) { return repo::ComputeFleetStats(c, opts_.min_rentable_battery); });
}

}  // namespace ps::stations
