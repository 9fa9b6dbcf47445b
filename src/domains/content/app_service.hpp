// App content for the mobile clients: the country list (dial codes), the forced-update check over
// recorded app versions, and the "what's new" list of app updates. Versions compare numerically
// part by part ("1.10.0" > "1.9.9"); a version is 1 to 4 dot-separated numeric parts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"

namespace ps::content {

// "1", "1.2", "1.2.3" or "1.2.3.4", each part 1..9 digits; nullopt for anything else.
std::optional<std::vector<int64_t>> ParseVersion(std::string_view s);
// <0, 0, >0 like strcmp; missing trailing parts count as 0 ("1.2" == "1.2.0").
int CompareVersions(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

struct Country {
    std::string id, name, code, dial_code;
    std::optional<std::string> flag_url;
};

struct VersionCheck {
    bool update_available = false;
    bool is_mandatory = false;
    std::string latest_version;
    std::optional<std::string> download_url, release_notes;
    std::string current_version;
};

struct AppUpdate {
    std::string id, version, title;
    bool is_major = false;
    Micros released_at = 0;
};

struct UpdatePage {
    std::vector<AppUpdate> items;
    int64_t total = 0;
    int64_t page = 1;  // the page served (clamped to the last page)
};

class AppService {
public:
    AppService(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

    // Active countries ordered by name.
    Result<std::vector<Country>> Countries();
    // platform: android | ios; current: a valid version (the caller validated both).
    Result<VersionCheck> CheckVersion(std::string_view platform, std::string_view current);
    // Newest first; page is clamped to the last page.
    Result<UpdatePage> Updates(int64_t page, int64_t page_size);

private:
    db::Database& db_;
    const Clock& clock_;
};

}  // namespace ps::content
