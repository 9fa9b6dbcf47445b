#include "domains/stations/station_admin_service.hpp"

#include <boost/json/value_from.hpp>
#include <set>

#include "core/log.hpp"
#include "domains/admin/audit.hpp"
#include "domains/stations/bank_repository.hpp"
#include "domains/stations/inventory_repository.hpp"

namespace ps::stations {

namespace json = boost::json;

namespace {

auto Log() {
    static auto l = Logger("stations");
    return l;
}

Status Authorise(const admin::Actor& actor) {
    if (!admin::PermissionsFor(actor.role).manage_stations)
        return FailedPrecondition("permission_denied", "You may not manage stations.");
    return Ok{};
}

std::string Join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

json::value J(const std::string& v) { return json::value(v); }
json::value J(double v) { return json::value(v); }
json::value J(bool v) { return json::value(v); }
json::value J(const std::optional<std::string>& v) { return v ? json::value(*v) : nullptr; }

// Copies the scalar fields of `in` onto `s`, recording what changed.
void ApplyScalars(Station& s, const StationInput& in, json::object& changes) {
    auto set = [&](const char* key, auto& field, const auto& value) {
        if (field == value) return;
        json::object c;
        c["old"] = J(field);
        c["new"] = J(value);
        changes[key] = std::move(c);
        field = value;
    };
    if (in.station_name) set("station_name", s.station_name, *in.station_name);
    if (in.latitude) set("latitude", s.latitude, *in.latitude);
    if (in.longitude) set("longitude", s.longitude, *in.longitude);
    if (in.address) set("address", s.address, *in.address);
    if (in.landmark) set("landmark", s.landmark, *in.landmark);
    if (in.description) set("description", s.description, *in.description);
    if (in.opening_time) set("opening_time", s.opening_time, *in.opening_time);
    if (in.closing_time) set("closing_time", s.closing_time, *in.closing_time);
    if (in.status) set("status", s.status, *in.status);
    if (in.is_maintenance) set("is_maintenance", s.is_maintenance, *in.is_maintenance);
    if (in.hardware_info) set("hardware_info", s.hardware_info, *in.hardware_info);
}

Status CheckScalars(const StationInput& in) {
    if (in.status && !IsStationStatus(*in.status))
        return FieldError("status", "\"" + *in.status + "\" is not a valid choice.");
    if (in.latitude && !ValidLatitude(*in.latitude))
        return FieldError("latitude", "Latitude must be between -90 and 90");
    if (in.longitude && !ValidLongitude(*in.longitude))
        return FieldError("longitude", "Longitude must be between -180 and 180");
    if (in.total_slots && (*in.total_slots < 1 || *in.total_slots > 50))
        return FieldError("total_slots", "Ensure this value is between 1 and 50.");
    return Ok{};
}

}  // namespace

StationAdminService::StationAdminService(db::Database& db, const Clock& clock, Random& random,
                                         StationOptions opts)
    : db_(db), clock_(clock), random_(random), opts_(opts) {}

Result<std::vector<StationSummary>> StationAdminService::List(const repo::StationFilter& f,
                                                              http::Page& page) {
    repo::ListContext ctx{opts_.min_rentable_battery, 0};
    return db_.Read([&](db::Connection& c) -> Result<std::vector<StationSummary>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountStations(c, f));
        page.SetTotal(total);
        ASSIGN_OR_RETURN(auto out, repo::ListStations(c, f, ctx, repo::Order::kNewest,
                                                      page.page_size, page.Offset()));
        RETURN_IF_ERROR(repo::AttachAmenityNames(c, out));
        return out;
    });
}

Result<StationDetail> StationAdminService::Load(db::Connection& c, const std::string& sn) {
    ASSIGN_OR_RETURN(auto summary, repo::FindSummary(c, sn, {opts_.min_rentable_battery, 0}));
    if (!summary) return NotFound("station_not_found", "Station not found");
    return LoadStationDetail(c, std::move(*summary));
}

