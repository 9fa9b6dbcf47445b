// Station search geometry, the benchmark fleet's layout, and the stations enum/time helpers.
#include "domains/stations/geo.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "domains/stations/fleet_seed.hpp"
#include "domains/stations/station.hpp"

namespace ps::stations {
namespace {

TEST(GeoTest, HaversineMatchesKnownDistances) {
    EXPECT_DOUBLE_EQ(HaversineKm(27.7172, 85.324, 27.7172, 85.324), 0.0);
    // One degree of latitude on a 6371 km sphere.
    EXPECT_NEAR(HaversineKm(0, 0, 1, 0), 111.195, 0.001);
    // Kathmandu to Pokhara (28.2096, 83.9856): about 143 km as the crow flies.
    EXPECT_NEAR(HaversineKm(27.7172, 85.324, 28.2096, 83.9856), 142.0, 2.0);
    // Antipodes.
    EXPECT_NEAR(HaversineKm(0, 0, 0, 180), M_PI * kEarthRadiusKm, 1e-6);
}

TEST(GeoTest, BoxContainsEveryPointOfTheCircle) {
    for (double lat : {0.0, 27.7172, -45.0, 70.0}) {
        for (double r : {0.1, 5.0, 20.0, 50.0}) {
            BBox b = BoundingBox(lat, 85.324, r);
            for (int deg = 0; deg < 360; deg += 5) {
                // Walk to the circle along bearing `deg` (small-circle approximation is enough:
                // the box has a margin) and check the point is inside.
                double t = deg * M_PI / 180.0;
                double dlat = r / kEarthRadiusKm * 180.0 / M_PI * std::cos(t);
                double plat = lat + dlat;
                double dlng =
                    r / kEarthRadiusKm * 180.0 / M_PI * std::sin(t) / std::cos(plat * M_PI / 180.0);
                double plng = 85.324 + dlng;
                EXPECT_GE(plat, b.min_lat);
                EXPECT_LE(plat, b.max_lat);
                EXPECT_GE(plng, b.min_lng) << lat << " " << r << " " << deg;
                EXPECT_LE(plng, b.max_lng) << lat << " " << r << " " << deg;
            }
        }
    }
}

TEST(GeoTest, BoxNearThePoleOrAntimeridianTakesAllLongitudes) {
    BBox pole = BoundingBox(89.99, 10, 5);
    EXPECT_EQ(pole.min_lng, -180.0);
    EXPECT_EQ(pole.max_lng, 180.0);
    EXPECT_EQ(pole.max_lat, 90.0);
    BBox dateline = BoundingBox(0, 179.99, 5);
    EXPECT_EQ(dateline.min_lng, -180.0);
    EXPECT_EQ(dateline.max_lng, 180.0);
}

TEST(GeoTest, RoundingAndValidity) {
    EXPECT_DOUBLE_EQ(RoundTo(4.955, 2), 4.96);
    EXPECT_DOUBLE_EQ(RoundTo(4.9549, 2), 4.95);
    EXPECT_DOUBLE_EQ(RoundTo(-1.005, 0), -1.0);
    EXPECT_TRUE(ValidLatitude(-90));
    EXPECT_FALSE(ValidLatitude(90.000001));
    EXPECT_FALSE(ValidLongitude(NAN));
    EXPECT_FALSE(ValidLongitude(INFINITY));
}

TEST(FleetTest, LayoutFollowsTheBenchFleetDocument) {
    EXPECT_EQ(FleetSerial(1), "SN000001");
    EXPECT_EQ(FleetImei(1), "860000000000001");
    EXPECT_EQ(FleetImei(1000), "860000000001000");
    EXPECT_EQ(FleetName(7), "Kathmandu Station 0007");
    // Station 1: i = 0, r = 15 sqrt(0.0005), t = 0: due north of the centre.
    FleetPoint p = FleetPosition(1);
    EXPECT_DOUBLE_EQ(p.latitude, 27.720213);
    EXPECT_DOUBLE_EQ(p.longitude, 85.324);
    EXPECT_TRUE(FleetSlotOccupied(1, 2));
    EXPECT_FALSE(FleetSlotOccupied(1, 1));
    for (int n = 1; n <= 1000; ++n) {
        FleetPoint q = FleetPosition(n);
        EXPECT_LE(HaversineKm(kFleetCenterLat, kFleetCenterLng, q.latitude, q.longitude), 15.01);
        for (int k = 1; k <= kFleetSlots; ++k) {
            EXPECT_GE(FleetBankBattery(n, k), 80);
            EXPECT_LE(FleetBankBattery(n, k), 100);
        }
    }
}

TEST(FleetTest, TheStandardNearbyQueryFinds111Stations) {
    int found = 0;
    for (int n = 1; n <= 1000; ++n) {
        FleetPoint q = FleetPosition(n);
        if (HaversineKm(27.7172, 85.3240, q.latitude, q.longitude) <= 5.0) ++found;
    }
    EXPECT_EQ(found, 111);
}

TEST(StationTypesTest, EnumsUuidsAndTimes) {
    EXPECT_TRUE(IsStationStatus("MAINTENANCE"));
    EXPECT_FALSE(IsStationStatus("online"));
    EXPECT_TRUE(IsIssueType("LOCATION_WRONG"));
    EXPECT_FALSE(IsIssueType("WRONG_LOCATION"));
    EXPECT_TRUE(IsMediaType("360_VIEW"));
    EXPECT_TRUE(LooksLikeUuid("7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0001"));
    EXPECT_FALSE(LooksLikeUuid("7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c000"));
    EXPECT_FALSE(LooksLikeUuid("7d0c3a9e11f1e-4b55-9a57-0a1f5e9c0001"));
    EXPECT_EQ(NormalizeTime("09:00"), "09:00:00");
    EXPECT_EQ(NormalizeTime("21:30:15"), "21:30:15");
    EXPECT_FALSE(NormalizeTime("24:00"));
    EXPECT_FALSE(NormalizeTime("9:00"));
    EXPECT_FALSE(NormalizeTime("09:60:00"));
}

}  // namespace
}  // namespace ps::stations
