#include "domains/stations/station_input.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/time_format.hpp"
#include "domains/stations/geo.hpp"
#include "http/fields.hpp"

namespace ps::stations {

namespace json = boost::json;
using http::Fields;

namespace {

std::string Trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

// A single value: a repeated multipart key with one value counts as that value.
const json::value* Single(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v && v->is_array() && v->as_array().size() == 1) return &v->as_array()[0];
    return v;
}

// Sent with a value (empty multipart values and nulls count as not sent).
bool Present(const json::object& o, std::string_view key) {
    const json::value* v = Single(o, key);
    return v && !v->is_null() && !(v->is_string() && Trim(v->as_string()).empty());
}

std::optional<std::string> Text(Fields& f, const json::object& o, const char* key, size_t max,
                                bool required) {
    if (!required && !Present(o, key)) return std::nullopt;
    return f.Str(key, required, max);
}

// Absent -> nullopt; null or blank -> {nullopt} (clear); else the trimmed text.
std::optional<std::optional<std::string>> Nullable(Fields& f, const json::object& o,
                                                   const char* key, size_t max) {
    if (!o.contains(key)) return std::nullopt;
    if (!Present(o, key)) return std::optional<std::string>{};
    auto s = f.Str(key, false, max);
    if (!s) return std::nullopt;
    return std::optional<std::string>{*s};
}

std::optional<std::optional<std::string>> Time(Fields& f, const json::object& o, const char* key) {
    auto t = Nullable(f, o, key, 15);
    if (!t || !*t) return t;
    auto norm = NormalizeTime(**t);
    if (!norm) {
        f.AddError(key, "Time has wrong format. Use one of these formats instead: hh:mm[:ss].");
        return std::nullopt;
    }
    return std::optional<std::string>{*norm};
}

std::optional<double> Coord(Fields& f, const json::object& o, const char* key, bool required,
                            bool latitude) {
    if (!Present(o, key)) {
        if (required) f.AddError(key, "This field is required.");
        return std::nullopt;
    }
    auto d = ParseCoordinateValue(*Single(o, key));
    if (!d)
        f.AddError(key, "A valid number is required.");
    else if (latitude ? !ValidLatitude(*d) : !ValidLongitude(*d))
        f.AddError(key, latitude ? "Latitude must be between -90 and 90"
                                 : "Longitude must be between -180 and 180");
    else
        return d;
    return std::nullopt;
}

// An array given as JSON or as a JSON string ("" = not sent).
std::optional<json::array> Array(Fields& f, const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null() || (v->is_string() && Trim(v->as_string()).empty())) return std::nullopt;
    json::value x = *v;
    if (x.is_string()) {
        json::error_code ec;
        x = json::parse(x.as_string(), ec);
        if (ec) x = nullptr;
    }
    if (!x.is_array()) {
        f.AddError(key, "Expected a list of items.");
        return std::nullopt;
    }
    return x.as_array();
}

std::optional<std::string> ItemText(const json::object& item, std::string_view key) {
    const json::value* v = item.if_contains(key);
    if (v && v->is_string() &&
        std::string_view(v->as_string()).find('\0') == std::string_view::npos)
        return std::string(v->as_string());
    if (v && v->is_int64()) return std::to_string(v->as_int64());
    return std::nullopt;
}

std::optional<std::vector<repo::NewMedia>> MediaList(Fields& f, const json::object& o) {
    auto arr = Array(f, o, "media_uploads");
    if (!arr) return std::nullopt;
    std::vector<repo::NewMedia> out;
    for (size_t i = 0; i < arr->size(); ++i) {
        std::string at = "Media object at index " + std::to_string(i);
        if (!(*arr)[i].is_object())
            return f.AddError("media_uploads", at + " must be an object"), std::nullopt;
        const json::object& m = (*arr)[i].as_object();
        repo::NewMedia nm;
        auto id = ItemText(m, "media_upload_id");
        auto type = ItemText(m, "media_type");
        if (!id || !LooksLikeUuid(*id))
            return f.AddError("media_uploads", at + " needs a valid 'media_upload_id'"),
                   std::nullopt;
        if (!type || !IsMediaType(*type))
            return f.AddError("media_uploads", at + " has an invalid media_type"), std::nullopt;
        nm.media_upload_id = *id;
        nm.media_type = *type;
        nm.title = ItemText(m, "title");
        nm.description = ItemText(m, "description");
        if (const json::value* p = m.if_contains("is_primary"))
            nm.is_primary =
                (p->is_bool() && p->as_bool()) || (p->is_string() && p->as_string() == "true");
        out.push_back(std::move(nm));
    }
    return out;
}

