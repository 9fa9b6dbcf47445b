// The HTTP calls a cabinet makes (cabinet-protocol.md §2), under both path families:
//   connect   GET|POST /api/iot/client/con, POST /api/rentbox/client/connect
//   upload    POST /api/rentbox/upload/data, POST /api/rentbox/client/upload (body: a 0x10 frame)
//   return    GET|POST /api/rentbox/order/return
//   config    GET|POST /api/rentbox/config/data
// Answers use the vendor envelope {"code","type":0,"data","msg","time"}. The `sign` is checked
// with the codec (it has no secret: integrity only). Connect issues MQTT credentials only to
// registered IMEIs (or any, with cabinet_auto_register) and rewrites the broker's files.
#pragma once

#include <cstdint>
#include <string>

#include "cabinet/broker_auth.hpp"
#include "cabinet/link.hpp"
#include "http/router.hpp"

namespace ps::cabinet {

struct CabinetHttpOptions {
    bool auto_register = false;
    bool require_sign = true;       // refuse a call whose sign does not match
    std::string mqtt_host = "127.0.0.1";  // what connect tells the cabinet to dial
    uint16_t mqtt_port = 1883;
};

class CabinetEndpoints {
public:
    CabinetEndpoints(db::Database& db, const Clock& clock, Random& random, Link& link,
                     BrokerAuth& auth, CabinetHttpOptions options);
    void Register(http::Router& router);

    http::Response Connect(http::Request& req);
    http::Response Upload(http::Request& req);
    http::Response Return(http::Request& req);
    http::Response Config(http::Request& req);

private:
    http::Response Reply(int code, boost::json::value data, std::string_view msg) const;
    // The registered (or auto-registered) station of this IMEI; an error reply otherwise.
    Result<CabinetStation> Station(const std::string& imei);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    Link& link_;
    BrokerAuth& auth_;
    CabinetHttpOptions options_;
};

}  // namespace ps::cabinet
