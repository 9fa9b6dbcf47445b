#include "http/http_types.hpp"

#include "http/body.hpp"

namespace ps::http {

std::string_view Request::Header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return {};
}

std::string_view Request::PathParam(std::string_view name) const {
    for (const auto& [k, v] : path_params)
        if (k == name) return v;
    return {};
}

Result<Body> Request::ParsedBody() const { return ParseBody(Header("content-type"), body); }

std::optional<std::string> Request::QueryParam(std::string_view name) const {
    std::string_view q = query;
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view part = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        auto eq = part.find('=');
        std::string key;
        if (!PercentDecode(part.substr(0, eq), key) || key != name) continue;
        std::string value;
        if (eq != std::string_view::npos && !PercentDecode(part.substr(eq + 1), value))
            return std::nullopt;
        return value;
    }
    return std::nullopt;
}

}  // namespace ps::http
