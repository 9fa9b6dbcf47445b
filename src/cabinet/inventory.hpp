// Applying what a cabinet reports to slots and banks:
// - an inventory (0x10 upload / check_all: full; check: partial), normalised to SlotReadings
//   (the bridge's `full` payload maps to the same shape);
// - a return (0x40 ok, or the trusted bridge's `returned`);
// - a confirmed eject (0x31 / 0x21 ok).
// Rules: a bank reported in a slot is there (a bank recorded elsewhere has moved: history
// MOVED); a bank missing from a full report is no longer in that slot (history MISSING); a bank
// that was in nobody's slot (in a user's hand) arriving is a return (BankReturned), except
//  - from unverified evidence (HTTP calls carry no secret, §7.1): it becomes a claim and the
//    caller asks the cabinet for a check_all, whose MQTT reply corroborates it;
//  - within the eject grace after it was ejected from that very slot (the bank is still in
//    the mouth of the slot; ChargeGhar's bug §7.12).
#pragma once

#include <string>
#include <vector>

#include "cabinet/bank_store.hpp"
#include "cabinet/codec.hpp"
#include "cabinet/events.hpp"
#include "cabinet/station_lookup.hpp"

namespace ps::cabinet {

enum class Evidence {
    kCabinet,     // MQTT frames: the broker authenticated the cabinet
    kUnverified,  // the cabinet's HTTP calls (MD5 sign without a secret)
    kTrusted,     // the bridge (staff token + HMAC)
};

struct SlotReading {
    int slot = 0;
    std::string slot_status;  // AVAILABLE | OCCUPIED | ERROR
    std::string serial;       // "" = no bank
    int battery = 0;
    std::string bank_status;  // AVAILABLE | MAINTENANCE | DAMAGED, "" keep
    boost::json::object slot_metadata, bank_hardware;
};
std::vector<SlotReading> ReadingsFromInventory(const Inventory& inv, Micros at);

struct InventoryOptions {
    bool full = true;
    Evidence evidence = Evidence::kCabinet;
    Micros eject_grace = 30 * kSecond;
    Micros claim_window = 30 * kMinute;
};

struct InventoryOutcome {
    int slots_updated = 0;
    int banks_updated = 0;
    std::vector<BankReturned> arrivals;       // emit after commit
    std::vector<std::string> unverified;      // serials waiting for corroboration
};

Result<InventoryOutcome> ApplyInventory(db::Connection& c, Random& random,
                                        const CabinetStation& station,
                                        const std::vector<SlotReading>& readings,
                                        const InventoryOptions& options, Micros at);

// A bank is back in (station, slot): placed, history RETURNED; the event to emit (its time is
// the earliest pending claim within claim_window, else `at`).
Result<BankReturned> PlaceReturnedBank(db::Connection& c, Random& random,
                                       const CabinetStation& station, int slot,
                                       const std::string& serial, int battery,
                                       std::string source, Micros claim_window, Micros at);

// The cabinet confirmed an eject from `slot`: the slot empties and the bank leaves the station
// (history EJECTED). serial "" = whatever bank was recorded there. Returns the bank's serial.
Result<std::string> RemoveEjectedBank(db::Connection& c, const CabinetStation& station, int slot,
                                      std::string serial, std::string_view command_id, Micros at);

}  // namespace ps::cabinet
