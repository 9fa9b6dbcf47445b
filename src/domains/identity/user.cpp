#include "domains/identity/user.hpp"

#include <cctype>

namespace ps::identity {

Result<Identifier> ParseIdentifier(std::string_view raw) {
    // Phone numbers may be written with spaces and dashes; emails keep every character.
    const bool email = raw.find('@') != std::string_view::npos;
    std::string s;
    for (char c : raw)
        if (c != ' ' && c != '\t' && (email || c != '-')) s += c;
    auto bad = [] {
        return FieldError("identifier", "Enter a valid email address or Nepal mobile number.");
    };
    if (s.empty() || s.size() > 254) return bad();
    if (s.find('@') != std::string::npos) {
        auto at = s.find('@');
        std::string domain = s.substr(at + 1);
        if (at == 0 || s.find('@', at + 1) != std::string::npos || domain.find('.') == std::string::npos ||
            domain.front() == '.' || domain.back() == '.')
            return bad();
        for (char& c : s) {
            unsigned char u = static_cast<unsigned char>(c);
            if (u < 0x21 || u > 0x7e || c == ',' || c == ';' || c == '<' || c == '>') return bad();
            c = static_cast<char>(std::tolower(u));
        }
        return Identifier{s, true};
    }
    if (s[0] == '+') s.erase(0, 1);
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return bad();
    if (s.size() == 13 && s.rfind("977", 0) == 0) s.erase(0, 3);
    if (s.size() != 10 || (s.rfind("98", 0) != 0 && s.rfind("97", 0) != 0)) return bad();
    return Identifier{s, false};
}

bool ValidUsername(std::string_view s) {
    if (s.size() < 3 || s.size() > 150) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '@' &&
            c != '+' && c != '-')
            return false;
    return true;
}

}  // namespace ps::identity