Result<StationDetail> StationAdminService::Get(const std::string& serial_number) {
    return db_.Read([&](db::Connection& c) { return Load(c, serial_number); });
}

Status StationAdminService::ApplyRelations(db::Connection& c, const Station& st,
                                           const StationInput& in, Micros now) {
    if (in.amenity_ids) {
        ASSIGN_OR_RETURN(auto unknown, repo::UnknownAmenities(c, *in.amenity_ids));
        if (!unknown.empty())
            return FieldError("amenity_ids", "Invalid or inactive amenity IDs: " + Join(unknown));
        RETURN_IF_ERROR(repo::SetStationAmenities(c, st.id, *in.amenity_ids));
    }
    if (in.media) {
        std::vector<std::string> ids;
        for (const auto& m : *in.media) ids.push_back(m.media_upload_id);
        ASSIGN_OR_RETURN(auto unknown, repo::UnknownUploads(c, ids));
        if (!unknown.empty())
            return FieldError("media_uploads", "MediaUpload with ID " + unknown[0] + " not found");
        RETURN_IF_ERROR(repo::ReplaceStationMedia(c, random_, st.id, *in.media, now));
    }
    if (!in.assignments) return Ok{};
    std::set<int> slots;
    std::set<std::string> serials;
    for (const auto& a : *in.assignments) {
        if (a.slot_number < 1 || a.slot_number > st.total_slots)
            return FieldError("powerbank_assignments",
                              "Slot " + std::to_string(a.slot_number) + " does not exist");
        if (!slots.insert(a.slot_number).second || !serials.insert(a.powerbank_serial).second)
            return FieldError("powerbank_assignments", "Duplicate slot or powerbank assignment");
        ASSIGN_OR_RETURN(auto bank, repo::FindBankBySerial(c, a.powerbank_serial));
        if (!bank)
            return FieldError("powerbank_assignments",
                              "PowerBank with serial '" + a.powerbank_serial + "' not found");
        if (bank->status == "RENTED")
            return FieldError("powerbank_assignments",
                              "PowerBank '" + a.powerbank_serial + "' is rented");
        ASSIGN_OR_RETURN(bool moved, repo::PlaceBank(c, *bank, st.id, a.slot_number, now));
        if (moved)
            RETURN_IF_ERROR(repo::AddHistory(c, bank->id, "MOVED", st.id, a.slot_number,
                                             {{"by", "staff"}}, now));
    }
    return Ok{};
}

Result<StationDetail> StationAdminService::Create(const admin::Actor& actor,
                                                  const StationInput& in) {
    RETURN_IF_ERROR(Authorise(actor));
    RETURN_IF_ERROR(CheckScalars(in));
    if (!in.station_name || !in.serial_number || !in.imei || !in.latitude || !in.longitude ||
        !in.address || !in.total_slots)
        return FieldError("non_field_errors", "Missing required station fields.");
    auto created = db_.Transact([&](db::Connection& c) -> Result<StationDetail> {
        ASSIGN_OR_RETURN(auto by_sn, repo::FindStationBySerial(c, *in.serial_number, true));
        if (by_sn)
            return FieldError("serial_number", "Station with this serial number already exists");
        ASSIGN_OR_RETURN(auto by_imei, repo::FindStationByImei(c, *in.imei, true));
        if (by_imei) return FieldError("imei", "Station with this IMEI already exists");
        Micros now = clock_.Now();
        Station s;
        s.id = random_.Uuid();
        s.serial_number = *in.serial_number;
        s.imei = *in.imei;
        s.total_slots = *in.total_slots;
        s.created_at = s.updated_at = now;
        json::object ignored;
        ApplyScalars(s, in, ignored);
        RETURN_IF_ERROR(repo::InsertStation(c, s));
        RETURN_IF_ERROR(repo::InsertSlots(c, random_, s.id, 1, s.total_slots, now));
        RETURN_IF_ERROR(ApplyRelations(c, s, in, now));
        json::object changes{{"serial_number", s.serial_number},
                             {"imei", s.imei},
                             {"station_name", s.station_name},
                             {"total_slots", s.total_slots},
                             {"amenities_count", in.amenity_ids ? in.amenity_ids->size() : 0},
                             {"media_count", in.media ? in.media->size() : 0},
                             {"powerbanks_assigned", in.assignments ? in.assignments->size() : 0}};
        RETURN_IF_ERROR(admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id, "CREATE_STATION", "Station", s.id, std::move(changes),
             "Created new station: " + s.station_name, actor.ip_address, actor.user_agent}));
        return Load(c, s.serial_number);
    });
    if (created.ok()) Log()->info("station created sn={} by={}", *in.serial_number, actor.user_id);
    return created;
}

