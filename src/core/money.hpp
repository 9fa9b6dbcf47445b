// Money: NPR held as integer paisa (1 NPR = 100 paisa). Never a float on the way in or out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ps {

struct Money {
    int64_t paisa = 0;
    friend auto operator<=>(const Money&, const Money&) = default;
    Money operator+(Money o) const { return {paisa + o.paisa}; }
    Money operator-(Money o) const { return {paisa - o.paisa}; }
};

// "50.00" (two decimals, no grouping); negative values get a leading '-'.
std::string FormatDecimal(Money m);
// "NPR 1,234.50"
std::string FormatDisplay(Money m);
// A JSON-number rendering, as the reference's float() fields: 50.0 / 42.5.
double AsNumber(Money m);
// Parses "50", "50.5", "50.50" (at most 2 decimals, no exponent, no sign unless allow_negative).
// Returns nullopt for anything else, including amounts beyond 10^12 NPR.
std::optional<Money> ParseDecimal(std::string_view text, bool allow_negative = false);

}  // namespace ps
