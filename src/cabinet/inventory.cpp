#include "cabinet/inventory.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <map>
#include <set>

#include "core/time_format.hpp"
#include "domains/stations/bank_repository.hpp"
#include "domains/stations/inventory_repository.hpp"

namespace ps::cabinet {

namespace json = boost::json;
namespace repo = stations::repo;

namespace {

const char* StateMessage(uint8_t s) {
    switch (s) {
        case kHoleChargingFault: return "Charging fault";
        case kHoleCommFault: return "Communication fault";
        case kHoleStuck: return "Stuck, cannot eject";
        case kHoleKeyReleased: return "Key force-released";
        case kHoleSolenoidNotReturned: return "Solenoid not returned";
        case kHoleAntiTheftCommFail: return "Anti-theft communication failure";
        case kHoleTypeCShort: return "Type-C short circuit";
        case kHoleReturnFailed: return "Return failed";
        default: return "Unknown state";
    }
}

std::string BankStatusFor(uint8_t state) {
    switch (state) {
        case kHoleNormal: return "AVAILABLE";
        case kHoleChargingFault:
        case kHoleStuck: return "MAINTENANCE";
        case kHoleKeyReleased:
        case kHoleSolenoidNotReturned: return "DAMAGED";
        default: return "";
    }
}

SlotReading Reading(const BoardRecord& b, const HoleRecord& h, Micros at) {
    SlotReading r;
    r.slot = h.hole;
    bool error = h.state != kHoleEmpty && h.state != kHoleNormal;  // unknown states too (§7.10)
    r.slot_status = error ? "ERROR" : h.sn != 0 ? "OCCUPIED" : "AVAILABLE";
    if (h.sn != 0) r.serial = std::to_string(h.sn);
    r.battery = h.SocPercent().value_or(0);
    r.bank_status = h.sn != 0 ? BankStatusFor(h.state) : "";
    r.slot_metadata = {{"micro_switch", h.MicroSwitch() ? "1" : "0"},
                       {"solenoid_valve", h.Solenoid() ? "1" : "0"},
                       {"lock_count", 0},
                       {"state", h.state},
                       {"last_updated", FormatDtU(at)}};
    if (error) {
        char code[8];
        std::snprintf(code, sizeof code, "0x%02X", h.state);
        r.slot_metadata["error_code"] = code;
        r.slot_metadata["error_message"] = StateMessage(h.state);
    }
    if (h.sn != 0)
        r.bank_hardware = {{"temperature", h.temperature},
                           {"voltage", h.charge_voltage},
                           {"current", h.charge_current},
                           {"soft_version", h.software_version},
                           {"hard_version", b.hardware_version},
                           {"micro_switch", h.MicroSwitch()},
                           {"solenoid_valve", h.Solenoid()},
                           {"area_code", AreaCode(b, h)}};
    return r;
}

// The arrival time: the earliest pending claim for this bank here, else now.
Result<BankReturned> Arrival(db::Connection& c, const CabinetStation& station, int slot,
                             const std::string& serial, int battery, std::string source,
                             Micros claim_window, Micros at) {
    ASSIGN_OR_RETURN(auto claimed, ConsumeReturnClaims(c, station.id, serial, at - claim_window, at));
    return BankReturned{station.id, slot, serial, claimed ? std::min(*claimed, at) : at, battery,
                        std::move(source)};
}

}  // namespace

std::vector<SlotReading> ReadingsFromInventory(const Inventory& inv, Micros at) {
    std::vector<SlotReading> out;
    for (const auto& b : inv.boards)
        for (const auto& h : b.holes) out.push_back(Reading(b, h, at));
    return out;
}

Result<InventoryOutcome> ApplyInventory(db::Connection& c, Random& random,
                                        const CabinetStation& station,
                                        const std::vector<SlotReading>& readings,
                                        const InventoryOptions& options, Micros at) {
    InventoryOutcome out;
    std::set<int> reported;
    int max_slot = 0;
    // Where banks were before this report: a bank moved by an earlier reading of this same
    // report (slot clean-up) must not look like it came from a user's hand.
    std::map<std::string, int> before;
    {
        ASSIGN_OR_RETURN(auto banks, repo::BanksAtStation(c, station.id));
        for (const auto& b : banks) before[b.serial_number] = b.current_slot.value_or(0);
    }
    for (const auto& r : readings) {
        if (!options.full && r.serial.empty()) continue;  // a partial check lists some banks only
        reported.insert(r.slot);
        max_slot = std::max(max_slot, r.slot);
        std::optional<std::string> bank_id;
        if (!r.serial.empty()) {
            bool created = false;
            ASSIGN_OR_RETURN(auto bank, repo::FindOrCreateBank(c, random, r.serial, r.battery, at, created));
            auto was = before.find(r.serial);
            if (was != before.end()) {  // recorded at this station when the report began
                bank.current_station_id = station.id;
                bank.current_slot = was->second;
            }
            bool here = bank.current_station_id == station.id && bank.current_slot == r.slot;
            bool other_station = bank.current_station_id && *bank.current_station_id != station.id;
            bool from_hand = !created && !bank.current_station_id;
            if (from_hand) {
                if (options.evidence == Evidence::kUnverified) {
                    out.unverified.push_back(r.serial);
                    continue;  // the slot stays as it was until the cabinet confirms
                }
                ASSIGN_OR_RETURN(bool ejecting, repo::EjectedFromSince(c, bank.id, station.id, r.slot,
                                                                 at - options.eject_grace));
                if (ejecting) continue;  // still in the slot's mouth right after the eject
            }
            RETURN_IF_ERROR(repo::MoveBank(c, bank, station.id, r.slot,
                                     {r.battery, r.bank_status, r.bank_hardware}, at));
            if (created)
                RETURN_IF_ERROR(repo::AddHistory(c, bank.id, "SEEN", station.id, r.slot, {}, at));
            else if (from_hand)
                RETURN_IF_ERROR(repo::AddHistory(c, bank.id, "RETURNED", station.id, r.slot,
                                                 {{"source", "inventory"}}, at));
            else if (!here)
                RETURN_IF_ERROR(repo::AddHistory(c, bank.id, "MOVED", station.id, r.slot,
                                                 {{"from_station_id", *bank.current_station_id},
                                                  {"from_slot", bank.current_slot.value_or(0)}},
                                                 at));
            bool arrived = from_hand || (other_station && options.evidence != Evidence::kUnverified);
            if (arrived) {
                ASSIGN_OR_RETURN(auto ev, Arrival(c, station, r.slot, r.serial, r.battery,
                                                  "inventory", options.claim_window, at));
                out.arrivals.push_back(std::move(ev));
            }
            bank_id = bank.id;
            ++out.banks_updated;
        }
        RETURN_IF_ERROR(repo::ClearSlotOccupants(c, station.id, r.slot, bank_id.value_or(""), at));
        RETURN_IF_ERROR(repo::UpsertSlot(c, random, station.id,
                                   {r.slot, r.slot_status, r.battery, bank_id, r.slot_metadata}, at));
        ++out.slots_updated;
    }
    if (options.full) {  // banks recorded here but in no reported slot have left
        ASSIGN_OR_RETURN(auto banks, repo::BanksAtStation(c, station.id));
        for (const auto& b : banks) {
            if (b.current_slot && reported.count(*b.current_slot)) continue;
            RETURN_IF_ERROR(repo::UnlinkBank(c, b.id, at));
            RETURN_IF_ERROR(repo::AddHistory(c, b.id, "MISSING", station.id, b.current_slot,
                                             {{"reason", "slot not reported"}}, at));
        }
    }
    if (max_slot > 0) RETURN_IF_ERROR(EnsureSlotCount(c, station.id, max_slot, at));
    return out;
}

Result<BankReturned> PlaceReturnedBank(db::Connection& c, Random& random,
                                       const CabinetStation& station, int slot,
                                       const std::string& serial, int battery,
                                       std::string source, Micros claim_window, Micros at) {
    bool created = false;
    ASSIGN_OR_RETURN(auto bank, repo::FindOrCreateBank(c, random, serial, battery, at, created));
    RETURN_IF_ERROR(repo::ClearSlotOccupants(c, station.id, slot, bank.id, at));
    RETURN_IF_ERROR(repo::MoveBank(c, bank, station.id, slot, {battery, "", {}}, at));
    RETURN_IF_ERROR(
        repo::AddHistory(c, bank.id, "RETURNED", station.id, slot, {{"source", source}}, at));
    json::object meta{{"micro_switch", "1"}, {"solenoid_valve", "0"}, {"lock_count", 0},
                      {"state", 1}, {"last_updated", FormatDtU(at)}};
    RETURN_IF_ERROR(repo::UpsertSlot(c, random, station.id, {slot, "OCCUPIED", battery, bank.id, meta}, at));
    RETURN_IF_ERROR(EnsureSlotCount(c, station.id, slot, at));
    return Arrival(c, station, slot, serial, battery, std::move(source), claim_window, at);
}

Result<std::string> RemoveEjectedBank(db::Connection& c, const CabinetStation& station, int slot,
                                      std::string serial, std::string_view command_id, Micros at) {
    if (serial.empty()) {
        ASSIGN_OR_RETURN(serial, repo::SerialInSlot(c, station.id, slot));
    }
    if (!serial.empty()) {
        ASSIGN_OR_RETURN(auto bank, repo::FindBankBySerial(c, serial));
        if (bank) {
            RETURN_IF_ERROR(repo::UnlinkBank(c, bank->id, at));
            RETURN_IF_ERROR(repo::AddHistory(c, bank->id, "EJECTED", station.id, slot,
                                             {{"command_id", command_id}}, at));
        }
    }
    RETURN_IF_ERROR(repo::EmptySlot(c, station.id, slot, at));
    return serial;
}

}  // namespace ps::cabinet
