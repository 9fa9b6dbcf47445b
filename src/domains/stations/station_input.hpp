// Request parsing for the stations routes: query parameters (numbers, booleans, enums, search
// text) and the staff station form, which arrives as JSON (create) or multipart (the dashboard's
// update: `amenity_ids` a repeated key or the literal "[]", `hardware_info`, `media_uploads` and
// `powerbank_assignments` JSON strings, empty values meaning "not sent"). Pure code.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "domains/stations/station_admin_service.hpp"
#include "http/http_types.hpp"

namespace ps::stations {

// The staff station form. create: the required fields must be present and serial_number,
// imei and total_slots are accepted; update: those three are unknown fields.
Result<StationInput> ParseStationInput(const boost::json::object& fields, bool create);

// A finite number (JSON number or decimal string) rounded to 6 decimals, or nullopt.
std::optional<double> ParseCoordinateValue(const boost::json::value& v);

// Query parameters. Absent or empty -> nullopt; malformed -> validation_error on `key`.
Result<std::optional<double>> QueryNumber(const http::Request& req, std::string_view key);
Result<std::optional<int64_t>> QueryInt(const http::Request& req, std::string_view key, int64_t min,
                                        int64_t max);
Result<std::optional<bool>> QueryBool(const http::Request& req, std::string_view key);
Result<std::optional<std::string>> QueryEnum(const http::Request& req, std::string_view key,
                                             const std::function<bool(std::string_view)>& valid);
// Trimmed, cut to 100 characters; nullopt when blank; not UTF-8 -> validation_error.
Result<std::optional<std::string>> QuerySearch(const http::Request& req,
                                               std::string_view key = "search");
// A date or date-time; `end_of_day` moves a plain date to its last microsecond.
Result<std::optional<Micros>> QueryTime(const http::Request& req, std::string_view key,
                                        bool end_of_day);
// The {serial_number} path parameter; one no station can have -> station_not_found (404).
Result<std::string> SerialParam(const http::Request& req);
// A path parameter that must be a UUID, else validation_error "'x' is not a valid UUID.".
Result<std::string> UuidParam(const http::Request& req, std::string_view name);

}  // namespace ps::stations
