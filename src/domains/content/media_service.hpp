// Media uploads on local disk: validation of an uploaded file (size, extension, magic bytes,
// declared file_type), storage under {data_dir}/media/YYYY/MM/<uuid>.<ext> with a media_uploads
// row, and the lookup that serves a stored file back. The client's filename never reaches a
// path: it is kept, sanitised, only as original_name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "db/database.hpp"

namespace ps::content {

enum class MediaKind { kImage, kVideo, kDocument };
std::string_view MediaKindName(MediaKind k);  // "IMAGE" | "VIDEO" | "DOCUMENT"

// The kind an allowed lowercase extension belongs to, or nullopt when not allowed.
std::optional<MediaKind> KindOfExtension(std::string_view ext);
// True when data starts with the signature of the format of ext.
bool MagicMatches(std::string_view ext, std::string_view data);
// The Content-Type served for an allowed extension.
std::string_view ContentTypeOf(std::string_view ext);
// The client's filename made safe to store and show: basename only, no control characters,
// valid UTF-8, at most 255 bytes (the extension is kept when shortened).
std::string SanitiseFilename(std::string_view name);

struct MediaOptions {
    std::string data_dir;
    std::string public_base_url;
    int64_t max_bytes = 10 << 20;
};

struct MediaUpload {
    std::string id, file_url, file_type, original_name, stored_path;
    int64_t file_size = 0;
    std::string cloud_provider = "local";
    Micros created_at = 0;
};

struct StoredFile {
    std::string content_type;
    std::string data;
};

class MediaService {
public:
    MediaService(db::Database& db, const Clock& clock, Random& random, MediaOptions opts);

    // file_type: IMAGE | VIDEO | DOCUMENT (validated by the caller). Validates the file, then
    // writes it and its row; on any failure nothing stays on disk or in the database.
    Result<MediaUpload> Upload(int64_t user_id, std::string_view file_type,
                               std::string_view filename, std::string_view data);
    // The stored file for GET /media/{yyyy}/{mm}/{name}; NotFound for any name we could not
    // have written (so no traversal) or a file that does not exist.
    Result<StoredFile> Read(std::string_view yyyy, std::string_view mm,
                            std::string_view name) const;
    const MediaOptions& options() const { return opts_; }

private:
    Status WriteFile(const std::string& rel_path, std::string_view data) const;

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    MediaOptions opts_;
};

}  // namespace ps::content
