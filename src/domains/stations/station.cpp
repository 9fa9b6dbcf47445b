#include "domains/stations/station.hpp"

#include <cstdio>
#include <initializer_list>

namespace ps::stations {

namespace {
bool OneOf(std::string_view s, std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
        if (s == a) return true;
    return false;
}
bool IsHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int TwoDigits(std::string_view s, size_t at) {
    if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9')
        return -1;
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
}
}  // namespace

bool IsStationStatus(std::string_view s) { return OneOf(s, {"ONLINE", "OFFLINE", "MAINTENANCE"}); }
bool IsSlotStatus(std::string_view s) {
    return OneOf(s, {"AVAILABLE", "OCCUPIED", "MAINTENANCE", "ERROR"});
}
bool IsBankStatus(std::string_view s) {
    return OneOf(s, {"AVAILABLE", "RENTED", "MAINTENANCE", "DAMAGED", "LOST"});
}
bool IsMediaType(std::string_view s) {
    return OneOf(s, {"IMAGE", "VIDEO", "360_VIEW", "FLOOR_PLAN"});
}
bool IsIssueType(std::string_view s) {
    return OneOf(s,
                 {"OFFLINE", "DAMAGED", "DIRTY", "LOCATION_WRONG", "SLOT_ERROR", "AMENITY_ISSUE"});
}
bool IsIssuePriority(std::string_view s) { return OneOf(s, {"LOW", "MEDIUM", "HIGH", "CRITICAL"}); }
bool IsIssueStatus(std::string_view s) {
    return OneOf(s, {"REPORTED", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED"});
}

bool LooksLikeUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
    }
    return true;
}

std::optional<std::string> NormalizeTime(std::string_view s) {
    if (s.size() != 5 && s.size() != 8) return std::nullopt;
    int h = TwoDigits(s, 0), m = TwoDigits(s, 3), sec = 0;
    if (s[2] != ':' || h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
    if (s.size() == 8) {
        sec = TwoDigits(s, 6);
        if (s[5] != ':' || sec < 0 || sec > 59) return std::nullopt;
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", h, m, sec);
    return std::string(buf);
}

}  // namespace ps::stations
