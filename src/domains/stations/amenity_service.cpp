#include "domains/stations/amenity_service.hpp"

#include "domains/admin/audit.hpp"

namespace ps::stations {

namespace {
Status Authorise(const admin::Actor& actor) {
    if (!admin::PermissionsFor(actor.role).manage_stations)
        return FailedPrecondition("permission_denied", "You may not manage stations.");
    return Ok{};
}
boost::json::object Snapshot(const Amenity& a) {
    return {{"name", a.name},
            {"icon", a.icon},
            {"description", a.description},
            {"is_active", a.is_active}};
}
}  // namespace

AmenityService::AmenityService(db::Database& db, const Clock& clock, Random& random)
    : db_(db), clock_(clock), random_(random) {}

Result<std::vector<Amenity>> AmenityService::List(const repo::AmenityFilter& f, http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<Amenity>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountAmenities(c, f));
        page.SetTotal(total);
        return repo::ListAmenities(c, f, page.page_size, page.Offset());
    });
}

Result<Amenity> AmenityService::Create(const admin::Actor& actor, const Change& in) {
    RETURN_IF_ERROR(Authorise(actor));
    if (!in.name || !in.icon || !in.description)
        return FieldError("name", "This field is required.");
    return db_.Transact([&](db::Connection& c) -> Result<Amenity> {
        ASSIGN_OR_RETURN(bool taken, repo::AmenityNameTaken(c, *in.name));
        if (taken) return FieldError("name", "Amenity with this name already exists");
        Amenity a{
            random_.Uuid(), *in.name,     *in.icon, *in.description, in.is_active.value_or(true),
            clock_.Now(),   clock_.Now(), 0};
        RETURN_IF_ERROR(repo::InsertAmenity(c, a));
        RETURN_IF_ERROR(admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id, "CREATE_AMENITY", "StationAmenity", a.id, Snapshot(a),
             "Created amenity: " + a.name, actor.ip_address, actor.user_agent}));
        return a;
    });
}

Result<Amenity> AmenityService::Update(const admin::Actor& actor, const std::string& id,
                                       const Change& in) {
    RETURN_IF_ERROR(Authorise(actor));
    return db_.Transact([&](db::Connection& c) -> Result<Amenity> {
        ASSIGN_OR_RETURN(auto a, repo::FindAmenity(c, id));
        if (!a) return NotFound("amenity_not_found", "Amenity not found");
        if (in.name) {
            ASSIGN_OR_RETURN(bool taken, repo::AmenityNameTaken(c, *in.name, id));
            if (taken) return FieldError("name", "Amenity with this name already exists");
            a->name = *in.name;
        }
        if (in.icon) a->icon = *in.icon;
        if (in.description) a->description = *in.description;
        if (in.is_active) a->is_active = *in.is_active;
        a->updated_at = clock_.Now();
        RETURN_IF_ERROR(repo::UpdateAmenity(c, *a));
        RETURN_IF_ERROR(admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id, "UPDATE_AMENITY", "StationAmenity", a->id, Snapshot(*a),
             "Updated amenity: " + a->name, actor.ip_address, actor.user_agent}));
        return *a;
    });
}

Status AmenityService::Delete(const admin::Actor& actor, const std::string& id) {
    RETURN_IF_ERROR(Authorise(actor));
    return db_.Transact([&](db::Connection& c) -> Status {
        ASSIGN_OR_RETURN(auto a, repo::FindAmenity(c, id));
        if (!a) return NotFound("amenity_not_found", "Amenity not found");
        RETURN_IF_ERROR(repo::DeleteAmenity(c, id));
        return admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id, "DELETE_AMENITY", "StationAmenity", id, Snapshot(*a),
             "Deleted amenity: " + a->name, actor.ip_address, actor.user_agent});
    });
}

}  // namespace ps::stations
