// The response envelope of the reference API: success {success, message, data} and failure
// {success:false, message, error:{code, message, context}}. The mapping from ErrorCode to HTTP
// status lives here and nowhere else.
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "core/result.hpp"
#include "http/http_types.hpp"

namespace ps::http {

int StatusFor(ErrorCode code);
Response Success(std::string_view message, boost::json::value data, int status = 200);
Response SuccessNoData(std::string_view message, int status = 200);
Response Failure(const Error& e);
Response Json(boost::json::value body, int status = 200);  // not enveloped (bare array, etc.)
Response Redirect(std::string_view location);               // 302

// Renders a Result<T> with `render(T&) -> Response` on success, or its error.
template <typename T, typename F>
Response Render(Result<T>&& r, F&& render) {
    if (!r.ok()) return Failure(r.error());
    return render(*r);
}

}  // namespace ps::http

// In a handler: answer the error of a failed Status/Result at once.
#define RESPOND_IF_ERROR(expr)                                            \
    do {                                                                  \
        auto _ps_status = (expr);                                         \
        if (!_ps_status.ok()) return ::ps::http::Failure(_ps_status.error()); \
    } while (0)

#define PS_ASSIGN_OR_RESPOND_IMPL(tmp, lhs, expr)                 \
    auto tmp = (expr);                                            \
    if (!tmp.ok()) return ::ps::http::Failure(tmp.error());       \
    lhs = std::move(tmp).value()

#define ASSIGN_OR_RESPOND(lhs, expr) \
    PS_ASSIGN_OR_RESPOND_IMPL(PS_CONCAT(_ps_respond_, __LINE__), lhs, expr)
