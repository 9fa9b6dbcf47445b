// What the cabinet link tells the rest of the program, after the database change that records
// it has committed. Rentals register listeners here (wiring.cpp); listeners run on a link or
// dispatcher thread, must be quick, and may be called again for the same fact after a crash
// (handle them idempotently, keyed by command_id or by (serial, station, at)).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace ps::cabinet {

// The outcome of one eject (popup_sn / popup) command.
struct EjectResult {
    std::string command_id;
    std::string station_id;
    std::string rental_id;  // "" when staff asked for it
    bool ok = false;        // the cabinet says the bank was ejected
    std::string serial;     // the bank ejected (or asked for), "" if unknown
    int slot = 0;           // 0 if unknown
    Micros at = 0;          // when we learned it
    bool timed_out = false; // no reply within the timeout (the bank may still have come out)
    bool late = false;      // a reply after the timeout (recorded as LATE_REPLY)
    int state = -1;         // the cabinet's reply state byte, -1 without a reply
    std::string reason;     // failure text: "timeout", "station_offline", "expired", "state 0xFC"...
};

// A bank arrived in a slot: a 0x40 return frame, or corroborated inventory evidence.
struct BankReturned {
    std::string station_id;
    int slot = 0;
    std::string serial;
    Micros at = 0;        // the earliest evidence time
    int battery = -1;     // percent, -1 unknown
    std::string source;   // "return_frame" | "inventory" | "bridge"
};

// A check_all reply was applied: the station's slots and banks now show what the cabinet holds
// (banks missing from it have left the cabinet).
struct StationChecked {
    std::string station_id;
    std::string command_id;
    Micros at = 0;
};

class Events {
public:
    using EjectListener = std::function<void(const EjectResult&)>;
    using ReturnListener = std::function<void(const BankReturned&)>;
    using CheckedListener = std::function<void(const StationChecked&)>;
    void OnEjectResult(EjectListener l);
    void OnBankReturned(ReturnListener l);
    void OnStationChecked(CheckedListener l);
    void Emit(const EjectResult& e) const;
    void Emit(const BankReturned& e) const;
    void Emit(const StationChecked& e) const;

private:
    mutable std::mutex mu_;
    std::vector<EjectListener> eject_;
    std::vector<ReturnListener> returned_;
    std::vector<CheckedListener> checked_;
};

}  // namespace ps::cabinet
