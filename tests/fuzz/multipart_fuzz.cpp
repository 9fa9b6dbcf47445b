// libFuzzer target for ParseMultipart with the fixed boundary "XyZ" and the input as the body.
// Beyond "no crash, no sanitizer report" it checks the output's invariants (text is UTF-8, a
// field is a string or an array of at least two strings, files have a filename) and that a
// parsed body, re-encoded in canonical CRLF form, parses back to the same fields and files.
#include <boost/json/array.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "http/body.hpp"

namespace {

namespace json = boost::json;
using ps::http::Body;
using ps::http::IsValidUtf8;

void Check(bool condition) {
    if (!condition) std::abort();
}

std::string Quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

void CheckInvariants(const Body& body) {
    for (const auto& kv : body.fields) {
        Check(!kv.key().empty() && IsValidUtf8(kv.key()));
        const json::value& v = kv.value();
        if (v.is_array()) {
            Check(v.as_array().size() >= 2);
            for (const json::value& item : v.as_array()) {
                Check(item.is_string() && IsValidUtf8(item.as_string()));
            }
        } else {
            Check(v.is_string() && IsValidUtf8(v.as_string()));
        }
    }
    for (const auto& f : body.files) {
        Check(!f.field.empty() && !f.filename.empty());
        Check(IsValidUtf8(f.field) && IsValidUtf8(f.filename) && IsValidUtf8(f.content_type));
    }
}

// One canonical part; nullopt when its header block would pass the parser's 8 KiB limit.
std::optional<std::string> EncodePart(std::string headers, std::string_view data) {
    if (headers.size() + 4 > 8 * 1024) return std::nullopt;
    return "--XyZ\r\n" + headers + "\r\n\r\n" + std::string(data) + "\r\n";
}

std::optional<std::string> Encode(const Body& body) {
    std::string out;
    for (const auto& kv : body.fields) {
        std::string headers = "Content-Disposition: form-data; name=" + Quoted(kv.key());
        json::array single{kv.value()};
        const json::array& values = kv.value().is_array() ? kv.value().as_array() : single;
        for (const json::value& v : values) {
            auto part = EncodePart(headers, v.as_string());
            if (!part) return std::nullopt;
            out += *part;
        }
    }
    for (const auto& f : body.files) {
        std::string headers = "Content-Disposition: form-data; name=" + Quoted(f.field) +
                              "; filename=" + Quoted(f.filename);
        if (!f.content_type.empty()) headers += "\r\nContent-Type: " + f.content_type;
        auto part = EncodePart(headers, f.data);
        if (!part) return std::nullopt;
        out += *part;
    }
    return out + "--XyZ--\r\n";
}

bool SameFiles(const Body& a, const Body& b) {
    if (a.files.size() != b.files.size()) return false;
    for (size_t i = 0; i < a.files.size(); ++i) {
        const auto &x = a.files[i], &y = b.files[i];
        if (x.field != y.field || x.filename != y.filename || x.content_type != y.content_type ||
            x.data != y.data) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto parsed = ps::http::ParseMultipart("XyZ", input);
    if (!parsed.ok()) {
        Check(parsed.error().slug == "invalid_multipart");
        Check(parsed.error().code == ps::ErrorCode::kInvalidArgument);
        return 0;
    }
    CheckInvariants(*parsed);
    std::optional<std::string> encoded = Encode(*parsed);
    if (!encoded) return 0;
    auto again = ps::http::ParseMultipart("XyZ", *encoded);
    Check(again.ok());
    Check(again->fields == parsed->fields);
    Check(SameFiles(*again, *parsed));
    return 0;
}