Result<StationDetail> StationAdminService::Update(const admin::Actor& actor,
                                                  const std::string& serial_number,
                                                  const StationInput& in) {
    RETURN_IF_ERROR(Authorise(actor));
    RETURN_IF_ERROR(CheckScalars(in));
    return db_.Transact([&](db::Connection& c) -> Result<StationDetail> {
        ASSIGN_OR_RETURN(auto s, repo::FindStationBySerial(c, serial_number));
        if (!s) return NotFound("station_not_found", "Station not found");
        Micros now = clock_.Now();
        json::object changes;
        ApplyScalars(*s, in, changes);
        s->updated_at = now;
        RETURN_IF_ERROR(repo::UpdateStation(c, *s));
        RETURN_IF_ERROR(ApplyRelations(c, *s, in, now));
        if (in.amenity_ids) changes["amenity_ids"] = json::value_from(*in.amenity_ids);
        if (in.media) changes["media_count"] = in.media->size();
        if (in.assignments) changes["powerbanks_assigned"] = in.assignments->size();
        RETURN_IF_ERROR(admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id, "UPDATE_STATION", "Station", s->id, std::move(changes),
             "Updated station: " + s->station_name, actor.ip_address, actor.user_agent}));
        return Load(c, s->serial_number);
    });
}

Status StationAdminService::Delete(const admin::Actor& actor, const std::string& serial_number) {
    RETURN_IF_ERROR(Authorise(actor));
    auto done = db_.Transact([&](db::Connection& c) -> Status {
        ASSIGN_OR_RETURN(auto s, repo::FindStationBySerial(c, serial_number));
        if (!s) return NotFound("station_not_found", "Station not found");
        s->is_deleted = true;
        s->status = "OFFLINE";
        s->updated_at = clock_.Now();
        RETURN_IF_ERROR(repo::UpdateStation(c, *s));
        return admin::RecordAudit(c, clock_, random_,
                                  {actor.user_id,
                                   "DELETE_STATION",
                                   "Station",
                                   s->id,
                                   {{"is_deleted", {{"old", false}, {"new", true}}}},
                                   "Deleted station: " + s->station_name,
                                   actor.ip_address,
                                   actor.user_agent});
    });
    if (done.ok()) Log()->info("station deleted sn={} by={}", serial_number, actor.user_id);
    return done;
}

Result<Station> StationAdminService::SetMaintenance(const admin::Actor& actor,
                                                    const std::string& serial_number, bool on,
                                                    const std::string& reason) {
    RETURN_IF_ERROR(Authorise(actor));
    return db_.Transact([&](db::Connection& c) -> Result<Station> {
        ASSIGN_OR_RETURN(auto s, repo::FindStationBySerial(c, serial_number));
        if (!s) return NotFound("station_not_found", "Station not found");
        bool old = s->is_maintenance;
        s->is_maintenance = on;
        s->updated_at = clock_.Now();
        RETURN_IF_ERROR(repo::UpdateStation(c, *s));
        RETURN_IF_ERROR(admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id,
             "TOGGLE_MAINTENANCE",
             "Station",
             s->id,
             {{"old_maintenance", old}, {"new_maintenance", on}, {"reason", reason}},
             std::string(on ? "Enabled" : "Disabled") + " maintenance mode for " + s->station_name,
             actor.ip_address,
             actor.user_agent}));
        return *s;
    });
}

}  // namespace ps::stations
