// Staff renderings of stations, issues, amenities and power banks (stations_json.hpp).
#include <boost/json/parse.hpp>
#include <cmath>

#include "core/time_format.hpp"
#include "core/json_text.hpp"
#include "domains/stations/stations_json.hpp"

namespace ps::stations {

namespace json = boost::json;

namespace {

json::value ParseObject(const std::string& text) {
    json::error_code ec;
    auto v = json::parse(text, ec);
    return !ec && (v.is_object() || v.is_array()) ? v : json::value(json::object());
}

json::object StationCore(const Station& st) {
    return {{"id", st.id},
            {"station_name", st.station_name},
            {"serial_number", st.serial_number},
            {"imei", st.imei},
            {"latitude", Coordinate(st.latitude)},
            {"longitude", Coordinate(st.longitude)},
            {"address", st.address},
            {"landmark", OptJson(st.landmark)},
            {"total_slots", st.total_slots},
            {"status", st.status},
            {"is_maintenance", st.is_maintenance},
            {"last_heartbeat", OptDt(st.last_heartbeat)},
            {"created_at", FormatDt(st.created_at)},
            {"updated_at", FormatDt(st.updated_at)}};
}

json::object BankBrief(const PowerBank& b) {
    return {{"id", b.id},
            {"serial_number", b.serial_number},
            {"model", b.model},
            {"capacity_mah", b.capacity_mah},
            {"battery_level", b.battery_level},
            {"status", b.status}};
}

}  // namespace

json::object AdminStationJson(const StationSummary& s) {
    json::object o = StationCore(s.station);
    json::array names;
    for (const auto& n : s.amenity_names) names.emplace_back(json::string(n));
    o["amenities"] = std::move(names);
    o["available_slots"] = s.counts.available_slots;
    o["occupied_slots"] = s.counts.occupied_slots;
    o["total_powerbanks"] = s.counts.total_powerbanks;
    o["available_powerbanks"] = s.counts.available_powerbanks;
    o["rentable_powerbanks"] = s.counts.rentable;
    return o;
}

json::object AdminStationDetailJson(const StationDetail& d) {
    const Station& st = d.summary.station;
    json::object o = StationCore(st);
    o["description"] = OptJson(st.description);
    o["opening_time"] = OptJson(st.opening_time);
    o["closing_time"] = OptJson(st.closing_time);
    o["is_deleted"] = st.is_deleted;
    o["hardware_info"] = ParseObject(st.hardware_info);
    json::array amenities, media, slots, banks;
    for (const auto& a : d.amenities) {
        json::object j = AmenityJson(a, false);
        j["is_available"] = true;
        amenities.push_back(std::move(j));
    }
    for (const auto& m : d.summary.media)
        media.push_back(json::object{{"id", m.id},
                                     {"media_upload_id", OptJson(m.media_upload_id)},
                                     {"media_type", m.media_type},
                                     {"title", OptJson(m.title)},
                                     {"description", OptJson(m.description)},
                                     {"is_primary", m.is_primary},
                                     {"file_url", OptJson(m.url)},
                                     {"file_type", OptJson(m.file_type)},
                                     {"thumbnail_url", OptJson(m.url)},
                                     {"created_at", FormatDt(m.created_at)}});
    for (const auto& s : d.slots)
        slots.push_back(
            json::object{{"id", s.id},
                         {"slot_number", s.slot_number},
                         {"status", s.status},
                         {"battery_level", s.battery_level},
                         {"last_updated", FormatDt(s.last_updated)},
                         {"powerbank", s.bank ? json::value(BankBrief(*s.bank)) : nullptr},
                         {"current_rental_id", OptJson(s.current_rental_id)}});
    for (const auto& b : d.banks) {
        json::object j = BankBrief(b);
        j["slot_number"] = b.current_slot ? json::value(*b.current_slot) : nullptr;
        j["last_updated"] = FormatDt(b.updated_at);
        banks.push_back(std::move(j));
    }
    o["amenities"] = std::move(amenities);
    o["media"] = std::move(media);
    o["slots"] = std::move(slots);
    o["powerbanks"] = std::move(banks);
    const LiveCounts& n = d.summary.counts;
    o["available_slots"] = n.available_slots;
    o["occupied_slots"] = n.occupied_slots;
    o["total_powerbanks"] = n.total_powerbanks;
    o["available_powerbanks"] = n.available_powerbanks;
    o["rentable_powerbanks"] = n.rentable;
    return o;
}

json::object AdminIssueJson(const IssueView& v) {
    const Issue& i = v.issue;
    json::array images;
    for (const auto& s : i.images) images.emplace_back(json::string(s));
    return {{"id", i.id},
            {"station_name", v.station_name},
            {"station_serial", v.station_serial},
            {"reporter_name", OptJson(v.reporter_username)},
            {"reporter_email", OptJson(v.reporter_email)},
            {"assigned_to_name", OptJson(v.assignee_username)},
            {"issue_type", i.issue_type},
            {"description", i.description},
            {"priority", i.priority},
            {"status", i.status},
            {"images", std::move(images)},
            {"reported_at", FormatDt(i.reported_at)},
            {"resolved_at", OptDt(i.resolved_at)}};
}

json::object AdminIssueDetailJson(const IssueView& v) {
    const Issue& i = v.issue;
    json::object o = AdminIssueJson(v);
    o["notes"] = OptJson(i.notes);
    o["station"] = json::object{{"id", i.station_id},
                                {"station_name", v.station_name},
                                {"serial_number", v.station_serial},
                                {"address", v.station_address},
                                {"status", v.station_status}};
    o["reporter"] = i.reported_by
                        ? json::value(json::object{{"id", std::to_string(*i.reported_by)},
                                                   {"email", OptJson(v.reporter_email)},
                                                   {"username", OptJson(v.reporter_username)},
                                                   {"phone_number", OptJson(v.reporter_phone)}})
                        : nullptr;
    o["assigned_to"] = i.assigned_to
                           ? json::value(json::object{{"id", std::to_string(*i.assigned_to)},
                                                      {"email", OptJson(v.assignee_email)},
                                                      {"username", OptJson(v.assignee_username)}})
                           : nullptr;
    return o;
}

json::object AmenityJson(const Amenity& a, bool with_count) {
    json::object o{{"id", a.id},
                   {"name", a.name},
                   {"icon", a.icon},
                   {"description", a.description},
                   {"is_active", a.is_active},
                   {"created_at", FormatDt(a.created_at)},
                   {"updated_at", FormatDt(a.updated_at)}};
    if (with_count) o["stations_count"] = a.stations_count;
    return o;
}

json::object BankListJson(const repo::BankRow& r) {
    const PowerBank& b = r.bank;
    json::object o = BankBrief(b);
    o["rental_count"] = r.rental_count;
    o["total_rentals"] = r.rental_count;
    o["total_cycles"] = b.total_cycles;
    o["current_station"] = b.current_station_id
                               ? json::value(json::object{{"id", *b.current_station_id},
                                                          {"name", OptJson(r.station_name)},
                                                          {"serial_number", OptJson(r.station_serial)}})
                               : nullptr;
    o["current_slot"] = b.current_slot ? json::value(json::object{{"id", OptJson(r.slot_id)},
                                                                  {"slot_number", *b.current_slot},
                                                                  {"status", OptJson(r.slot_status)}})
                                       : nullptr;
    o["current_rental"] = nullptr;
    o["last_updated"] = FormatDt(b.updated_at);
    return o;
}

json::object HistoryJson(const repo::HistoryEntry& e) {
    return {{"id", e.id},
            {"event", e.event},
            {"station", e.station_id
                            ? json::value(json::object{{"id", *e.station_id},
                                                       {"name", OptJson(e.station_name)},
                                                       {"serial_number", OptJson(e.station_serial)}})
                            : nullptr},
            {"slot_number", e.slot_number ? json::value(*e.slot_number) : nullptr},
            {"detail", ParseObject(e.detail)},
            {"created_at", FormatDt(e.created_at)}};
}

json::object BankDetailJson(const repo::BankRow& r, const std::vector<repo::HistoryEntry>& recent) {
    const PowerBank& b = r.bank;
    json::object o = BankListJson(r);
    o["hardware_info"] = ParseObject(b.hardware_info);
    o["lifecycle"] = json::object{{"created_at", FormatDt(b.created_at)},
                                  {"last_seen_at", OptDt(b.last_seen_at)},
                                  {"total_cycles", b.total_cycles}};
    o["statistics"] =
        json::object{{"total_rentals", r.rental_count}, {"total_returns", r.return_count}};
    json::array hist;
    for (const auto& e : recent) hist.push_back(HistoryJson(e));
    o["recent_history"] = std::move(hist);
    o["created_at"] = FormatDt(b.created_at);
    return o;
}

json::object FleetStatsJson(const repo::FleetStats& s) {
    auto rate = [&](int64_t n) {
        return s.total ? std::round(10000.0 * n / static_cast<double>(s.total)) / 100.0 : 0.0;
    };
    json::array top, dist;
    for (const auto& t : s.top)
        top.push_back(json::object{{"serial_number", t.serial_number},
                                   {"model", t.model},
                                   {"status", t.status},
                                   {"rental_count", t.rental_count}});
    for (const auto& [name, n] : s.by_station)
        dist.push_back(json::object{{"station", name}, {"count", n}});
    return {{"overview",
             {{"total_powerbanks", s.total},
              {"status_breakdown",
               {{"available", s.available},
                {"rented", s.rented},
                {"maintenance", s.maintenance},
                {"damaged", s.damaged},
                {"lost", s.lost}}},
              {"needs_attention", s.needs_attention},
              {"avg_battery_level", std::round(s.avg_battery * 100.0) / 100.0}}},
            {"utilization",
             {{"total_rentals", s.total_rentals},
              {"active_rentals", s.rented},
              {"utilization_rate", rate(s.rented)}}},
            {"top_performers", std::move(top)},
            {"station_distribution", std::move(dist)}};
}

}  // namespace ps::stations
