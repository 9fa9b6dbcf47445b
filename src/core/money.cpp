#include "core/money.hpp"

#include <cstdlib>

namespace ps {

std::string FormatDecimal(Money m) {
    int64_t v = m.paisa;
    bool neg = v < 0;
    uint64_t a = neg ? -static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    std::string frac = std::to_string(a % 100);
    if (frac.size() < 2) frac.insert(0, "0");
    return (neg ? "-" : "") + std::to_string(a / 100) + "." + frac;
}

std::string FormatDisplay(Money m) {
    std::string dec = FormatDecimal(m);
    bool neg = !dec.empty() && dec[0] == '-';
    if (neg) dec.erase(0, 1);
    auto dot = dec.find('.');
    std::string whole = dec.substr(0, dot);
    std::string grouped;
    for (size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
        grouped += whole[i];
    }
    return std::string("NPR ") + (neg ? "-" : "") + grouped + dec.substr(dot);
}

double AsNumber(Money m) { return static_cast<double>(m.paisa) / 100.0; }

std::optional<Money> ParseDecimal(std::string_view s, bool allow_negative) {
    bool neg = false;
    if (!s.empty() && s[0] == '-') {
        if (!allow_negative) return std::nullopt;
        neg = true;
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 20) return std::nullopt;
    int64_t whole = 0, frac = 0;
    size_t i = 0, digits = 0;
    for (; i < s.size() && s[i] != '.'; ++i, ++digits) {
        if (s[i] < '0' || s[i] > '9' || digits >= 13) return std::nullopt;
        whole = whole * 10 + (s[i] - '0');
    }
    if (digits == 0) return std::nullopt;
    if (i < s.size()) {
        ++i;
        size_t fd = 0;
        for (; i < s.size(); ++i, ++fd) {
            if (s[i] < '0' || s[i] > '9' || fd >= 2) return std::nullopt;
            frac = frac * 10 + (s[i] - '0');
        }
        if (fd == 0) return std::nullopt;
        if (fd == 1) frac *= 10;
    }
    int64_t p = whole * 100 + frac;
    return Money{neg ? -p : p};
}

}  // namespace ps
