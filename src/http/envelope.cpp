#include "http/envelope.hpp"

#include "core/json_text.hpp"

namespace ps::http {

namespace json = boost::json;

int StatusFor(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument:
        case ErrorCode::kFailedPrecondition: return 400;
        case ErrorCode::kUnauthenticated: return 401;
        case ErrorCode::kPermissionDenied: return 403;
        case ErrorCode::kNotFound: return 404;
        case ErrorCode::kMethodNotAllowed: return 405;
        case ErrorCode::kConflict: return 409;
        case ErrorCode::kPayloadTooLarge: return 413;
        case ErrorCode::kUnsupportedMedia: return 415;
        case ErrorCode::kUnprocessable: return 422;
        case ErrorCode::kResourceExhausted: return 429;
        case ErrorCode::kUnavailable: return 503;
        case ErrorCode::kInternal: return 500;
    }
    return 500;
}

Response Json(json::value body, int status) {
    Response r;
    r.status = status;
    r.body = ToJsonText(body);
    return r;
}

Response Success(std::string_view message, json::value data, int status) {
    json::object o;
    o["success"] = true;
    o["message"] = message;
    o["data"] = std::move(data);
    return Json(std::move(o), status);
}

Response SuccessNoData(std::string_view message, int status) {
    json::object o;
    o["success"] = true;
    o["message"] = message;
    return Json(std::move(o), status);
}

Response Failure(const Error& e) {
    json::object err;
    err["code"] = e.slug;
    err["message"] = e.message;
    err["context"] = e.context;
    json::object o;
    o["success"] = false;
    o["message"] = e.message;
    o["error"] = std::move(err);
    return Json(std::move(o), StatusFor(e.code));
}

Response Redirect(std::string_view location) {
    Response r;
    r.status = 302;
    r.content_type = "text/plain";
    r.headers.emplace_back("Location", std::string(location));
    return r;
}

}  // namespace ps::http
