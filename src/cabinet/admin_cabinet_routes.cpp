// Staff routes of the cabinet link (module.hpp):
//   POST /api/admin/stations/{station_sn}/command  {command, parameters}
//        -> queued through CommandQueue inside a transaction with its audit entry, sent by the
//           dispatcher after commit; {command, station_name, success, message, command_id, status}
//   GET  /api/admin/stations/{station_sn}/frames?page&page_size
//        -> {results:[frame], pagination:P}, newest first
#include <boost/json.hpp>
#include <cstdio>

#include "cabinet/admin_command_parse.hpp"
#include "cabinet/frame_store.hpp"
#include "cabinet/module.hpp"
#include "core/time_format.hpp"
#include "domains/admin/audit.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"
#include "http/pagination.hpp"

namespace ps::cabinet {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

Result<CabinetStation> StationParam(db::Database& db, const Request& req) {
    std::string sn(req.PathParam("station_sn"));
    ASSIGN_OR_RETURN(auto s, db.Read([&](db::Connection& c) { return FindStationBySerial(c, sn); }));
    if (!s) return NotFound("station_not_found", "Station not found");
    return std::move(*s);
}

Response SendCommand(CabinetModule& m, Request& req) {
    ASSIGN_OR_RESPOND(auto station, StationParam(m.db(), req));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto name = f.Str("command", true, 32);
    auto params = f.Has("parameters") ? f.Object("parameters", false) : std::optional<json::object>{};
    f.OnlyKnown({"command", "parameters"});
    RESPOND_IF_ERROR(f.Finish());
    json::object p = params.value_or(json::object{});
    ASSIGN_OR_RESPOND(Command command, ParseStaffCommand(*name, p));
    if (station.status == "OFFLINE")
        return http::Failure(FailedPrecondition("station_offline", "Device is Offline"));
    const auto& who = *req.principal;
    json::object logged = p;
    if (logged.contains("password")) logged["password"] = "***";
    auto id = m.db().Transact([&](db::Connection& tx) -> Result<std::string> {
        ASSIGN_OR_RETURN(auto cid, m.commands().EnqueueCommand(tx, station.id, command, who.user_id,
                                                               "staff command " + *name));
        admin::AuditEntry e{who.user_id, "STATION_COMMAND", "Station", station.id,
                            json::object{{"command", *name}, {"parameters", logged},
                                         {"command_id", cid}},
                            "Sent " + CommandName(command) + " to station " + station.serial_number,
                            req.ClientIp(), std::string(req.Header("user-agent"))};
        RETURN_IF_ERROR(admin::RecordAudit(tx, m.clock(), m.random(), e));
        return cid;
    });
    if (!id.ok()) return http::Failure(id.error());
    m.dispatcher().Wake(station.id);
    return http::Success("Command sent successfully",
                         json::object{{"command", *name},
                                      {"station_name", station.name},
                                      {"success", true},
                                      {"message", "Command " + CommandName(command) + " queued"},
                                      {"command_id", *id},
                                      {"status", "QUEUED"}});
}

json::object FrameJson(const StoredFrame& f) {
    json::object o{{"id", f.id}, {"imei", f.imei}, {"channel", f.channel}, {"raw_hex", f.raw_hex},
                   {"received_at", FormatDt(f.received_at)}};
    if (f.command) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(*f.command & 0xFF));
        o["command"] = buf;
    } else {
        o["command"] = nullptr;
    }
    json::error_code ec;
    auto parsed = json::parse(f.parsed, ec);
    o["parsed"] = ec ? json::value(json::object{}) : parsed;
    o["error"] = f.error ? json::value(*f.error) : json::value(nullptr);
    return o;
}

Response ListFramesRoute(CabinetModule& m, Request& req) {
    ASSIGN_OR_RESPOND(auto station, StationParam(m.db(), req));
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req, 50, 200));
    auto rows = m.db().Read([&](db::Connection& c) -> Result<std::vector<StoredFrame>> {
        ASSIGN_OR_RETURN(int64_t total, CountFrames(c, station.imei));
        page.SetTotal(total);
        return ListFrames(c, station.imei, page.Offset(), page.page_size);
    });
    if (!rows.ok()) return http::Failure(rows.error());
    json::array results;
    for (const auto& f : *rows) results.emplace_back(FrameJson(f));
    return http::Success("Station frames retrieved successfully",
                         json::object{{"results", std::move(results)}, {"pagination", page.Json()}});
}

}  // namespace

void RegisterAdminCabinetRoutes(http::Router& r, CabinetModule& m) {
    r.Add("POST", "/api/admin/stations/{station_sn}/command", http::Auth::kStaff,
          [&m](Request& req) { return SendCommand(m, req); });
    r.Add("GET", "/api/admin/stations/{station_sn}/frames", http::Auth::kStaff,
          [&m](Request& req) { return ListFramesRoute(m, req); });
}

}  // namespace ps::cabinet
