// multipart/form-data (RFC 7578 on RFC 2046 framing): splits the body on its boundary, reads each
// part's headers (Content-Disposition with name and optional filename, optional Content-Type)
// and maps text parts to `fields`, parts with a filename to `files`. Lines end in CRLF; a body
// whose first boundary line ends in a bare LF is read with bare LF throughout (never mixed).
// Limits: 1000 parts, 8 KiB of headers per part. Every failure is "invalid_multipart".
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/body.hpp"
#include "http/body_grammar.hpp"

namespace ps::http {

namespace json = boost::json;

namespace {

using namespace grammar;  // NOLINT: the shared grammar helpers

constexpr size_t kMaxParts = 1000;
constexpr size_t kMaxHeaderBlock = 8 * 1024;  // a part's header lines and the blank line
constexpr size_t kMaxBoundary = 70;           // RFC 2046 §5.1.1


struct Part {
    std::string name;
    std::optional<std::string> filename;
    std::string content_type;  // empty when the part has no Content-Type
    bool has_disposition = false;
    bool has_type = false;
};

Error Invalid(const std::string& msg) {
    return InvalidArgument("invalid_multipart", "Multipart form parse error - " + msg);
}

// bchars of RFC 2046: digits, letters and '()+_,-./:=? and space (never last).
bool IsValidBoundary(std::string_view b) {
    if (b.empty() || b.size() > kMaxBoundary || b.back() == ' ') return false;
    for (char c : b) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && std::string_view("'()+_,-./:=? ").find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}




bool IsToken(std::string_view s) {
    for (char c : s) {
        if (!IsTokenChar(c)) return false;
    }
    return !s.empty();
}

// A header field value: text, spaces and tabs; no other control characters; valid UTF-8.
bool IsFieldValue(std::string_view v) {
    for (char c : v) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7F) return false;
    }
    return IsValidUtf8(v);
}



// "form-data; name=...; filename=..."; other parameters (filename* included, which RFC 7578
// forbids senders to use) are ignored.
Status ParseDisposition(std::string_view value, Part& part) {
    size_t semi = value.find(';');
    if (Lower(TrimOws(value.substr(0, semi))) != "form-data") {
        return Invalid("part is not form-data.");
    }
    Params params;
    if (!ParseParams(semi == std::string_view::npos ? "" : value.substr(semi), params)) {
        return Invalid("malformed Content-Disposition.");
    }
    bool has_name = false;
    for (auto& [key, val] : params) {
        if (key == "name") {
            if (has_name) return Invalid("duplicate name parameter.");
            has_name = true;
            part.name = std::move(val);
        } else if (key == "filename") {
            if (part.filename) return Invalid("duplicate filename parameter.");
            part.filename = std::move(val);
        }
    }
    if (part.name.empty()) return Invalid("part without a name.");
    return Ok{};
}

// One "Name: value" header line of a part. Unknown headers are checked for syntax and ignored.
Status ApplyHeader(std::string_view line, Part& part) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
        return Invalid("malformed part header.");
    }
    std::string_view value = TrimOws(line.substr(colon + 1));
    if (!IsFieldValue(value)) return Invalid("malformed part header value.");
    std::string name = Lower(line.substr(0, colon));
    if (name == "content-disposition") {
        if (part.has_disposition) return Invalid("duplicate Content-Disposition.");
        part.has_disposition = true;
        return ParseDisposition(value, part);
    }
    if (name == "content-type") {
        if (part.has_type) return Invalid("duplicate Content-Type.");
        part.has_type = true;
        part.content_type = value;
    }
    return Ok{};
}


Status AddPart(Part part, std::string_view data, Body& out) {
    if (part.filename) {
        if (part.filename->empty()) return Ok{};  // a file input left empty: no file
        out.files.push_back({std::move(part.name), std::move(*part.filename),
                             std::move(part.content_type), std::string(data)});
        return Ok{};
    }
    if (!IsValidUtf8(data)) return Invalid("text field is not valid UTF-8.");
    AppendField(out.fields, part.name, data);
    return Ok{};
}

// Walks the body; pos_ always sits just after the last thing consumed.
class Reader {
public:
    Reader(std::string_view boundary, std::string_view body)
        : body_(body), dash_("--" + std::string(boundary)) {}

    Result<Body> Run() {
        RETURN_IF_ERROR(FindFirstDelimiter());
        Body out;
        for (size_t parts = 0;; ++parts) {
            ASSIGN_OR_RETURN(bool closed, ReadDelimiterTail());
            if (closed) return out;  // the epilogue, if any, is ignored
            if (parts == kMaxParts) return Invalid("more than 1000 parts.");
            Part part;
            RETURN_IF_ERROR(ReadHeaders(part));
            ASSIGN_OR_RETURN(std::string_view data, ReadContent());
            RETURN_IF_ERROR(AddPart(std::move(part), data, out));
        }
    }

private:
    // Skips the preamble: the first "--boundary" at the start of the body or of a line.
    Status FindFirstDelimiter() {
        if (body_.starts_with(dash_)) {
            pos_ = dash_.size();
            return Ok{};
        }
        size_t at = body_.find("\n" + dash_);
        if (at == std::string_view::npos) return Invalid("no boundary found.");
        pos_ = at + 1 + dash_.size();
        return Ok{};
    }

    // After "--boundary": "--" closes the body (true); else optional padding and a line end.
    // The first such line end fixes the line ending of the whole body.
    Result<bool> ReadDelimiterTail() {
        std::string_view rest = body_.substr(pos_);
        if (rest.starts_with("--")) return true;
        while (!rest.empty() && IsOws(rest.front())) rest.remove_prefix(1);
        if (eol_.empty()) {
            eol_ = rest.starts_with("\r\n") ? "\r\n" : "\n";
            delimiter_ = std::string(eol_) + dash_;
        }
        if (!rest.starts_with(eol_)) return Invalid("malformed or truncated boundary line.");
        pos_ = body_.size() - rest.size() + eol_.size();
        return false;
    }

    Status ReadHeaders(Part& part) {
        std::string_view block = body_.substr(pos_, kMaxHeaderBlock);
        size_t i = 0;
        while (true) {
            size_t end = block.find(eol_, i);
            if (end == std::string_view::npos) {
                return Invalid("part headers truncated or too long.");
            }
            std::string_view line = block.substr(i, end - i);
            i = end + eol_.size();
            if (line.empty()) break;
            RETURN_IF_ERROR(ApplyHeader(line, part));
        }
        pos_ += i;
        if (!part.has_disposition) return Invalid("part without Content-Disposition.");
        return Ok{};
    }

    // The part's data runs to the next line end + "--boundary".
    Result<std::string_view> ReadContent() {
        size_t end = body_.find(delimiter_, pos_);
        if (end == std::string_view::npos) return Invalid("missing closing boundary.");
        std::string_view data = body_.substr(pos_, end - pos_);
        pos_ = end + delimiter_.size();
        return data;
    }

    std::string_view body_;
    std::string dash_;       // "--" + boundary
    std::string delimiter_;  // eol_ + dash_, once eol_ is known
    std::string_view eol_;   // "\r\n", or "\n" for a bare-LF body
    size_t pos_ = 0;
};

}  // namespace

Result<Body> ParseMultipart(std::string_view boundary, std::string_view body) {
    if (!IsValidBoundary(boundary)) return Invalid("Invalid boundary.");
    return Reader(boundary, body).Run();
}

}  // namespace ps::http
