#include "domains/content/app_service.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace ps::content {

std::optional<std::vector<int64_t>> ParseVersion(std::string_view s) {
    constexpr size_t kMaxParts = 4, kMaxDigits = 9;
    std::vector<int64_t> parts;
    size_t i = 0;
    while (true) {
        size_t start = i;
        int64_t v = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
        if (i == start || i - start > kMaxDigits) return std::nullopt;
        parts.push_back(v);
        if (parts.size() > kMaxParts) return std::nullopt;
        if (i == s.size()) return parts;
        if (s[i] != '.') return std::nullopt;
        ++i;  // a trailing '.' fails at the next part (no digits)
    }
}

int CompareVersions(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        int64_t x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

Result<std::vector<Country>> AppService::Countries() {
    return db_.Read([](db::Connection& c) -> Result<std::vector<Country>> {
        ASSIGN_OR_RETURN(auto rows,
                         c.Query("SELECT id, name, code, dial_code, flag_url FROM countries "
                                 "WHERE is_active = 1 ORDER BY name, code"));
        std::vector<Country> out;
        out.reserve(rows.size());
        for (const auto& r : rows)
            out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.OptStr(4)});
        return out;
    });
}

namespace {

struct VersionRow {
    std::vector<int64_t> parsed;
    std::string version;
    bool mandatory = false;
    std::optional<std::string> download_url, release_notes;
};

}  // namespace

Result<VersionCheck> AppService::CheckVersion(std::string_view platform, std::string_view current) {
    auto cur = ParseVersion(current);
    if (!cur) return FieldError("current_version", "Enter a valid version such as 1.2.3.");
    // Versions are compared in C++: neither SQL dialect orders "1.10.0" after "1.9.9".
    ASSIGN_OR_RETURN(auto rows, db_.Read([&](db::Connection& c) {
        return c.Query(
            "SELECT version, is_mandatory, download_url, release_notes FROM app_versions "
            "WHERE platform = ? AND released_at <= ?",
            {platform, clock_.Now()});
    }));
    VersionCheck out;
    out.current_version = std::string(current);
    out.latest_version = out.current_version;
    std::optional<VersionRow> latest;
    for (const auto& r : rows) {
        auto parsed = ParseVersion(r.Str(0));
        if (!parsed) {
            Logger("content")->warn("unparsable app version skipped platform={} version={}",
                                    platform, r.Str(0));
            continue;
        }
        bool newer = CompareVersions(*parsed, *cur) > 0;
        if (newer && r.Bool(1)) out.is_mandatory = true;
        if (!latest || CompareVersions(*parsed, latest->parsed) > 0)
            latest = VersionRow{std::move(*parsed), r.Str(0), r.Bool(1), r.OptStr(2), r.OptStr(3)};
    }
    if (latest) {
        out.update_available = CompareVersions(latest->parsed, *cur) > 0;
        out.latest_version = latest->version;
        out.download_url = latest->download_url;
        out.release_notes = latest->release_notes;
    }
    return out;
}

Result<UpdatePage> AppService::Updates(int64_t page, int64_t page_size) {
    return db_.Read([&](db::Connection& c) -> Result<UpdatePage> {
        UpdatePage out;
        Micros now = clock_.Now();  // updates dated in the future are not announced yet
        ASSIGN_OR_RETURN(
            auto count,
            c.QueryOne("SELECT COUNT(*) FROM app_updates WHERE released_at <= ?", {now}));
        out.total = count ? count->Int(0) : 0;
        int64_t pages = out.total == 0 ? 1 : (out.total + page_size - 1) / page_size;
        out.page = std::clamp<int64_t>(page, 1, pages);
        ASSIGN_OR_RETURN(
            auto rows, c.Query("SELECT id, version, title, is_major, released_at FROM app_updates "
                               "WHERE released_at <= ? ORDER BY released_at DESC, created_at DESC, "
                               "id DESC LIMIT ? OFFSET ?",
                               {now, page_size, (out.page - 1) * page_size}));
        for (const auto& r : rows)
            out.items.push_back({r.Str(0), r.Str(1), r.Str(2), r.Bool(3), r.Int(4)});
        return out;
    });
}

}  // namespace ps::content
