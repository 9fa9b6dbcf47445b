// Idempotency-Key for POSTs that move money or a power bank (Stripe semantics, table
// idempotency_keys, migration 0003). Wrap a handler: `r.Add("POST", p, auth, Idempotent(db,
// clock, handler[, IdempotentWork::kDatabaseOnly]))`.
// - No Idempotency-Key header: the request runs normally.
// - The key (1..255 printable characters) is scoped to (user, method, path).
// - First use: the key is claimed (state running), the handler runs, and its response (status,
//   content type, body) is stored -- 5xx included -- unless it is a validation failure (400
//   validation_error and other malformed-request answers), an auth failure, a 409, 429 or 503:
//   then the key is released and the client may retry with it.
// - Same key, same request fingerprint: the stored response is replayed, with the header
//   `Idempotent-Replayed: true`, and the handler does not run.
// - Same key, different fingerprint: 422 idempotency_key_reused.
// - Same key while the first request is still running: 409 request_in_progress. A claim older
//   than kIdempotencyStale (the node died) is taken over, so handlers should derive their own
//   ledger keys from the claim (IdempotencyClaimOf: stable across a take-over, new once the key
//   has expired) to make that re-run harmless.
// - Keys expire after 24 h (then count as new); the idempotency_cleanup job deletes them.
// Two ways to run the handler (IdempotentWork):
// - kExternal (default; the handler calls a gateway or a cabinet): claim, handler and storing
//   the response are three transactions, so no transaction stays open across the network call;
//   the claim is visible as running meanwhile, hence the 409 and the stale take-over above.
// - kDatabaseOnly (the handler only touches the database): the three commit as ONE transaction,
//   which the handler's own Database::Transact and Read calls join (nested Transact calls run
//   under savepoints). One commit per request instead of three; a crash before the commit
//   leaves neither the claim nor any effect, so there is no stale claim to wait 5 min for; a
//   concurrent request with the same key waits for the commit and replays (no 409); an answer
//   that is not stored rolls the handler's work back with the claim. A take-over of a stale
//   claim left by a kExternal run still applies.
// Isolation (kDatabaseOnly only): the one transaction's db::Isolation. kReadCommitted is for
// handlers whose own code is safe there (db/database.hpp; every Transact they make passes it);
// the claim itself is: a concurrent claim of the same key waits on the unique index, then looks
// again and replays.
// The fingerprint is SHA-256 over the parsed body fields (keys sorted) and files, so the same
// form sent with another multipart boundary is the same request.
#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "http/router.hpp"

namespace ps::money {

constexpr Micros kIdempotencyTtl = 24 * kHour;
constexpr Micros kIdempotencyStale = 5 * kMinute;

enum class IdempotentWork { kExternal, kDatabaseOnly };
http::Handler Idempotent(db::Database& db, const Clock& clock, http::Handler inner,
                         IdempotentWork work = IdempotentWork::kExternal,
                         db::Isolation iso = db::Isolation::kSerializable);

// The request's Idempotency-Key header if present (possibly invalid), else nullopt.
std::optional<std::string> IdempotencyKeyOf(const http::Request& req);
// Inside a wrapped handler: an id unique to this key's claim (set by Idempotent only, never
// taken from the client), or nullopt when the request came without a key.
std::optional<std::string> IdempotencyClaimOf(const http::Request& req);
// Hex SHA-256 fingerprint of the request body (see above).
std::string RequestFingerprint(const http::Request& req);
// Whether a response is stored for replay (see above).
bool ShouldStoreResponse(const http::Response& r);

Result<int64_t> PurgeExpiredIdempotencyKeys(db::Database& db, const Clock& clock);

}  // namespace ps::money
