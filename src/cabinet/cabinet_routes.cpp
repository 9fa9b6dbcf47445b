#include "cabinet/cabinet_routes.hpp"

#include <boost/json.hpp>
#include <charconv>

#include "cabinet/codec.hpp"
#include "core/log.hpp"
#include "http/body.hpp"

namespace ps::cabinet {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

auto Log() { return Logger("cabinet.http"); }

// Every query parameter, decoded, in order (the sign covers all of them but `sign`).
bool QueryParams(std::string_view q, Params& out) {
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view part = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        std::string k, v;
        if (!http::PercentDecode(part.substr(0, eq), k)) return false;
        if (eq != std::string_view::npos && !http::PercentDecode(part.substr(eq + 1), v)) return false;
        out.emplace_back(std::move(k), std::move(v));
    }
    return true;
}

std::string Get(const Params& p, std::string_view key) {
    for (const auto& [k, v] : p)
        if (k == key) return v;
    return "";
}

bool Has(const Params& p, std::string_view key) {
    for (const auto& kv : p)
        if (kv.first == key) return true;
    return false;
}

std::optional<int64_t> Number(const std::string& s, int64_t min, int64_t max) {
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || v < min || v > max)
        return std::nullopt;
    return v;
}

json::object ParamsJson(const Params& p) {
    json::object o;
    for (const auto& [k, v] : p)
        if (k != "sign") o[k] = v;
    return o;
}

constexpr std::string_view kDefaultConfig =
    R"({"dRotationRefer":"15","dReturnLocked":"0","dHeadConfig":"43","dRotationNumber":"5",)"
    R"("dRotationEnable":"1","dMotorEnable":"1","dAreaConfig":"357"})";

}  // namespace

CabinetEndpoints::CabinetEndpoints(db::Database& db, const Clock& clock, Random& random,
                                   Link& link, BrokerAuth& auth, CabinetHttpOptions options)
    : db_(db), clock_(clock), random_(random), link_(link), auth_(auth),
      options_(std::move(options)) {}

void CabinetEndpoints::Register(http::Router& r) {
    using http::Auth;
    auto bind = [this](Response (CabinetEndpoints::*f)(Request&)) {
        return [this, f](Request& req) { return (this->*f)(req); };
    };
    for (const char* m : {"GET", "POST"}) {
        r.Add(m, "/api/iot/client/con", Auth::kNone, bind(&CabinetEndpoints::Connect), true);
        r.Add(m, "/api/rentbox/client/connect", Auth::kNone, bind(&CabinetEndpoints::Connect), true);
        r.Add(m, "/api/rentbox/order/return", Auth::kNone, bind(&CabinetEndpoints::Return));
        r.Add(m, "/api/rentbox/config/data", Auth::kNone, bind(&CabinetEndpoints::Config));
    }
    r.Add("POST", "/api/rentbox/upload/data", Auth::kNone, bind(&CabinetEndpoints::Upload));
    r.Add("POST", "/api/rentbox/client/upload", Auth::kNone, bind(&CabinetEndpoints::Upload));
}

Response CabinetEndpoints::Reply(int code, json::value data, std::string_view msg) const {
    json::object body{{"code", code}, {"type", 0}, {"data", std::move(data)},
                      {"msg", msg}, {"time", clock_.Now() / 1000}};
    Response r;
    r.status = code == 200 ? 200 : code;
    r.body = json::serialize(body);
    return r;
}

Result<CabinetStation> CabinetEndpoints::Station(const std::string& imei) {
    // A known cabinet (every call but its first) is one read; registering one is a transaction.
    ASSIGN_OR_RETURN(auto known, db_.Read([&](db::Connection& c) { return FindStationByImei(c, imei); }));
    if (known) return std::move(*known);
    return db_.Transact([&](db::Connection& tx) -> Result<CabinetStation> {
        ASSIGN_OR_RETURN(auto s, FindStationByImei(tx, imei));
        if (s) return std::move(*s);
        if (!options_.auto_register)
            return PermissionDenied("device_not_registered", "Device is not registered");
        Log()->info("auto-registering cabinet imei={}", imei);
        return AutoRegisterStation(tx, clock_, random_, imei);
    });
}

#define CABINET_PARAMS(params, imei_key)                                                      \
    Params params;                                                                            \
    if (!QueryParams(req.query, params)) return Reply(400, nullptr, "malformed query");       \
    const std::string imei = Get(params, imei_key);                                           \
    if (!IsValidImei(imei)) return Reply(400, nullptr, "missing or invalid " imei_key);       \
    if (options_.require_sign && !SignMatches(params, Get(params, "sign"))) {                 \
        Log()->warn("cabinet sign mismatch path={} imei={}", req.path, imei);                 \
        return Reply(400, nullptr, "sign mismatch");                                          \
    }                                                                                         \
    auto station = Station(imei);                                                             \
    if (!station.ok()) {                                                                      \
        Log()->warn("cabinet call refused path={} imei={} reason={}", req.path, imei,         \
                    station.error().slug);                                                    \
        return Reply(403, nullptr, station.error().message);                                  \
    }

Response CabinetEndpoints::Connect(Request& req) {
    CABINET_PARAMS(params, "uuid");
    std::string password = RandomMqttPassword(random_);
    std::string hash = MosquittoPasswordHash(password, random_);
    Micros now = clock_.Now();
    auto st = db_.Transact([&](db::Connection& tx) -> Status {
        RETURN_IF_ERROR(SetMqttCredentials(tx, station->id, MqttUsernameFor(imei), hash, now));
        return TouchLiveness(tx, station->id, now);
    });
    if (!st.ok()) return Reply(500, nullptr, st.error().message);
    // The writer puts the committed credentials in the broker's files within its interval.
    if (auto w = auth_.Changed(); !w.ok()) {
        Log()->error("broker auth files not written error={}", w.error().message);
        return Reply(500, nullptr, "credentials not available");
    }
    ConnectData d{imei, "powerbank", options_.mqtt_host, options_.mqtt_port,
                  MqttUsernameFor(imei), password, now / 1000};
    Log()->info("cabinet connected imei={} station={}", imei, station->id);
    return Reply(200, json::string(EncodeConnectData(d)), "ok");
}

Response CabinetEndpoints::Upload(Request& req) {
    CABINET_PARAMS(params, "rentboxSN");
    auto r = link_.HandleUpload(*station, req.body, ParamsJson(params));
    if (!r.ok()) return Reply(500, nullptr, r.error().message);
    if (!r->error.empty()) return Reply(400, nullptr, r->error);
    return Reply(200, nullptr, "ok");
}

Response CabinetEndpoints::Return(Request& req) {
    CABINET_PARAMS(params, "rentboxSN");
    auto sn = Number(Get(params, "singleSN"), 1, UINT32_MAX);
    auto hole = Number(Get(params, "hole"), 1, 255);
    if (!sn || !hole) return Reply(400, nullptr, "missing or invalid singleSN/hole");
    int power = -1;
    if (Has(params, "power")) power = static_cast<int>(Number(Get(params, "power"), 0, 100).value_or(-1));
    auto st = link_.HandleHttpReturn(*station, std::to_string(*sn), static_cast<int>(*hole), power,
                                     req.query);
    if (!st.ok()) return Reply(500, nullptr, st.error().message);
    return Reply(200, nullptr, "ok");
}

Response CabinetEndpoints::Config(Request&) {
    // Nothing secret and nothing changed: any cabinet may read it, with or without a sign.
    return Reply(200, json::string(kDefaultConfig), "ok");
}

}  // namespace ps::cabinet
