// The rendered nearby cache: favorites overlay, age limit, keys by exact query.
#include "domains/stations/nearby_cache.hpp"

#include <gtest/gtest.h>

namespace ps::stations {
namespace {

const std::string kBody =
    R"({"data":{"results":[{"id":"a","station_name":"x,\"is_favorite\":false","is_favorite":false,)"
    R"("media":[]},{"id":"b","is_favorite":false,"media":[]}]}})";

TEST(RenderedNearby, AnonymousIsTheBodyAndFavoritesFlipOnlyTheirOwnFlag) {
    auto r = RenderedNearby::Make(kBody, {"a", "b"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->anonymous(), kBody);
    EXPECT_EQ(r->For({}), kBody);
    std::string b = r->For({"b", "zzz"});
    EXPECT_NE(b.find(R"("id":"b","is_favorite":true)"), std::string::npos) << b;
    EXPECT_NE(b.find(R"("is_favorite":false,"media")"), std::string::npos) << "a unchanged: " << b;
    EXPECT_NE(b.find(R"(x,\"is_favorite\":false")"), std::string::npos) << "strings untouched";
    std::string both = r->For({"a", "b"});
    EXPECT_EQ(both.find(R"("is_favorite":false)"), std::string::npos) << both;
}

TEST(RenderedNearby, MissingFlagIsAnError) {
    EXPECT_FALSE(RenderedNearby::Make(kBody, {"a", "b", "c"}).ok());
}

TEST(NearbyCache, ServesOnlyYoungerThanMaxAgeAndByExactKey) {
    NearbyCache cache(std::chrono::milliseconds(100));
    auto r = std::make_shared<const RenderedNearby>(*RenderedNearby::Make(kBody, {"a", "b"}));
    NearbyCache::Key k{true, 27.7172, 85.324, 5, 100};
    auto t = NearbyCache::Clock::now();
    cache.Put(k, t, r);
    EXPECT_EQ(cache.Find(k, t + std::chrono::milliseconds(99)), r);
    EXPECT_EQ(cache.Find(k, t + std::chrono::milliseconds(100)), nullptr);
    NearbyCache::Key other = k;
    other.lat += 1e-9;
    EXPECT_EQ(cache.Find(other, t), nullptr);
    other = k;
    other.public_only = false;
    EXPECT_EQ(cache.Find(other, t), nullptr);
    cache.Put(k, t - std::chrono::milliseconds(50), nullptr);  // older read: ignored
    EXPECT_EQ(cache.Find(k, t), r);
}

}  // namespace
}  // namespace ps::stations
