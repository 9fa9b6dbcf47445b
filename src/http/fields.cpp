#include "http/fields.hpp"

#include <boost/json/parse.hpp>
#include <charconv>

#include "http/body.hpp"

namespace ps::http {

namespace json = boost::json;

bool Fields::Has(std::string_view key) const { return o_.contains(key); }

void Fields::AddError(std::string_view key, std::string_view msg) {
    errors_.emplace_back(std::string(key), std::string(msg));
}

const json::value* Fields::Get(std::string_view key, bool required) {
    auto it = o_.find(key);
    if (it == o_.end() || (it->value().is_string() && it->value().as_string().empty() && required)) {
        if (required) AddError(key, "This field is required.");
        return nullptr;
    }
    if (it->value().is_null()) {
        if (required) AddError(key, "This field may not be null.");
        return nullptr;
    }
    if (it->value().is_array()) {
        // A repeated multipart key where one value was expected: take none, report it.
        const auto& a = it->value().as_array();
        if (a.size() != 1) {
            AddError(key, "Expected a single value.");
            return nullptr;
        }
        return &a[0];
    }
    return &it->value();
}

std::optional<std::string> Fields::Str(std::string_view key, bool required, size_t max_len,
                                       size_t min_len) {
    const json::value* v = Get(key, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
        AddError(key, "Not a valid string.");
        return std::nullopt;
    }
    std::string s(v->as_string());
    if (s.find('\0') != std::string::npos) {
        AddError(key, "Null characters are not allowed.");
        return std::nullopt;
    }
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
    if (s.size() < min_len) {
        AddError(key, required ? "This field may not be blank." : "Ensure this field is not blank.");
        return std::nullopt;
    }
    if (s.size() > max_len) {
        AddError(key, "Ensure this field has no more than " + std::to_string(max_len) + " characters.");
        return std::nullopt;
    }
    return s;
}

std::optional<int64_t> Fields::Int(std::string_view key, bool required, int64_t min, int64_t max) {
    const json::value* v = Get(key, required);
    if (!v) return std::nullopt;
    int64_t x = 0;
    bool ok = false;
    if (v->is_int64()) x = v->as_int64(), ok = true;
    else if (v->is_uint64() && v->as_uint64() <= INT64_MAX) x = static_cast<int64_t>(v->as_uint64()), ok = true;
    else if (v->is_string()) {
        std::string_view s = v->as_string();
        auto r = std::from_chars(s.data(), s.data() + s.size(), x);
        ok = !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
    }
    if (!ok) {
        AddError(key, "A valid integer is required.");
        return std::nullopt;
    }
    if (x < min || x > max) {
        AddError(key, "Ensure this value is between " + std::to_string(min) + " and " +
                          std::to_string(max) + ".");
        return std::nullopt;
    }
    return x;
}

std::optional<bool> Fields::Bool(std::string_view key, bool required) {
    const json::value* v = Get(key, required);
    if (!v) return std::nullopt;
    if (v->is_bool()) return v->as_bool();
    if (v->is_string()) {
        std::string_view s = v->as_string();
        if (s == "true" || s == "True" || s == "1") return true;
        if (s == "false" || s == "False" || s == "0") return false;
    }
    if (v->is_int64() && (v->as_int64() == 0 || v->as_int64() == 1)) return v->as_int64() == 1;
    AddError(key, "Must be a valid boolean.");
    return std::nullopt;
}

std::optional<Money> Fields::Amount(std::string_view key, bool required, Money min, Money max) {
    const json::value* v = Get(key, required);
    if (!v) return std::nullopt;
    std::optional<Money> m;
    if (v->is_string()) m = ParseDecimal(v->as_string(), true);
    else if (v->is_int64()) {
        int64_t x = v->as_int64();
        if (x > -10'000'000'000 && x < 10'000'000'000) m = Money{x * 100};
    } else if (v->is_double()) {
        // Only values with at most two decimals are accepted: re-parse the shortest rendering.
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, v->as_double(), std::chars_format::fixed);
        std::string_view s(buf, r.ptr - buf);
        if (r.ec == std::errc()) m = ParseDecimal(s, true);
    }
    if (!m) {
        AddError(key, "A valid amount with at most 2 decimal places is required.");
        return std::nullopt;
    }
    if (*m < min || *m > max) {
        AddError(key, "Ensure this value is between " + FormatDecimal(min) + " and " +
                          FormatDecimal(max) + ".");
        return std::nullopt;
    }
    return m;
}

std::optional<std::string> Fields::Enum(std::string_view key, bool required,
                                        std::initializer_list<std::string_view> allowed) {
    auto s = Str(key, required, 64);
    if (!s) return std::nullopt;
    for (auto a : allowed)
        if (*s == a) return s;
    AddError(key, "\"" + *s + "\" is not a valid choice.");
    return std::nullopt;
}

std::optional<std::vector<std::string>> Fields::List(std::string_view key, bool required) {
    auto it = o_.find(key);
    if (it == o_.end()) {
        if (required) AddError(key, "This field is required.");
        return std::nullopt;
    }
    json::value v = it->value();
    if (v.is_string()) {
        std::string_view s = v.as_string();
        if (!s.empty() && s.front() == '[') {
            json::error_code ec;
            v = json::parse(s, ec);
            if (ec) {
                AddError(key, "Not a valid list.");
                return std::nullopt;
            }
        } else {
            return std::vector<std::string>{std::string(s)};
        }
    }
    if (!v.is_array()) {
        AddError(key, "Expected a list of items.");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& e : v.as_array()) {
        if (e.is_string() && std::string_view(e.as_string()).find('\0') == std::string_view::npos)
            out.emplace_back(e.as_string());
        else if (e.is_int64()) out.push_back(std::to_string(e.as_int64()));
        else {
            AddError(key, "Expected a list of strings.");
            return std::nullopt;
        }
    }
    return out;
}

std::optional<json::object> Fields::Object(std::string_view key, bool required) {
    const json::value* v = Get(key, required);
    if (!v) return std::nullopt;
    if (v->is_object()) return v->as_object();
    if (v->is_string()) {
        json::error_code ec;
        auto parsed = json::parse(v->as_string(), ec);
        if (!ec && parsed.is_object()) return parsed.as_object();
    }
    AddError(key, "Expected a JSON object.");
    return std::nullopt;
}

void Fields::OnlyKnown(std::initializer_list<std::string_view> allowed) {
    for (const auto& kv : o_) {
        bool known = false;
        for (auto a : allowed) known = known || kv.key() == a;
        if (!known) AddError(kv.key(), "Unknown field.");
    }
}

Status Fields::Finish() const {
    if (errors_.empty()) return Ok{};
    Error e = FieldError(errors_.front().first, errors_.front().second);
    json::object all;
    for (const auto& [k, m] : errors_) {
        auto& arr = all[k];
        if (!arr.is_array()) arr = json::array();
        arr.as_array().emplace_back(json::string(m));
    }
    e.context["validation_errors"] = std::move(all);
    return e;
}

bool LooksLikeUrl(std::string_view s) {
    return s.starts_with("http://") || s.starts_with("https://") || s.starts_with("/media/");
}

}  // namespace ps::http
