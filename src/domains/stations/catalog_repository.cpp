// Amenities and media (catalog_repository.hpp).
#include "domains/stations/catalog_repository.hpp"

#include <algorithm>
#include <set>

#include "domains/stations/repo_rows.hpp"

namespace ps::stations::repo {

namespace {

constexpr const char* kAmenityCols =
    "a.id, a.name, a.icon, a.description, a.is_active, a.created_at, a.updated_at";

Amenity ToAmenity(const db::Row& r) {
    return Amenity{r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Bool(4), r.Int(5), r.Int(6), 0};
}

std::string AmenityWhere(const AmenityFilter& f, db::Params& params) {
    std::string w = "WHERE 1 = 1 ";
    if (f.is_active) {
        w += "AND a.is_active = ? ";
        params.emplace_back(*f.is_active);
    }
    if (f.search) {
        w += "AND (LOWER(a.name) LIKE ? ESCAPE '!' OR LOWER(a.description) LIKE ? ESCAPE '!') ";
        std::string p = db::ContainsPattern(*f.search);
        params.emplace_back(p);
        params.emplace_back(p);
    }
    return w;
}

// ids minus those the query over an IN list returns.
Result<std::vector<std::string>> Missing(db::Connection& c, std::string_view head,
                                         const std::vector<std::string>& ids) {
    std::set<std::string> found;
    RETURN_IF_ERROR(
        QueryIn(c, head, "", {}, ids, [&](const db::Row& r) { found.insert(r.Str(0)); }));
    std::vector<std::string> out;
    for (const auto& id : ids)
        if (!found.count(id) && std::find(out.begin(), out.end(), id) == out.end())
            out.push_back(id);
    return out;
}

}  // namespace

Result<std::vector<Amenity>> AmenitiesOf(db::Connection& c, const std::string& station_id) {
    ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kAmenityCols +
                                            " FROM amenities a JOIN station_amenities sa ON "
                                            "sa.amenity_id = a.id WHERE sa.station_id = ? AND "
                                            "a.is_active = 1 ORDER BY a.name",
                                        {station_id}));
    std::vector<Amenity> out;
    for (const auto& r : rows) out.push_back(ToAmenity(r));
    return out;
}

Result<int64_t> CountAmenities(db::Connection& c, const AmenityFilter& f) {
    db::Params params;
    std::string sql = "SELECT COUNT(*) FROM amenities a " + AmenityWhere(f, params);
    ASSIGN_OR_RETURN(auto row, c.QueryOne(sql, params));
    return row ? row->Int(0) : 0;
}

Result<std::vector<Amenity>> ListAmenities(db::Connection& c, const AmenityFilter& f, int64_t limit,
                                           int64_t offset) {
    db::Params params;
    std::string sql = std::string("SELECT ") + kAmenityCols +
                      ", (SELECT COUNT(*) FROM station_amenities sa JOIN stations st ON "
                      "st.id = sa.station_id WHERE sa.amenity_id = a.id AND st.is_deleted = 0) "
                      "FROM amenities a " +
                      AmenityWhere(f, params) + "ORDER BY a.name LIMIT ? OFFSET ?";
    params.emplace_back(limit);
    params.emplace_back(offset);
    ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
    std::vector<Amenity> out;
    for (const auto& r : rows) {
        out.push_back(ToAmenity(r));
        out.back().stations_count = r.Int(7);
    }
    return out;
}

Result<std::optional<Amenity>> FindAmenity(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string("SELECT ") + kAmenityCols +
                                              " FROM amenities a WHERE a.id = ?",
                                          {id}));
    if (!row) return std::optional<Amenity>{};
    return std::optional<Amenity>{ToAmenity(*row)};
}

Result<bool> AmenityNameTaken(db::Connection& c, const std::string& name,
                              const std::string& except_id) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    ASSIGN_OR_RETURN(auto row,
                     c.QueryOne("SELECT 1 FROM amenities WHERE LOWER(name) = ? AND id <> ?",
                                {lower, except_id}));
    return row.has_value();
}

Status InsertAmenity(db::Connection& c, const Amenity& a) {
    RETURN_IF_ERROR(
        c.Exec("INSERT INTO amenities (id, name, icon, description, is_active, "
               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
               {a.id, a.name, a.icon, a.description, a.is_active, a.created_at, a.updated_at}));
    return Ok{};
}

Status UpdateAmenity(db::Connection& c, const Amenity& a) {
    RETURN_IF_ERROR(
        c.Exec("UPDATE amenities SET name = ?, icon = ?, description = ?, "
               "is_active = ?, updated_at = ? WHERE id = ?",
               {a.name, a.icon, a.description, a.is_active, a.updated_at, a.id}));
    return Ok{};
}

Status DeleteAmenity(db::Connection& c, const std::string& id) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM station_amenities WHERE amenity_id = ?", {id}));
    RETURN_IF_ERROR(c.Exec("DELETE FROM amenities WHERE id = ?", {id}));
    return Ok{};
}

Result<std::vector<std::string>> UnknownAmenities(db::Connection& c,
                                                  const std::vector<std::string>& ids) {
    return Missing(c, "SELECT id FROM amenities WHERE is_active = 1 AND id IN ", ids);
}

Status SetStationAmenities(db::Connection& c, const std::string& station_id,
                           const std::vector<std::string>& amenity_ids) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM station_amenities WHERE station_id = ?", {station_id}));
    std::set<std::string> done;
    for (const auto& id : amenity_ids)
        if (done.insert(id).second)
            RETURN_IF_ERROR(
                c.Exec("INSERT INTO station_amenities (station_id, amenity_id) VALUES (?, ?)",
                       {station_id, id}));
    return Ok{};
}

Result<std::vector<std::string>> UnknownUploads(db::Connection& c,
                                                const std::vector<std::string>& ids) {
    return Missing(c, "SELECT id FROM media_uploads WHERE id IN ", ids);
}

Status ReplaceStationMedia(db::Connection& c, Random& random, const std::string& station_id,
                           const std::vector<NewMedia>& media, Micros now) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM station_media WHERE station_id = ?", {station_id}));
    for (const auto& m : media) {
        ASSIGN_OR_RETURN(auto upload, c.QueryOne("SELECT file_url FROM media_uploads WHERE id = ?",
                                                 {m.media_upload_id}));
        if (!upload)
            return FieldError("media_uploads",
                              "MediaUpload with ID " + m.media_upload_id + " not found");
        RETURN_IF_ERROR(c.Exec(
            "INSERT INTO station_media (id, station_id, media_upload_id, media_type, title, "
            "description, media_url, is_primary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {random.Uuid(), station_id, m.media_upload_id, m.media_type, m.title, m.description,
             upload->Str(0), m.is_primary, now}));
    }
    return Ok{};
}

}  // namespace ps::stations::repo
