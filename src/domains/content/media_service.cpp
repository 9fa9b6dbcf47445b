#include "domains/content/media_service.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "core/log.hpp"
#include "core/time_format.hpp"

namespace ps::content {

namespace fs = std::filesystem;

namespace {

struct ExtInfo {
    std::string_view ext;
    MediaKind kind;
    std::string_view content_type;
};

constexpr std::array<ExtInfo, 9> kExtensions{{
    {"jpg", MediaKind::kImage, "image/jpeg"},
    {"jpeg", MediaKind::kImage, "image/jpeg"},
    {"png", MediaKind::kImage, "image/png"},
    {"gif", MediaKind::kImage, "image/gif"},
    {"mp4", MediaKind::kVideo, "video/mp4"},
    {"mov", MediaKind::kVideo, "video/quicktime"},
    {"pdf", MediaKind::kDocument, "application/pdf"},
    {"doc", MediaKind::kDocument, "application/msword"},
    {"docx", MediaKind::kDocument,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
}};
constexpr std::string_view kAllowedList = "jpg, jpeg, png, gif, mp4, mov, pdf, doc, docx";

const ExtInfo* Find(std::string_view ext) {
    for (const auto& e : kExtensions)
        if (e.ext == ext) return &e;
    return nullptr;
}

bool StartsWith(std::string_view data, std::string_view prefix) {
    return data.substr(0, prefix.size()) == prefix;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one.
size_t Utf8Len(std::string_view s, size_t i) {
    auto u = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = u(i);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((u(i + k) & 0xC0) != 0x80) return 0;
    if (n == 2 && c < 0xC2) return 0;                       // overlong
    if (n == 3 && c == 0xE0 && u(i + 1) < 0xA0) return 0;   // overlong
    if (n == 3 && c == 0xED && u(i + 1) >= 0xA0) return 0;  // surrogate
    if (n == 4 && (c > 0xF4 || (c == 0xF0 && u(i + 1) < 0x90) || (c == 0xF4 && u(i + 1) >= 0x90)))
        return 0;
    return n;
}

// The longest prefix of s (valid UTF-8) of at most max bytes that ends on a character boundary.
std::string_view Utf8Prefix(std::string_view s, size_t max) {
    size_t i = 0;
    while (i < s.size()) {
        size_t n = Utf8Len(s, i);
        if (i + n > max) break;
        i += n;
    }
    return s.substr(0, i);
}

std::string LowerExtension(std::string_view name) {
    size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot + 1 == name.size()) return "";
    std::string ext(name.substr(dot + 1));
    for (char& c : ext) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return ext;
}

bool AllDigits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}

// <uuid v4 as Random::Uuid writes it>.<allowed extension>, nothing else.
bool IsStoredName(std::string_view name) {
    if (name.size() < 38 || name[36] != '.') return false;
    for (size_t i = 0; i < 36; ++i) {
        char c = name[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return Find(name.substr(37)) != nullptr;
}

Error TooLarge(int64_t max) {
    std::string limit =
        max % (1 << 20) == 0 ? std::to_string(max >> 20) + " MB" : std::to_string(max) + " bytes";
    return {ErrorCode::kPayloadTooLarge, "file_too_large",
            "File size must not exceed " + limit + "."};
}

}  // namespace

std::string_view MediaKindName(MediaKind k) {
    switch (k) {
        case MediaKind::kImage:
            return "IMAGE";
        case MediaKind::kVideo:
            return "VIDEO";
        case MediaKind::kDocument:
            return "DOCUMENT";
    }
    return "DOCUMENT";
}

std::optional<MediaKind> KindOfExtension(std::string_view ext) {
    const ExtInfo* e = Find(ext);
    return e ? std::optional<MediaKind>(e->kind) : std::nullopt;
}

std::string_view ContentTypeOf(std::string_view ext) {
    const ExtInfo* e = Find(ext);
    return e ? e->content_type : "application/octet-stream";
}

bool MagicMatches(std::string_view ext, std::string_view d) {
    using namespace std::string_view_literals;
    if (ext == "jpg" || ext == "jpeg") return StartsWith(d, "\xFF\xD8\xFF"sv);
    if (ext == "png") return StartsWith(d, "\x89PNG\r\n\x1A\n"sv);
    if (ext == "gif") return StartsWith(d, "GIF87a"sv) || StartsWith(d, "GIF89a"sv);
    if (ext == "mp4" || ext == "mov") return d.size() >= 12 && d.substr(4, 4) == "ftyp"sv;
    if (ext == "pdf") return StartsWith(d, "%PDF-"sv);
    if (ext == "doc") return StartsWith(d, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv);
    if (ext == "docx") return StartsWith(d, "PK\x03\x04"sv);
    return false;
}

std::string SanitiseFilename(std::string_view name) {
    size_t slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    std::string out;
    for (size_t i = 0; i < name.size();) {
        size_t n = Utf8Len(name, i);
        auto c = static_cast<unsigned char>(name[i]);
        if (n == 0) {
            ++i;  // invalid byte: dropped
            continue;
        }
        if (n > 1 || (c >= 0x20 && c != 0x7F)) out.append(name.substr(i, n));
        i += n;
    }
    size_t b = out.find_first_not_of(' '), e = out.find_last_not_of(' ');
    out = b == std::string::npos ? "" : out.substr(b, e - b + 1);
    constexpr size_t kMax = 255;
    if (out.size() <= kMax) return out;
    size_t dot = out.rfind('.');
    std::string ext = dot != std::string::npos && out.size() - dot <= 16 ? out.substr(dot) : "";
    std::string stem = out.substr(0, out.size() - ext.size());
    return std::string(Utf8Prefix(stem, kMax - ext.size())) + ext;
}

MediaService::MediaService(db::Database& db, const Clock& clock, Random& random, MediaOptions opts)
    : db_(db), clock_(clock), random_(random), opts_(std::move(opts)) {
    while (!opts_.public_base_url.empty() && opts_.public_base_url.back() == '/')
        opts_.public_base_url.pop_back();
}

Result<MediaUpload> MediaService::Upload(int64_t user_id, std::string_view file_type,
                                         std::string_view filename, std::string_view data) {
    // validate
    if (static_cast<int64_t>(data.size()) > opts_.max_bytes) return TooLarge(opts_.max_bytes);
    if (data.empty()) return FieldError("file", "The submitted file is empty.");
    std::string original = SanitiseFilename(filename);
    std::string ext = LowerExtension(original);
    const ExtInfo* info = Find(ext);
    if (!info)
        return FieldError("file", "File extension \"" + ext +
                                      "\" is not allowed. Allowed extensions are: " +
                                      std::string(kAllowedList) + ".");
    if (!MagicMatches(ext, data))
        return FieldError("file", "The file content is not a valid " + ext + " file.");
    if (MediaKindName(info->kind) != file_type)
        return FieldError("file_type", "A ." + ext + " file is " +
                                           std::string(MediaKindName(info->kind)) + ", not " +
                                           std::string(file_type) + ".");
    // decide
    MediaUpload m;
    m.created_at = clock_.Now();
    std::string stamp = FormatDtZ(m.created_at);  // "YYYY-MM-DDT..." in UTC
    m.id = random_.Uuid();
    m.stored_path =
        "media/" + stamp.substr(0, 4) + "/" + stamp.substr(5, 2) + "/" + m.id + "." + ext;
    m.file_url = opts_.public_base_url + "/" + m.stored_path;
    m.file_type = std::string(file_type);
    m.original_name = original;
    m.file_size = static_cast<int64_t>(data.size());
    // persist: the file first, then the row; a failed insert removes the file again
    RETURN_IF_ERROR(WriteFile(m.stored_path, data));
    auto saved = db_.Transact([&](db::Connection& c) -> Result<int64_t> {
        return c.Exec(
            "INSERT INTO media_uploads (id, file_url, file_type, original_name, file_size, "
            "stored_path, uploaded_by, cloud_provider, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {m.id, m.file_url, m.file_type, m.original_name, m.file_size, m.stored_path, user_id,
             m.cloud_provider, m.created_at, m.created_at});
    });
    if (!saved.ok()) {
        std::error_code ec;
        fs::remove(fs::path(opts_.data_dir) / m.stored_path, ec);
        return std::move(saved).error();
    }
    Logger("content")->info("media uploaded id={} user_id={} type={} size={}", m.id, user_id,
                            m.file_type, m.file_size);
    return m;
}

Status MediaService::WriteFile(const std::string& rel_path, std::string_view data) const {
    fs::path final_path = fs::path(opts_.data_dir) / rel_path;
    fs::path tmp = final_path;
    tmp += ".part";
    std::error_code ec;
    fs::create_directories(final_path.parent_path(), ec);
    bool ok = !ec;
    if (ok) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        out.close();
        ok = static_cast<bool>(out);
        if (ok) fs::rename(tmp, final_path, ec);
        ok = ok && !ec;
    }
    if (ok) return Ok{};
    Logger("content")->error("media write failed path={} error={}", rel_path, ec.message());
    fs::remove(tmp, ec);
    return Internal("Failed to store the uploaded file");
}

Result<StoredFile> MediaService::Read(std::string_view yyyy, std::string_view mm,
                                      std::string_view name) const {
    auto missing = [] { return NotFound("not_found", "Not found"); };
    if (yyyy.size() != 4 || !AllDigits(yyyy) || mm.size() != 2 || !AllDigits(mm) || mm < "01" ||
        mm > "12" || !IsStoredName(name))
        return missing();
    fs::path p = fs::path(opts_.data_dir) / "media" / yyyy / mm / name;
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(p, ec))) return missing();
    std::ifstream in(p, std::ios::binary);
    if (!in) return missing();
    StoredFile f;
    f.content_type = std::string(ContentTypeOf(name.substr(37)));
    f.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return Internal("Failed to read the stored file");
    return f;
}

}  // namespace ps::content
