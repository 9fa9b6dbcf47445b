// libFuzzer target for ParseBody. The first input byte picks the Content-Type (JSON, multipart
// with the fixed boundary "XyZ", form-urlencoded, others, or a Content-Type read from the input
// itself up to its first newline); the rest is the body. Besides "no crash, no sanitizer
// report" it checks the error slugs, that all text is UTF-8, and that JSON and form bodies
// re-encode to a body that parses back to the same fields.
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cmath>
#include <limits>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>

#include "http/body.hpp"

namespace {

namespace json = boost::json;
using ps::http::IsValidUtf8;

enum class Kind { kJson, kMultipart, kForm, kOther, kAny };

struct Mode {
    std::string_view content_type;
    Kind kind;
};

constexpr Mode kModes[] = {
    {"application/json", Kind::kJson},
    {"Application/JSON; charset=utf-8", Kind::kJson},
    {"multipart/form-data; boundary=XyZ", Kind::kMultipart},
    {"multipart/form-data; charset=utf-8; boundary=\"XyZ\"", Kind::kMultipart},
    {"application/x-www-form-urlencoded", Kind::kForm},
    {"application/x-www-form-urlencoded;charset=UTF-8", Kind::kForm},
    {"text/plain", Kind::kOther},
    {"", Kind::kOther},
    {"", Kind::kAny},  // Content-Type taken from the input
};

void Check(bool condition) {
    if (!condition) std::abort();
}

void CheckUtf8(const json::value& v) {
    if (v.is_string()) Check(IsValidUtf8(v.as_string()));
    if (v.is_array()) {
        for (const json::value& item : v.as_array()) CheckUtf8(item);
    }
    if (v.is_object()) {
        for (const auto& kv : v.as_object()) {
            Check(IsValidUtf8(kv.key()));
            CheckUtf8(kv.value());
        }
    }
}

std::string FormEscape(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

std::string FormEncode(const json::object& fields) {
    std::string out;
    for (const auto& kv : fields) {
        json::array single{kv.value()};
        const json::array& values = kv.value().is_array() ? kv.value().as_array() : single;
        for (const json::value& v : values) {
            if (!out.empty()) out += '&';
            out += FormEscape(kv.key()) + "=" + FormEscape(v.as_string());
        }
    }
    return out;
}

std::string_view ExpectedSlug(Kind kind) {
    switch (kind) {
        case Kind::kJson: return "invalid_json";
        case Kind::kMultipart: return "invalid_multipart";
        case Kind::kForm: return "invalid_form";
        case Kind::kOther: return "unsupported_media_type";
        case Kind::kAny: break;
    }
    return "";
}

// Equal, but for doubles within a few ulps: Boost.JSON (1.81) reads a number literal with more
// digits than a double holds (an integer beyond 64 bits, say) to a nearby double, not always
// the nearest, so its shortest re-encoding may read back one ulp away.
bool Same(const json::value& a, const json::value& b) {
    if (a.is_double() && b.is_double())
        return a == b || std::fabs(a.as_double() - b.as_double()) <=
                             4 * std::numeric_limits<double>::epsilon() * std::fabs(a.as_double());
    if (a.is_array() && b.is_array()) {
        const auto &x = a.as_array(), &y = b.as_array();
        if (x.size() != y.size()) return false;
        for (size_t i = 0; i < x.size(); ++i)
            if (!Same(x[i], y[i])) return false;
        return true;
    }
    if (a.is_object() && b.is_object()) {
        const auto &x = a.as_object(), &y = b.as_object();
        if (x.size() != y.size()) return false;
        for (const auto& kv : x) {
            const json::value* other = y.if_contains(kv.key());
            if (!other || !Same(kv.value(), *other)) return false;
        }
        return true;
    }
    return a == b;
}

void CheckRoundTrip(Kind kind, const ps::http::Body& body) {
    if (kind == Kind::kJson) {
        auto again = ps::http::ParseBody("application/json", json::serialize(body.fields));
        Check(again.ok() && Same(again->fields, body.fields));
    } else if (kind == Kind::kForm) {
        auto again = ps::http::ParseFormUrlEncoded(FormEncode(body.fields));
        Check(again.ok() && again->fields == body.fields);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const Mode& mode = kModes[data[0] % std::size(kModes)];
    std::string_view content_type = mode.content_type;
    std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (mode.kind == Kind::kAny) {
        size_t nl = body.find('\n');
        content_type = body.substr(0, nl);
        body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    }
    auto parsed = ps::http::ParseBody(content_type, body);
    if (!parsed.ok()) {
        const ps::Error& e = parsed.error();
        Check(!body.empty());
        Check((e.code == ps::ErrorCode::kUnsupportedMedia) == (e.slug == "unsupported_media_type"));
        Check(mode.kind == Kind::kAny || e.slug == ExpectedSlug(mode.kind));
        return 0;
    }
    Check(mode.kind != Kind::kOther || body.empty());
    CheckUtf8(parsed->fields);
    for (const auto& f : parsed->files) Check(!f.filename.empty() && IsValidUtf8(f.filename));
    CheckRoundTrip(mode.kind, *parsed);
    return 0;
}
