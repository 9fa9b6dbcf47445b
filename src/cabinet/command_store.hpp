// The dispatcher's SQL over cabinet_commands and cabinet_dispatch (migrations 0002, 0005):
// claiming the next command of a station (one in flight, pacing) atomically so two nodes never
// both send it, timeouts, and matching a reply frame to the command it answers (in time or
// late). Every function runs in the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::cabinet {

struct CommandRow {
    std::string id, station_id, command, payload, status, rental_id, target_serial;
    std::optional<int64_t> reply_code, target_slot;
    Micros created_at = 0;
    std::optional<Micros> sent_at, deadline_at;
    bool IsEject() const { return command == "popup_sn" || command == "popup"; }
};

struct DispatchTiming {
    Micros spacing = 5 * kSecond;         // between commands to one cabinet
    Micros check_timeout = 10 * kSecond;  // check, check_all
    Micros popup_timeout = 15 * kSecond;  // popup_sn, popup
    Micros wifi_timeout = 15 * kSecond;   // getWifi
    Micros eject_max_age = 60 * kSecond;  // a queued eject older than this is never sent
    Micros late_window = 10 * kMinute;    // replies this long after a timeout still match
    // A check_all queued to corroborate an HTTP report waits this long: the cabinet's own frame
    // (0x40) usually follows the HTTP return call at once and makes it unneeded
    // (CommandQueue::DropCorroboration). Later commands of the station go out meanwhile.
    Micros corroborate_delay = 2 * kSecond;
    Micros TimeoutFor(const CommandRow& c) const;
};

// The reason of a check_all queued only to corroborate a cabinet's HTTP report.
inline constexpr std::string_view kCorroborateReason = "corroborate unverified report";

Result<std::vector<std::string>> StationsWithQueuedCommands(db::Connection& c,
                                                            const DispatchTiming& t, Micros now);
Result<std::vector<CommandRow>> CommandsPastDeadline(db::Connection& c, Micros now);
Result<std::optional<CommandRow>> LoadCommand(db::Connection& c, std::string_view id);

// SENT -> TIMED_OUT (false when it was answered meanwhile); frees the station.
Result<bool> MarkTimedOut(db::Connection& c, const CommandRow& cmd, const DispatchTiming& t,
                          Micros now);
// SENT or QUEUED -> FAILED with a reason (publish failed, station offline, expired).
Result<bool> MarkFailed(db::Connection& c, const CommandRow& cmd, std::string_view reason,
                        const DispatchTiming& t, Micros now);

struct Claim {
    std::optional<CommandRow> send;  // now SENT: publish it after commit
    std::vector<std::pair<CommandRow, std::string>> failed;  // expired / station_offline + why
    std::string imei;  // where to publish `send` ("" when the station is deleted)
};
// The station's next QUEUED command when none is in flight and pacing allows.
Result<Claim> ClaimNext(db::Connection& c, std::string_view station_id, const DispatchTiming& t,
                        Micros now);

struct ReplyMatch {
    CommandRow command;
    bool late = false;
    bool more_queued = false;  // in time: the station has another command ready to claim
};
// Matches a reply frame (code 0x10/0x21/0x31/0xCF) of a station: the command in flight for it,
// else one that timed out within late_window (-> LATE_REPLY). serial/slot narrow the match when
// the reply carries them (0 = not carried). ok picks REPLIED or FAILED for an in-time reply.
Result<std::optional<ReplyMatch>> MatchReply(db::Connection& c, std::string_view station_id,
                                             int reply_code, std::string_view serial, int slot,
                                             bool ok, std::string_view reply_json,
                                             const DispatchTiming& t, Micros now);

}  // namespace ps::cabinet
