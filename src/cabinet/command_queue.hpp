// Device commands as an outbox: they are written to cabinet_commands (status QUEUED) inside the
// business transaction that causes them, and the dispatcher (dispatcher.hpp) sends them after
// commit. Nothing here does device or network I/O.
//
// For rentals: RequestEject() inside the rental-start transaction; the outcome arrives later as
// an EjectResult (events.hpp) carrying the command id and the rental id.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cabinet/codec.hpp"
#include "cabinet/command_store.hpp"
#include "cabinet/station_lookup.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::cabinet {

// Which bank to eject: by serial (popup_sn) or by slot (popup).
struct EjectTarget {
    std::string serial;  // decimal uint32, or ""
    int slot = 0;        // 1-255, or 0
    static EjectTarget Serial(std::string s) { return {std::move(s), 0}; }
    static EjectTarget Slot(int n) { return {"", n}; }
};

// The protocol name of a command ("check", "popup_sn", "getWifi"...), as in its JSON "cmd".
std::string CommandName(const Command& c);

class CommandQueue {
public:
    CommandQueue(const Clock& clock, Random& random) : clock_(clock), random_(random) {}

    // Queues any command for the station; returns the command id. Errors: station_not_found.
    Result<std::string> EnqueueCommand(db::Connection& tx, std::string_view station_id,
                                       const Command& command, std::optional<int64_t> requested_by,
                                       std::string_view reason) const;

    // A check_all queued with kCorroborateReason (command_store.hpp) corroborates a return
    // claim: DropCorroboration takes it back once the cabinet's own frames confirmed it.
    static constexpr std::string_view kCorroborate = kCorroborateReason;
    // A check_all for the station: the one already queued or in flight, else a new one (one
    // queued to corroborate takes this reason: it is needed for more now).
    Result<std::string> EnsureCheckAll(db::Connection& tx, std::string_view station_id,
                                       std::string_view reason) const;
    // Takes back (FAILED, "corroborated") a still-QUEUED corroborating check_all of the station
    // when no return claim newer than `since` is left unconsumed there.
    Status DropCorroboration(db::Connection& tx, std::string_view station_id, Micros since) const;

    // Queues an eject for a rental, refusing what could eject twice or eject nothing:
    // station_not_found, station_offline (not ONLINE), station_maintenance,
    // powerbank_not_in_station / slot_empty, invalid_target, eject_in_progress (another eject
    // of that bank or slot is queued or in flight). Asking again for the same rental while its
    // eject is queued or in flight returns the same command id.
    Result<std::string> RequestEject(db::Connection& tx, std::string_view station_id,
                                     const EjectTarget& target, std::string_view rental_id) const;
    // The same, for a caller that already holds the station's row lock (FindStationBy...(...,
    // lock = true) in this transaction) and read it then.
    Result<std::string> RequestEject(db::Connection& tx, const CabinetStation& station,
                                     const EjectTarget& target, std::string_view rental_id) const;

private:
    Result<std::string> Insert(db::Connection& tx, std::string_view station_id,
                               const Command& command, std::optional<int64_t> requested_by,
                               std::string_view reason, std::string_view rental_id,
                               std::string_view expected_serial) const;

    const Clock& clock_;
    Random& random_;
};

}  // namespace ps::cabinet
