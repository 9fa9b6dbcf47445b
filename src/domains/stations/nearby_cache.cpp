// Rendered nearby answers (nearby_cache.hpp).
#include "domains/stations/nearby_cache.hpp"

#include <bit>
#include <cstdint>
#include <string_view>

namespace ps::stations {

namespace {

// Inside JSON text a quote within a string is always escaped, so `,"is_favorite":` is a key.
constexpr std::string_view kFlag = ",\"is_favorite\":false";
constexpr size_t kFlagValue = kFlag.size() - 5;  // where "false" starts

}  // namespace

Result<RenderedNearby> RenderedNearby::Make(std::string body, const std::vector<std::string>& ids) {
    RenderedNearby r;
    r.flags_.reserve(ids.size());
    size_t from = 0;
    for (const auto& id : ids) {
        size_t at = body.find(kFlag, from);
        if (at == std::string::npos) return Internal("nearby body without an is_favorite flag");
        r.flags_.push_back({id, at + kFlagValue});
        from = at + kFlag.size();
    }
    r.body_ = std::move(body);
    return r;
}

std::string RenderedNearby::For(const std::unordered_set<std::string>& favorites) const {
    if (favorites.empty()) return body_;
    std::string out;
    out.reserve(body_.size());
    size_t copied = 0;
    for (const auto& f : flags_) {
        if (!favorites.count(f.station_id)) continue;
        out.append(body_, copied, f.offset - copied).append("true");
        copied = f.offset + 5;
    }
    out.append(body_, copied, std::string::npos);
    return out;
}

size_t NearbyCache::Hash::operator()(const Key& k) const {
    uint64_t h = k.public_only ? 0x9e3779b97f4a7c15ull : 0;
    for (double d : {k.lat, k.lng, k.radius_km})
        h = (h ^ std::bit_cast<uint64_t>(d)) * 0x100000001b3ull + (h >> 29);
    return static_cast<size_t>(h ^ static_cast<uint64_t>(k.limit));
}

std::shared_ptr<const RenderedNearby> NearbyCache::Find(const Key& key, Clock::time_point now) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || now - it->second.read_at >= max_age_) return nullptr;
    return it->second.rendered;
}

void NearbyCache::Put(const Key& key, Clock::time_point read_at,
                      std::shared_ptr<const RenderedNearby> r) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
        if (it->second.read_at >= read_at) return;  // a newer read got there first
        bytes_ -= it->second.rendered->anonymous().size();
        entries_.erase(it);
    }
    if (entries_.size() >= kMaxEntries || bytes_ + r->anonymous().size() > kMaxBytes) {
        entries_.clear();
        bytes_ = 0;
    }
    bytes_ += r->anonymous().size();
    entries_.emplace(key, Entry{read_at, std::move(r)});
}

}  // namespace ps::stations
