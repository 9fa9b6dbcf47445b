// The existing bridge's payloads (cabinet-protocol.md §6; chargeghar-responses.md §3
// internal/stations/data): `full` (a whole station: device, station, slots, power_banks),
// `returned` (a return event) and `status` (ONLINE/OFFLINE). The bridge is trusted (staff
// token + HMAC), so its returns and inventories are evidence like the cabinet's own frames.
// Runs inside the caller's transaction; events to emit after commit come back in the outcome.
#pragma once

#include <boost/json/object.hpp>
#include <vector>

#include "cabinet/events.hpp"
#include "cabinet/link.hpp"

namespace ps::cabinet {

struct BridgeOutcome {
    boost::json::object data;  // the response's `data`
    std::vector<BankReturned> returns;
};

// Errors (400): invalid_type, validation_error, station_not_found, powerbank_not_found,
// slot_not_found.
Result<BridgeOutcome> ApplyBridgePayload(db::Connection& tx, const Clock& clock, Random& random,
                                         const LinkOptions& options,
                                         const boost::json::object& body, std::string_view raw);

}  // namespace ps::cabinet