std::optional<std::vector<BankAssignment>> Assignments(Fields& f, const json::object& o) {
    auto arr = Array(f, o, "powerbank_assignments");
    if (!arr) return std::nullopt;
    std::vector<BankAssignment> out;
    for (size_t i = 0; i < arr->size(); ++i) {
        std::string at = "Assignment at index " + std::to_string(i);
        const json::value& e = (*arr)[i];
        auto serial = e.is_object() ? ItemText(e.as_object(), "powerbank_serial") : std::nullopt;
        const json::value* slot =
            e.is_object() ? e.as_object().if_contains("slot_number") : nullptr;
        if (!serial || serial->empty() || serial->size() > 64)
            return f.AddError("powerbank_assignments", at + " needs a 'powerbank_serial'"),
                   std::nullopt;
        if (!slot || !slot->is_int64() || slot->as_int64() < 1 || slot->as_int64() > 255)
            return f.AddError("powerbank_assignments",
                              at + " has an invalid slot_number. Must be a positive integer."),
                   std::nullopt;
        out.push_back({*serial, static_cast<int>(slot->as_int64())});
    }
    return out;
}

std::optional<std::vector<std::string>> AmenityIds(Fields& f, const json::object& o) {
    if (!o.contains("amenity_ids")) return std::nullopt;
    auto list = f.List("amenity_ids", false);
    if (!list) return std::nullopt;
    std::vector<std::string> out;
    for (auto& id : *list) {
        std::string t = Trim(id);
        if (t.empty()) continue;
        if (!LooksLikeUuid(t)) {
            f.AddError("amenity_ids", "\"" + t + "\" is not a valid UUID.");
            return std::nullopt;
        }
        out.push_back(t);
    }
    return out;
}

}  // namespace

std::optional<double> ParseCoordinateValue(const json::value& v) {
    double d = 0;
    if (v.is_double())
        d = v.as_double();
    else if (v.is_int64())
        d = static_cast<double>(v.as_int64());
    else if (v.is_string()) {
        std::string s = Trim(v.as_string());
        auto r = std::from_chars(s.data(), s.data() + s.size(), d);
        if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    } else
        return std::nullopt;
    if (!std::isfinite(d)) return std::nullopt;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", d);
    return std::strtod(buf, nullptr);
}

Result<StationInput> ParseStationInput(const json::object& o, bool create) {
    Fields f(o);
    StationInput in;
    in.station_name = Text(f, o, "station_name", 100, create);
    if (create) {
        in.serial_number = Text(f, o, "serial_number", 255, true);
        in.imei = Text(f, o, "imei", 255, true);
        in.total_slots = f.Int("total_slots", true, 1, 50);
    }
    in.latitude = Coord(f, o, "latitude", create, true);
    in.longitude = Coord(f, o, "longitude", create, false);
    in.address = Text(f, o, "address", 255, create);
    in.landmark = Nullable(f, o, "landmark", 255);
    in.description = Nullable(f, o, "description", 2000);
    in.opening_time = Time(f, o, "opening_time");
    in.closing_time = Time(f, o, "closing_time");
    if (Present(o, "status"))
        in.status = f.Enum("status", false, {"ONLINE", "OFFLINE", "MAINTENANCE"});
    if (Present(o, "is_maintenance")) in.is_maintenance = f.Bool("is_maintenance", false);
    if (Present(o, "hardware_info"))
        if (auto hw = f.Object("hardware_info", false)) in.hardware_info = json::serialize(*hw);
    in.amenity_ids = AmenityIds(f, o);
    in.media = MediaList(f, o);
    in.assignments = Assignments(f, o);
    std::initializer_list<std::string_view> common = {"station_name",  "latitude",
                                                      "longitude",     "address",
                                                      "landmark",      "description",
                                                      "opening_time",  "closing_time",
                                                      "status",        "is_maintenance",
                                                      "hardware_info", "amenity_ids",
                                                      "media_uploads", "powerbank_assignments"};
    std::vector<std::string_view> allowed(common);
    if (create) allowed.insert(allowed.end(), {"serial_number", "imei", "total_slots"});
    for (const auto& kv : o)
        if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end())
            f.AddError(kv.key(), "Unknown field.");
    RETURN_IF_ERROR(f.Finish());
    return in;
}

}  // namespace ps::stations
