// The per-node cache of nearby answers, kept as the rendered response body: an anonymous request
// is a copy of the cached text, a signed-in one the same text with "is_favorite":false turned to
// true for its own favorites (the offsets of those literals are found once, when the body is
// rendered). Keys are the exact query (visibility, point, radius, limit); an entry is served only
// while younger than the configured age, measured from before its data was read. Memory is
// bounded: past kMaxEntries entries or kMaxBytes of text the cache starts over.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/result.hpp"

namespace ps::stations {

// A rendered nearby body and where each station's is_favorite literal sits in it.
class RenderedNearby {
public:
    // `body` lists the stations `ids` in order, each with "is_favorite":false. Errors: Internal
    // when an item's flag cannot be found (the rendering changed shape).
    static Result<RenderedNearby> Make(std::string body, const std::vector<std::string>& ids);

    const std::string& anonymous() const { return body_; }
    // The body with is_favorite true on the stations in `favorites` (station ids).
    std::string For(const std::unordered_set<std::string>& favorites) const;

private:
    struct Flag {
        std::string station_id;
        size_t offset = 0;  // of the "false" literal
    };
    std::string body_;
    std::vector<Flag> flags_;  // in body order
};

class NearbyCache {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr size_t kMaxEntries = 4096;
    static constexpr size_t kMaxBytes = 64u << 20;

    struct Key {
        bool public_only = true;
        double lat = 0, lng = 0, radius_km = 0;
        int limit = 0;
        bool operator==(const Key&) const = default;
    };

    explicit NearbyCache(std::chrono::milliseconds max_age) : max_age_(max_age) {}

    bool enabled() const { return max_age_.count() > 0; }
    // The entry for `key` if it was read less than max_age before `now`, else null.
    std::shared_ptr<const RenderedNearby> Find(const Key& key, Clock::time_point now);
    // `read_at`: when its data started being read.
    void Put(const Key& key, Clock::time_point read_at, std::shared_ptr<const RenderedNearby> r);

private:
    struct Hash {
        size_t operator()(const Key& k) const;
    };
    struct Entry {
        Clock::time_point read_at;
        std::shared_ptr<const RenderedNearby> rendered;
    };
    const std::chrono::milliseconds max_age_;
    std::mutex mu_;
    std::unordered_map<Key, Entry, Hash> entries_;
    size_t bytes_ = 0;
};

}  // namespace ps::stations
