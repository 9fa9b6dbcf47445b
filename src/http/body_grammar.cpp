#include "http/body_grammar.hpp"

namespace ps::http::grammar {

namespace json = boost::json;

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = LowerAscii(c);
    return out;
}

std::string_view TrimOws(std::string_view s) {
    while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
    return s;
}

bool IsTokenChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool ReadParamValue(std::string_view s, size_t& i, std::string& value) {
    value.clear();
    if (i < s.size() && s[i] == '"') {
        for (++i; i < s.size(); ++i) {
            if (s[i] == '"') {
                ++i;
                return true;
            }
            if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
            value += s[i];
        }
        return false;  // unterminated
    }
    while (i < s.size() && s[i] != ';' && s[i] != '"' && !IsOws(s[i])) value += s[i++];
    return !value.empty();
}

bool ParseParams(std::string_view s, Params& out) {
    size_t i = 0;
    while (true) {
        while (i < s.size() && IsOws(s[i])) ++i;
        if (i == s.size()) return true;
        if (s[i] != ';') return false;
        ++i;
        while (i < s.size() && IsOws(s[i])) ++i;
        if (i == s.size() || s[i] == ';') continue;
        size_t start = i;
        while (i < s.size() && IsTokenChar(s[i])) ++i;
        if (i == start || i == s.size() || s[i] != '=') return false;
        std::string name = Lower(s.substr(start, i - start));
        std::string value;
        ++i;
        if (!ReadParamValue(s, i, value)) return false;
        out.emplace_back(std::move(name), std::move(value));
    }
}

void AppendField(json::object& fields, std::string_view key, std::string_view value) {
    auto it = fields.find(key);
    if (it == fields.end()) {
        fields.emplace(key, value);
        return;
    }
    json::value& slot = it->value();
    if (!slot.is_array()) {
        json::array values;
        values.emplace_back(std::move(slot));
        slot = std::move(values);
    }
    slot.as_array().emplace_back(value);
}

}  // namespace ps::http::grammar
