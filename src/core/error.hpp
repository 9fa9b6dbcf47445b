// Error: the one failure type of every service. The code alone picks the HTTP status (see
// http/envelope.cpp); the slug is the stable `error.code` clients see; context is structured
// detail (field errors, shortfall) rendered as JSON.
#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace ps {

enum class ErrorCode {
    kInvalidArgument,     // 400: the request is malformed or fails validation
    kFailedPrecondition,  // 400: a business rule refuses it (reference business errors are 400)
    kUnauthenticated,     // 401
    kPermissionDenied,    // 403
    kNotFound,            // 404
    kMethodNotAllowed,    // 405
    kConflict,            // 409: duplicate, or the same idempotent request still running
    kPayloadTooLarge,     // 413
    kUnsupportedMedia,    // 415
    kUnprocessable,       // 422: idempotency key reused with another body
    kResourceExhausted,   // 429: rate limit
    kInternal,            // 500
    kUnavailable,         // 503: a dependency (database, gateway) is down
};

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string slug;     // stable machine code, e.g. "insufficient_balance"
    std::string message;  // human text
    boost::json::object context;

    Error() = default;
    Error(ErrorCode c, std::string s, std::string m, boost::json::object ctx = {})
        : code(c), slug(std::move(s)), message(std::move(m)), context(std::move(ctx)) {}
};

inline Error InvalidArgument(std::string slug, std::string msg, boost::json::object ctx = {}) {
    return {ErrorCode::kInvalidArgument, std::move(slug), std::move(msg), std::move(ctx)};
}
inline Error FailedPrecondition(std::string slug, std::string msg, boost::json::object ctx = {}) {
    return {ErrorCode::kFailedPrecondition, std::move(slug), std::move(msg), std::move(ctx)};
}
inline Error NotFound(std::string slug, std::string msg) {
    return {ErrorCode::kNotFound, std::move(slug), std::move(msg)};
}
inline Error Unauthenticated(std::string slug, std::string msg) {
    return {ErrorCode::kUnauthenticated, std::move(slug), std::move(msg)};
}
inline Error PermissionDenied(std::string slug, std::string msg) {
    return {ErrorCode::kPermissionDenied, std::move(slug), std::move(msg)};
}
inline Error Conflict(std::string slug, std::string msg, boost::json::object ctx = {}) {
    return {ErrorCode::kConflict, std::move(slug), std::move(msg), std::move(ctx)};
}
inline Error Internal(std::string msg) {
    return {ErrorCode::kInternal, "internal_error", std::move(msg)};
}
inline Error Unavailable(std::string slug, std::string msg) {
    return {ErrorCode::kUnavailable, std::move(slug), std::move(msg)};
}

// A validation error on one field, in the reference's shape:
// message "Field Name: msg", context {validation_errors:{field:[msg]}}.
Error FieldError(std::string_view field, std::string_view msg);

}  // namespace ps
