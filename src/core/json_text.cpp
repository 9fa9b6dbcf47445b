#include "core/json_text.hpp"

#include "core/time_format.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>

namespace ps {

namespace json = boost::json;

namespace {

void Write(const json::value& v, std::string& out) {
    switch (v.kind()) {
        case json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first) out += ',';
                first = false;
                out += json::serialize(json::string_view(kv.key()));
                out += ':';
                Write(kv.value(), out);
            }
            out += '}';
            return;
        }
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v.get_array()) {
                if (!first) out += ',';
                first = false;
                Write(e, out);
            }
            out += ']';
            return;
        }
        case json::kind::double_: {
            double d = v.get_double();
            if (!std::isfinite(d)) {
                out += "null";
                return;
            }
            char buf[64];
            auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
            std::string_view s(buf, r.ptr - buf);
            if (s.size() > 24) s = std::string_view(buf, std::to_chars(buf, buf + sizeof buf, d).ptr - buf);
            out += s;
            if (s.find_first_of(".eE") == std::string_view::npos) out += ".0";
            return;
        }
        default:
            out += json::serialize(v);
    }
}

}  // namespace

std::string ToJsonText(const json::value& v) {
    std::string out;
    out.reserve(256);
    Write(v, out);
    return out;
}

boost::json::value OptJson(const std::optional<std::string>& s) {
    return s ? boost::json::value(*s) : boost::json::value(nullptr);
}

boost::json::value OptDt(const std::optional<Micros>& t) {
    return t ? boost::json::value(FormatDt(*t)) : boost::json::value(nullptr);
}

std::string StringListJson(const std::vector<std::string>& list) {
    json::array a;
    for (const auto& s : list) a.emplace_back(json::string(s));
    return json::serialize(a);
}

std::vector<std::string> ParseStringList(std::string_view text) {
    std::vector<std::string> out;
    json::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_array()) return out;
    for (const auto& e : v.as_array())
        if (e.is_string()) out.emplace_back(e.as_string());
    return out;
}

}  // namespace ps
