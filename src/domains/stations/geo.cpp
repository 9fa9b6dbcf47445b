#include "domains/stations/geo.hpp"

#include <algorithm>
#include <cmath>

namespace ps::stations {

namespace {
constexpr double kPi = 3.14159265358979323846;
double Rad(double deg) { return deg * kPi / 180.0; }
}  // namespace

double HaversineKm(double lat1, double lng1, double lat2, double lng2) {
    double p1 = Rad(lat1), p2 = Rad(lat2);
    double dp = p2 - p1, dl = Rad(lng2 - lng1);
    double h = std::sin(dp / 2) * std::sin(dp / 2) +
               std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
    h = std::clamp(h, 0.0, 1.0);
    return 2 * kEarthRadiusKm * std::asin(std::sqrt(h));
}

BBox BoundingBox(double lat, double lng, double radius_km) {
    // 1% margin so points on the circle are never cut by rounding in the index comparison.
    double r = radius_km * 1.01;
    double dlat = r / kEarthRadiusKm * 180.0 / kPi;
    BBox b;
    b.min_lat = std::max(-90.0, lat - dlat);
    b.max_lat = std::min(90.0, lat + dlat);
    double cos_lat = std::cos(Rad(std::max(std::abs(b.min_lat), std::abs(b.max_lat))));
    if (cos_lat < 1e-6 || b.min_lat <= -90.0 || b.max_lat >= 90.0) {
        b.min_lng = -180.0;
        b.max_lng = 180.0;
        return b;
    }
    double dlng = std::min(180.0, dlat / cos_lat);
    b.min_lng = lng - dlng;
    b.max_lng = lng + dlng;
    if (b.min_lng < -180.0 || b.max_lng > 180.0) {  // across the antimeridian: take it all
        b.min_lng = -180.0;
        b.max_lng = 180.0;
    }
    return b;
}

double RoundTo(double v, int places) {
    double scale = std::pow(10.0, places);
    return std::round(v * scale) / scale;
}

bool ValidLatitude(double v) { return std::isfinite(v) && v >= -90.0 && v <= 90.0; }
bool ValidLongitude(double v) { return std::isfinite(v) && v >= -180.0 && v <= 180.0; }

}  // namespace ps::stations
