// Query and path parameter parsing for the stations routes (station_input.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/time_format.hpp"
#include "domains/stations/station_input.hpp"
#include "http/body.hpp"

namespace ps::stations {

namespace {
std::string Trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}
std::optional<std::string> NonEmpty(const http::Request& req, std::string_view key) {
    auto v = req.QueryParam(key);
    if (!v) return std::nullopt;
    std::string t = Trim(*v);
    if (t.empty()) return std::nullopt;
    return t;
}
}  // namespace

Result<std::optional<double>> QueryNumber(const http::Request& req, std::string_view key) {
    auto v = NonEmpty(req, key);
    if (!v) return std::optional<double>{};
    double d = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), d);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size() || !std::isfinite(d))
        return FieldError(key, "A valid number is required.");
    return std::optional<double>{d};
}

Result<std::optional<int64_t>> QueryInt(const http::Request& req, std::string_view key, int64_t min,
                                        int64_t max) {
    auto v = NonEmpty(req, key);
    if (!v) return std::optional<int64_t>{};
    int64_t x = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), x);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size())
        return FieldError(key, "A valid integer is required.");
    if (x < min || x > max)
        return FieldError(key, "Ensure this value is between " + std::to_string(min) + " and " +
                                   std::to_string(max) + ".");
    return std::optional<int64_t>{x};
}

Result<std::optional<bool>> QueryBool(const http::Request& req, std::string_view key) {
    auto v = NonEmpty(req, key);
    if (!v) return std::optional<bool>{};
    if (*v == "true" || *v == "True" || *v == "1") return std::optional<bool>{true};
    if (*v == "false" || *v == "False" || *v == "0") return std::optional<bool>{false};
    return FieldError(key, "Must be a valid boolean.");
}

Result<std::optional<std::string>> QueryEnum(const http::Request& req, std::string_view key,
                                             const std::function<bool(std::string_view)>& valid) {
    auto v = NonEmpty(req, key);
    if (!v) return std::optional<std::string>{};
    if (!valid(*v)) return FieldError(key, "\"" + *v + "\" is not a valid choice.");
    return v;
}

Result<std::optional<std::string>> QuerySearch(const http::Request& req, std::string_view key) {
    auto v = NonEmpty(req, key);
    if (!v) return v;
    if (!http::IsValidUtf8(*v) || v->find('\0') != std::string::npos)
        return FieldError(key, "Not a valid string.");
    size_t n = std::min<size_t>(v->size(), 100);
    while (n < v->size() && n > 0 && (static_cast<unsigned char>((*v)[n]) & 0xC0) == 0x80) --n;
    v->resize(n);
    return v;
}

Result<std::optional<Micros>> QueryTime(const http::Request& req, std::string_view key,
                                        bool end_of_day) {
    auto v = NonEmpty(req, key);
    if (!v) return std::optional<Micros>{};
    if (auto d = ParseDate(*v); d && v->size() == 10)
        return std::optional<Micros>{end_of_day ? *d + kDay - 1 : *d};
    auto t = ParseDateTime(*v);
    if (!t) return FieldError(key, "Datetime has wrong format.");
    return std::optional<Micros>{*t};
}

Result<std::string> SerialParam(const http::Request& req) {
    std::string v(req.PathParam("serial_number"));
    if (v.empty() || v.size() > 255 || !http::IsValidUtf8(v) || v.find('\0') != std::string::npos)
        return NotFound("station_not_found", "Station not found");
    return v;
}

Result<std::string> UuidParam(const http::Request& req, std::string_view name) {
    std::string v(req.PathParam(name));
    if (!LooksLikeUuid(v)) return FieldError(name, "\"" + v + "\" is not a valid UUID.");
    return v;
}

}  // namespace ps::stations
