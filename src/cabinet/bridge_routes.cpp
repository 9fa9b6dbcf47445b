// POST /api/internal/stations/data: the existing bridge's pushes (cabinet-protocol.md §6).
// A staff Bearer token (router), then X-Timestamp within 300 s of now and X-Signature =
// base64(HMAC-SHA256(secret, exact body bytes + timestamp text)), compared in constant time;
// a signature already accepted inside the window is a replay. The signature is recorded in
// the same transaction as the change, so a failed request can be retried as is.
#include <boost/json.hpp>
#include <charconv>

#include "cabinet/bridge_service.hpp"
#include "cabinet/module.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "http/envelope.hpp"

namespace ps::cabinet {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

auto Log() { return Logger("cabinet.bridge"); }

Status CheckSignature(const CabinetSettings& s, const Request& req, Micros now) {
    std::string_view sig = req.Header("x-signature"), ts = req.Header("x-timestamp");
    if (sig.empty() || ts.empty())
        return InvalidArgument("missing_headers", "X-Signature and X-Timestamp headers are required");
    int64_t t = 0;
    auto r = std::from_chars(ts.data(), ts.data() + ts.size(), t);
    if (r.ec != std::errc() || r.ptr != ts.data() + ts.size())
        return InvalidArgument("invalid_timestamp", "X-Timestamp must be unix seconds");
    int64_t skew = now / kSecond - t;
    if (skew > s.bridge_window / kSecond || -skew > s.bridge_window / kSecond)
        return InvalidArgument("invalid_timestamp", "Request timestamp is outside the allowed window");
    if (s.bridge_secret.empty())
        return Unavailable("bridge_disabled", "The bridge endpoint is not configured");
    std::string expected = Base64Encode(HmacSha256(s.bridge_secret, req.body + std::string(ts)));
    if (!ConstantTimeEquals(expected, sig))
        return PermissionDenied("invalid_signature", "Invalid signature");
    return Ok{};
}

Response Handle(CabinetModule& m, Request& req) {
    Micros now = m.clock().Now();
    if (auto st = CheckSignature(m.settings(), req, now); !st.ok()) {
        Log()->warn("bridge request refused reason={} user={}", st.error().slug, req.principal->user_id);
        return http::Failure(st.error());
    }
    json::error_code ec;
    auto parsed = json::parse(req.body, ec);
    if (ec || !parsed.is_object())
        return http::Failure(InvalidArgument("invalid_json", "The body must be a JSON object"));
    std::string sig(req.Header("x-signature"));
    BridgeOutcome out;
    auto st = m.db().Transact([&](db::Connection& tx) -> Status {
        ASSIGN_OR_RETURN(auto seen, tx.QueryOne(
            "SELECT 1 FROM bridge_signatures WHERE signature = ?", {sig}));
        if (seen) return PermissionDenied("replayed_request", "This request was already processed");
        RETURN_IF_ERROR(tx.Exec("INSERT INTO bridge_signatures (signature, seen_at) VALUES (?, ?)",
                                {sig, now}));
        ASSIGN_OR_RETURN(out, ApplyBridgePayload(tx, m.clock(), m.random(), m.link().options(),
                                                 parsed.as_object(), req.body));
        return Ok{};
    });
    if (!st.ok()) {
        Log()->warn("bridge payload refused reason={}", st.error().slug);
        return http::Failure(st.error());
    }
    for (const auto& r : out.returns) m.events().Emit(r);
    return http::Success("IoT data processed successfully", std::move(out.data));
}

}  // namespace

void RegisterBridgeRoutes(http::Router& r, CabinetModule& m) {
    r.Add("POST", "/api/internal/stations/data", http::Auth::kStaff,
          [&m](Request& req) { return Handle(m, req); });
}

}  // namespace ps::cabinet
