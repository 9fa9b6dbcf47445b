// Request bodies in every form the API accepts — application/json, multipart/form-data and
// application/x-www-form-urlencoded — parsed into one shape: a JSON object of fields plus the
// uploaded files. Pure code, fuzzed (tests/fuzz/body_fuzz.cpp, multipart_fuzz.cpp).
//
// Mapping rules:
// - JSON: the body must be one JSON object (valid UTF-8, depth <= 32); it becomes `fields`.
//   An empty body is an empty object.
// - multipart and form: each text field becomes a JSON string; a key repeated becomes an array
//   of strings in order ("amenity_ids=1&amenity_ids=2" -> ["1","2"]). Text must be valid UTF-8.
//   File parts (a part with a filename) go to `files` and never to `fields`.
// Errors are InvalidArgument with slugs: "invalid_json" (malformed, not an object, bad UTF-8,
// too deep), "invalid_multipart" (no/bad boundary, truncated, missing headers), "invalid_form",
// and "unsupported_media_type" (kUnsupportedMedia) for other content types with a body.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace ps::http {

struct UploadedFile {
    std::string field;         // form field name
    std::string filename;      // as sent by the client (untrusted)
    std::string content_type;  // as sent by the client (untrusted)
    std::string data;
};

struct Body {
    boost::json::object fields;
    std::vector<UploadedFile> files;
};

// content_type is the raw Content-Type header value (parameters included).
Result<Body> ParseBody(std::string_view content_type, std::string_view body);

// Pieces, exposed for tests and fuzzing.
Result<Body> ParseMultipart(std::string_view boundary, std::string_view body);
Result<Body> ParseFormUrlEncoded(std::string_view body);
// Percent-decoding of one query/form component ('+' is a space). False on a bad escape.
bool PercentDecode(std::string_view in, std::string& out);
bool IsValidUtf8(std::string_view s);

}  // namespace ps::http
