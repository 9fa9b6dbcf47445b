// SQL of what describes a station besides its hardware: amenities (and which stations have
// them) and media. Runs on the caller's connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/stations/station.hpp"

namespace ps::stations::repo {

// Active amenities of a station, by name.
Result<std::vector<Amenity>> AmenitiesOf(db::Connection& c, const std::string& station_id);

struct AmenityFilter {
    std::optional<bool> is_active;
    std::optional<std::string> search;  // name or description
};
Result<int64_t> CountAmenities(db::Connection& c, const AmenityFilter& f);
// By name, with stations_count (non-deleted stations).
Result<std::vector<Amenity>> ListAmenities(db::Connection& c, const AmenityFilter& f, int64_t limit,
                                           int64_t offset);
Result<std::optional<Amenity>> FindAmenity(db::Connection& c, const std::string& id);
// Case-insensitive; excluding the amenity `except_id`.
Result<bool> AmenityNameTaken(db::Connection& c, const std::string& name,
                              const std::string& except_id = "");
Status InsertAmenity(db::Connection& c, const Amenity& a);
Status UpdateAmenity(db::Connection& c, const Amenity& a);  // name, icon, description, is_active
Status DeleteAmenity(db::Connection& c, const std::string& id);

// Of `ids`, those that are not active amenities.
Result<std::vector<std::string>> UnknownAmenities(db::Connection& c,
                                                  const std::vector<std::string>& ids);
// Replaces the station's amenities.
Status SetStationAmenities(db::Connection& c, const std::string& station_id,
                           const std::vector<std::string>& amenity_ids);

struct NewMedia {
    std::string media_upload_id;
    std::string media_type = "IMAGE";
    std::optional<std::string> title, description;
    bool is_primary = false;
};
// Of `ids`, those that are not media uploads.
Result<std::vector<std::string>> UnknownUploads(db::Connection& c,
                                                const std::vector<std::string>& ids);
// Replaces the station's media (URLs come from the uploads).
Status ReplaceStationMedia(db::Connection& c, Random& random, const std::string& station_id,
                           const std::vector<NewMedia>& media, Micros now);

}  // namespace ps::stations::repo
