#include "cabinet/command_store.hpp"

#include <boost/json.hpp>

namespace ps::cabinet {

namespace {

constexpr std::string_view kCols =
    "SELECT id, station_id, command, payload, status, rental_id, target_serial, reply_code, "
    "target_slot, created_at, sent_at, deadline_at FROM cabinet_commands ";

CommandRow ToRow(const db::Row& r) {
    CommandRow c;
    c.id = r.Str(0);
    c.station_id = r.Str(1);
    c.command = r.Str(2);
    c.payload = r.Str(3);
    c.status = r.Str(4);
    c.rental_id = r.Str(5);
    c.target_serial = r.Str(6);
    c.reply_code = r.OptInt(7);
    c.target_slot = r.OptInt(8);
    c.created_at = r.Int(9);
    c.sent_at = r.OptInt(10);
    c.deadline_at = r.OptInt(11);
    return c;
}

// A queued command that may be claimed now: a check_all corroborating a return waits out its
// delay first. Its parameters: kCorroborateReason, then now - corroborate_delay.
constexpr std::string_view kClaimable =
    "status = 'QUEUED' AND NOT (command = 'check_all' AND reason = ? AND created_at > ?)";

Result<std::vector<CommandRow>> Select(db::Connection& c, std::string_view where,
                                       const db::Params& params) {
    ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kCols) + std::string(where), params));
    std::vector<CommandRow> out;
    for (const auto& r : rows) out.push_back(ToRow(r));
    return out;
}

// The station may send its next command `spacing` after this one finished.
Status Release(db::Connection& c, const CommandRow& cmd, const DispatchTiming& t, Micros now) {
    Micros next = now + t.spacing;
    return c.Defer(
        "UPDATE cabinet_dispatch SET busy_command_id = NULL, next_send_at = CASE WHEN "
        "next_send_at > ? THEN next_send_at ELSE ? END WHERE station_id = ? AND busy_command_id = ?",
        {next, next, cmd.station_id, cmd.id});
}

bool Targets(const CommandRow& r, std::string_view serial, int slot) {
    if (r.command == "popup_sn" && !serial.empty() && serial != "0" && !r.target_serial.empty())
        return r.target_serial == serial;
    if (r.command == "popup" && slot > 0 && r.target_slot) return *r.target_slot == slot;
    return true;
}

}  // namespace

Micros DispatchTiming::TimeoutFor(const CommandRow& c) const {
    if (!c.reply_code) return 0;  // fire and forget (reboot, volume, upload_all...)
    if (c.command == "check" || c.command == "check_all") return check_timeout;
    if (c.IsEject()) return popup_timeout;
    return wifi_timeout;
}

// A check_all corroborating a return waits out its delay first (ClaimNext passes it over till
// then), so its station is left out meanwhile: each pass would claim nothing there.
Result<std::vector<std::string>> StationsWithQueuedCommands(db::Connection& c,
                                                            const DispatchTiming& t, Micros now) {
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT DISTINCT station_id FROM cabinet_commands WHERE " + std::string(kClaimable),
        {kCorroborateReason, now - t.corroborate_delay}));
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.Str(0));
    return out;
}

Result<std::vector<CommandRow>> CommandsPastDeadline(db::Connection& c, Micros now) {
    return Select(c, "WHERE status = 'SENT' AND deadline_at IS NOT NULL AND deadline_at < ?", {now});
}

Result<std::optional<CommandRow>> LoadCommand(db::Connection& c, std::string_view id) {
    ASSIGN_OR_RETURN(auto rows, Select(c, "WHERE id = ?", {id}));
    if (rows.empty()) return std::optional<CommandRow>{};
    return std::optional<CommandRow>{std::move(rows.front())};
}

Result<bool> MarkTimedOut(db::Connection& c, const CommandRow& cmd, const DispatchTiming& t,
                          Micros now) {
    ASSIGN_OR_RETURN(int64_t n, c.Exec(
        "UPDATE cabinet_commands SET status = 'TIMED_OUT' WHERE id = ? AND status = 'SENT'", {cmd.id}));
    if (n == 0) return false;
    RETURN_IF_ERROR(Release(c, cmd, t, now));
    return true;
}

Result<bool> MarkFailed(db::Connection& c, const CommandRow& cmd, std::string_view reason,
                        const DispatchTiming& t, Micros now) {
    std::string reply = boost::json::serialize(boost::json::object{{"error", reason}});
    ASSIGN_OR_RETURN(int64_t n, c.Exec(
        "UPDATE cabinet_commands SET status = 'FAILED', reply = ?, replied_at = ? WHERE id = ? "
        "AND status IN ('QUEUED', 'SENT')", {reply, now, cmd.id}));
    if (n == 0) return false;
    RETURN_IF_ERROR(Release(c, cmd, t, now));
    return true;
}

