// Geometry of the station search: the great-circle (haversine) distance, the latitude/longitude
// box that contains a search circle (what the (latitude, longitude) index filters on before the
// exact distance is computed here, so both backends return the same stations), and rounding.
// Pure code.
#pragma once

namespace ps::stations {

inline constexpr double kEarthRadiusKm = 6371.0;

// Haversine distance in km between two points given in degrees.
double HaversineKm(double lat1, double lng1, double lat2, double lng2);

struct BBox {
    double min_lat = 0, max_lat = 0, min_lng = 0, max_lng = 0;
};
// A box that contains every point within radius_km of (lat, lng), with a small margin, clamped
// to valid coordinates. Near the poles the longitude range widens to the whole circle.
BBox BoundingBox(double lat, double lng, double radius_km);

// Rounds half away from zero to `places` decimals (coordinates 6, distances 2).
double RoundTo(double v, int places);

bool ValidLatitude(double v);
bool ValidLongitude(double v);

}  // namespace ps::stations
