// Public station renderings (stations_json.hpp).
#include "domains/stations/stations_json.hpp"
#include "core/json_text.hpp"

#include <boost/json/parse.hpp>
#include <cstdio>

#include "core/time_format.hpp"

namespace ps::stations {

namespace json = boost::json;

namespace {
}  // namespace

std::string Coordinate(double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

json::object MediaJson(const Media& m) {
    return {{"id", m.id},
            {"media_type", m.media_type},
            {"title", OptJson(m.title)},
            {"description", OptJson(m.description)},
            {"is_primary", m.is_primary},
            {"media_url", OptJson(m.url)}};
}

json::object StationItemJson(const StationSummary& s) {
    const Station& st = s.station;
    json::array media;
    for (const auto& m : s.media) media.emplace_back(MediaJson(m));
    return {{"id", st.id},
            {"serial_number", st.serial_number},
            {"station_name", st.station_name},
            {"latitude", Coordinate(st.latitude)},
            {"longitude", Coordinate(st.longitude)},
            {"address", st.address},
            {"status", st.status},
            {"total_slots", st.total_slots},
            {"available_slots", s.counts.rentable},
            {"free_slots", s.counts.free_slots},
            {"total_powerbanks", s.counts.total_powerbanks},
            {"distance", s.distance_km ? json::value(*s.distance_km) : nullptr},
            {"is_favorite", s.is_favorite},
            {"media", std::move(media)},
            {"opening_time", OptJson(st.opening_time)},
            {"closing_time", OptJson(st.closing_time)}};
}

json::object StationDetailJson(const StationDetail& d) {
    json::object o = StationItemJson(d.summary);
    const Station& st = d.summary.station;
    o["landmark"] = OptJson(st.landmark);
    o["description"] = OptJson(st.description);
    o["is_maintenance"] = st.is_maintenance;
    json::error_code ec;
    auto hw = json::parse(st.hardware_info, ec);
    o["hardware_info"] = !ec && hw.is_object() ? hw : json::object();
    json::array amenities;
    for (const auto& a : d.amenities)
        amenities.push_back(json::object{{"id", a.id},
                                         {"name", a.name},
                                         {"icon", a.icon},
                                         {"description", a.description},
                                         {"is_active", a.is_active}});
    o["amenities"] = std::move(amenities);
    json::array slots;
    for (const auto& s : d.slots) {
        json::value bank = nullptr;
        if (s.bank)
            bank =
                json::object{{"id", s.bank->id},         {"serial_number", s.bank->serial_number},
                             {"model", s.bank->model},   {"capacity_mah", s.bank->capacity_mah},
                             {"status", s.bank->status}, {"battery_level", s.bank->battery_level}};
        slots.push_back(json::object{{"id", s.id},
                                     {"slot_number", s.slot_number},
                                     {"status", s.status},
                                     {"battery_level", s.battery_level},
                                     {"last_updated", FormatDt(s.last_updated)},
                                     {"current_rental", OptJson(s.current_rental_id)},
                                     {"powerbank", std::move(bank)}});
    }
    o["slots"] = std::move(slots);
    return o;
}

json::object IssueJson(const IssueView& v) {
    const Issue& i = v.issue;
    json::array images;
    for (const auto& s : i.images) images.emplace_back(json::string(s));
    return {{"id", i.id},
            {"station", i.station_id},
            {"station_name", v.station_name},
            {"issue_type", i.issue_type},
            {"description", i.description},
            {"images", std::move(images)},
            {"priority", i.priority},
            {"status", i.status},
            {"reported_at", FormatDt(i.reported_at)},
            {"resolved_at", i.resolved_at ? json::value(FormatDt(*i.resolved_at)) : nullptr},
            {"reporter_name", OptJson(v.reporter_username)}};
}

json::object DrfPage(const http::Page& page, json::array results) {
    return {{"count", page.total},
            {"next", page.page < page.TotalPages()},
            {"previous", page.page > 1},
            {"results", std::move(results)}};
}

}  // namespace ps::stations