Result<Claim> ClaimNext(db::Connection& c, std::string_view station_id, const DispatchTiming& t,
                        Micros now) {
    Claim claim;
    // The station's dispatch row, created if need be and locked in one statement (the no-op
    // DO UPDATE takes the row lock): under READ COMMITTED, dispatchers (threads, nodes) claiming
    // for this station take turns, so "nothing in flight" still holds when we send.
    ASSIGN_OR_RETURN(auto d, c.QueryOne(
        "INSERT INTO cabinet_dispatch (station_id, busy_command_id, next_send_at) VALUES (?, NULL, 0) "
        "ON CONFLICT (station_id) DO UPDATE SET station_id = excluded.station_id "
        "RETURNING busy_command_id, next_send_at", {station_id}));
    if (!d) return claim;
    if (!d->IsNull(0)) {
        ASSIGN_OR_RETURN(auto busy, c.QueryOne("SELECT status FROM cabinet_commands WHERE id = ?",
                                               {d->Str(0)}));
        if (busy && busy->Str(0) == "SENT") return claim;  // one command in flight
    }
    if (d->Int(1) > now) return claim;  // pacing
    ASSIGN_OR_RETURN(auto st, c.QueryOne("SELECT status, is_deleted, imei FROM stations WHERE id = ?",
                                         {station_id}));
    bool offline = !st || st->Str(0) == "OFFLINE";
    if (st && !st->Bool(1)) claim.imei = st->Str(2);
    for (;;) {
        ASSIGN_OR_RETURN(auto next, Select(c,
            "WHERE station_id = ? AND " + std::string(kClaimable) +
                " ORDER BY seq, created_at LIMIT 1",
            {station_id, kCorroborateReason, now - t.corroborate_delay}));
        if (next.empty()) return claim;
        CommandRow cmd = std::move(next.front());
        std::string refusal = offline ? "station_offline"
                              : cmd.IsEject() && cmd.created_at < now - t.eject_max_age ? "expired"
                                                                                        : "";
        if (!refusal.empty()) {
            RETURN_IF_ERROR(MarkFailed(c, cmd, refusal, t, now));
            cmd.status = "FAILED";
            claim.failed.emplace_back(std::move(cmd), refusal);
            continue;
        }
        Micros timeout = t.TimeoutFor(cmd);
        std::optional<Micros> deadline;
        if (timeout > 0) deadline = now + timeout;
        ASSIGN_OR_RETURN(int64_t n, c.Exec(
            "UPDATE cabinet_commands SET status = 'SENT', sent_at = ?, deadline_at = ? WHERE id = ? "
            "AND status = 'QUEUED'", {now, deadline, cmd.id}));
        if (n == 0) return claim;
        std::optional<std::string> busy;
        if (deadline) busy = cmd.id;
        RETURN_IF_ERROR(c.Defer(
            "UPDATE cabinet_dispatch SET busy_command_id = ?, next_send_at = ? WHERE station_id = ?",
            {busy, now + t.spacing, station_id}));
        cmd.status = "SENT";
        cmd.sent_at = now;
        cmd.deadline_at = deadline;
        claim.send = std::move(cmd);
        return claim;
    }
}

Result<std::optional<ReplyMatch>> MatchReply(db::Connection& c, std::string_view station_id,
                                             int reply_code, std::string_view serial, int slot,
                                             bool ok, std::string_view reply_json,
                                             const DispatchTiming& t, Micros now) {
    ASSIGN_OR_RETURN(auto live, Select(c,
        "WHERE station_id = ? AND status = 'SENT' AND reply_code = ? ORDER BY sent_at DESC LIMIT 5",
        {station_id, reply_code}));
    for (auto& r : live) {
        if (!Targets(r, serial, slot)) continue;
        // Whether the freed station has more to send comes back with the update (the
        // subquery's unqualified columns are q's, its own table).
        ASSIGN_OR_RETURN(auto done, c.Query(
            "UPDATE cabinet_commands SET status = ?, reply = ?, replied_at = ? WHERE id = ? AND "
            "status = 'SENT' RETURNING EXISTS (SELECT 1 FROM cabinet_commands q WHERE "
            "q.station_id = ? AND " + std::string(kClaimable) + ")",
            {ok ? "REPLIED" : "FAILED", reply_json, now, r.id, station_id, kCorroborateReason,
             now - t.corroborate_delay}));
        if (done.empty()) continue;
        RETURN_IF_ERROR(Release(c, r, t, now));
        r.status = ok ? "REPLIED" : "FAILED";
        return std::optional<ReplyMatch>{ReplyMatch{std::move(r), false, done.front().Bool(0)}};
    }
    ASSIGN_OR_RETURN(auto late, Select(c,
        "WHERE station_id = ? AND status = 'TIMED_OUT' AND reply_code = ? AND deadline_at >= ? "
        "ORDER BY sent_at DESC LIMIT 5", {station_id, reply_code, now - t.late_window}));
    for (auto& r : late) {
        if (!Targets(r, serial, slot)) continue;
        ASSIGN_OR_RETURN(int64_t n, c.Exec(
            "UPDATE cabinet_commands SET status = 'LATE_REPLY', reply = ?, replied_at = ? WHERE "
            "id = ? AND status = 'TIMED_OUT'", {reply_json, now, r.id}));
        if (n == 0) continue;
        r.status = "LATE_REPLY";
        return std::optional<ReplyMatch>{ReplyMatch{std::move(r), true}};
    }
    return std::optional<ReplyMatch>{};
}

}  // namespace ps::cabinet
