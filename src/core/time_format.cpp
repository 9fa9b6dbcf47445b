#include "core/time_format.hpp"

#include <atomic>
#include <charconv>
#include <cstdio>

namespace ps {

namespace {

std::atomic<int> g_offset_minutes{345};

// Howard Hinnant's civil-from-days / days-from-civil algorithms.
void CivilFromDays(int64_t z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yy + (m <= 2));
}

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string Format(Micros t, int offset_min, const char* suffix) {
    Micros local = t + static_cast<Micros>(offset_min) * kMinute;
    int64_t secs = local >= 0 ? local / kSecond : (local - kSecond + 1) / kSecond;
    int64_t micros = local - secs * kSecond;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t sod = secs - days * 86400;
    int y;
    unsigned m, d;
    CivilFromDays(days, y, m, d);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", y, m, d,
                          static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                          static_cast<int>(sod % 60));
    std::string s(buf, n);
    if (micros) {
        std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(micros));
        s += buf;
    }
    if (suffix) return s + suffix;
    int a = offset_min < 0 ? -offset_min : offset_min;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60, a % 60);
    return s + buf;
}

bool Num(std::string_view s, size_t pos, size_t len, int& out) {
    if (pos + len > s.size()) return false;
    for (size_t i = pos; i < pos + len; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return true;
}

bool ValidDate(int y, int m, int d) {
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

}  // namespace

void SetDisplayOffsetMinutes(int minutes) { g_offset_minutes = minutes; }
int DisplayOffsetMinutes() { return g_offset_minutes; }

std::string FormatDt(Micros t) { return Format(t, g_offset_minutes, nullptr); }
std::string FormatDtZ(Micros t) { return Format(t, 0, "Z"); }
std::string FormatDtU(Micros t) { return Format(t, 0, "+00:00"); }
std::string FormatDate(Micros t) { return FormatDt(t).substr(0, 10); }

std::optional<Micros> ParseDate(std::string_view s) {
    int y, m, d;
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Num(s, 0, 4, y) || !Num(s, 5, 2, m) ||
        !Num(s, 8, 2, d) || !ValidDate(y, m, d))
        return std::nullopt;
    return DaysFromCivil(y, m, d) * kDay;
}

std::optional<Micros> ParseDateTime(std::string_view s) {
    auto date = ParseDate(s.substr(0, std::min<size_t>(10, s.size())));
    if (!date) return std::nullopt;
    if (s.size() == 10) return date;
    int hh, mm, ss = 0;
    if ((s[10] != 'T' && s[10] != ' ') || !Num(s, 11, 2, hh) || s.size() < 16 || s[13] != ':' ||
        !Num(s, 14, 2, mm) || hh > 23 || mm > 59)
        return std::nullopt;
    size_t p = 16;
    if (p < s.size() && s[p] == ':') {
        if (!Num(s, p + 1, 2, ss) || ss > 59) return std::nullopt;
        p += 3;
    }
    Micros frac = 0;
    if (p < s.size() && s[p] == '.') {
        ++p;
        int digits = 0;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
            if (digits < 6) frac = frac * 10 + (s[p] - '0'), ++digits;
            ++p;
        }
        if (digits == 0) return std::nullopt;
        while (digits++ < 6) frac *= 10;
    }
    Micros t = *date + hh * kHour + mm * kMinute + ss * kSecond + frac;
    if (p == s.size()) return t;  // no offset: UTC
    if (s[p] == 'Z' && p + 1 == s.size()) return t;
    int oh, om;
    if ((s[p] == '+' || s[p] == '-') && s.size() == p + 6 && Num(s, p + 1, 2, oh) &&
        s[p + 3] == ':' && Num(s, p + 4, 2, om) && oh < 24 && om < 60) {
        Micros off = oh * kHour + om * kMinute;
        return s[p] == '+' ? t - off : t + off;
    }
    return std::nullopt;
}

}  // namespace ps
