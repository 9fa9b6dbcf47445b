// Request-body parsing entry point: dispatch on the Content-Type header, the JSON and
// application/x-www-form-urlencoded parsers, and the UTF-8 / percent-decoding primitives that
// multipart.cpp shares. Multipart itself lives in multipart.cpp.
#include "http/body.hpp"

#include "http/body_grammar.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace ps::http {

namespace json = boost::json;

namespace {

using namespace grammar;  // NOLINT: the shared grammar helpers

constexpr size_t kMaxJsonDepth = 32;
constexpr size_t kMaxFormFields = 1000;


Error InvalidJson(std::string msg) { return InvalidArgument("invalid_json", std::move(msg)); }
Error InvalidForm(std::string msg) { return InvalidArgument("invalid_form", std::move(msg)); }
Error InvalidMultipart(std::string msg) {
    return InvalidArgument("invalid_multipart", std::move(msg));
}

// Length of the UTF-8 sequence that starts with `lead` (0 if no sequence may start with it) and
// the allowed range of its second byte, which is what excludes overlongs, surrogates and
// code points above U+10FFFF.
size_t SequenceShape(unsigned char lead, unsigned char& lo, unsigned char& hi) {
    lo = 0x80;
    hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (lead == 0xE0) lo = 0xA0;  // overlong
        if (lead == 0xED) hi = 0x9F;  // UTF-16 surrogates
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (lead == 0xF0) lo = 0x90;  // overlong
        if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
        return 4;
    }
    return 0;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}







// The boundary parameter of a multipart Content-Type: present exactly once, well formed.
Result<std::string> BoundaryParam(std::string_view params) {
    Params parsed;
    if (!ParseParams(params, parsed)) return InvalidMultipart("Malformed Content-Type parameters.");
    std::string boundary;
    int seen = 0;
    for (auto& [name, value] : parsed) {
        if (name != "boundary") continue;
        boundary = std::move(value);
        ++seen;
    }
    if (seen != 1) return InvalidMultipart("Multipart form parse error - Invalid boundary.");
    return boundary;
}

// Boost.JSON reads an out-of-range number such as 1e400 as an infinite double, which would
// serialize as the non-JSON "Infinity". Depth is already bounded by the parser.
bool AllFinite(const json::value& v) {
    if (v.is_double()) return std::isfinite(v.get_double());
    if (v.is_array()) {
        for (const json::value& item : v.get_array()) {
            if (!AllFinite(item)) return false;
        }
    }
    if (v.is_object()) {
        for (const auto& kv : v.get_object()) {
            if (!AllFinite(kv.value())) return false;
        }
    }
    return true;
}

Result<Body> ParseJson(std::string_view body) {
    json::parse_options opts;
    opts.max_depth = kMaxJsonDepth;
    opts.allow_invalid_utf8 = false;
    json::error_code ec;
    json::value v = json::parse(body, ec, json::storage_ptr(), opts);
    if (ec) return InvalidJson("JSON parse error - " + ec.message());
    if (!v.is_object()) return InvalidJson("JSON parse error - the body must be a JSON object.");
    if (!AllFinite(v)) return InvalidJson("JSON parse error - number out of range.");
    Body out;
    out.fields = std::move(v.as_object());
    return out;
}

Error UnsupportedMedia(std::string_view media) {
    bool printable = media.size() <= 100;
    for (char c : media) printable = printable && c >= 0x20 && c < 0x7F;
    std::string shown = printable ? std::string(media) : std::string("(unprintable)");
    return {ErrorCode::kUnsupportedMedia, "unsupported_media_type",
            "Unsupported media type \"" + shown + "\" in request."};
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto lead = static_cast<unsigned char>(s[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        unsigned char lo, hi;
        size_t len = SequenceShape(lead, lo, hi);
        if (len == 0 || s.size() - i < len) return false;
        auto second = static_cast<unsigned char>(s[i + 1]);
        if (second < lo || second > hi) return false;
        for (size_t k = 2; k < len; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += len;
    }
    return true;
}

bool PercentDecode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out += ' ';
        } else if (in[i] != '%') {
            out += in[i];
        } else {
            if (in.size() - i < 3) return false;
            int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        }
    }
    return true;
}

Result<Body> ParseFormUrlEncoded(std::string_view body) {
    Body out;
    std::string key, value;
    size_t count = 0;
    while (!body.empty()) {
        size_t amp = body.find('&');
        std::string_view pair = body.substr(0, amp);
        body.remove_prefix(amp == std::string_view::npos ? body.size() : amp + 1);
        if (pair.empty()) continue;  // "a=1&&b=2", a trailing '&'
        if (++count > kMaxFormFields) return InvalidForm("Too many form fields.");
        size_t eq = pair.find('=');
        std::string_view raw_value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
        if (!PercentDecode(pair.substr(0, eq), key) || !PercentDecode(raw_value, value)) {
            return InvalidForm("Form parse error - bad percent escape.");
        }
        if (key.empty()) return InvalidForm("Form parse error - empty field name.");
        if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
            return InvalidForm("Form parse error - text is not valid UTF-8.");
        }
        AppendField(out.fields, key, value);
    }
    return out;
}

Result<Body> ParseBody(std::string_view content_type, std::string_view body) {
    if (body.empty()) return Body{};  // no body, whatever the type: nothing to parse
    size_t semi = content_type.find(';');
    std::string media = Lower(TrimOws(content_type.substr(0, semi)));
    std::string_view params =
        semi == std::string_view::npos ? std::string_view() : content_type.substr(semi);
    if (media == "application/json") return ParseJson(body);
    if (media == "application/x-www-form-urlencoded") return ParseFormUrlEncoded(body);
    if (media == "multipart/form-data") {
        ASSIGN_OR_RETURN(std::string boundary, BoundaryParam(params));
        return ParseMultipart(boundary, body);
    }
    return UnsupportedMedia(media);
}

}  // namespace ps::http
