// Pieces of HTTP header and form grammar shared by the body parsers (body.cpp, multipart.cpp).
// Internal to src/http.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ps::http::grammar {

using Params = std::vector<std::pair<std::string, std::string>>;

inline char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string Lower(std::string_view s);
inline bool IsOws(char c) { return c == ' ' || c == '\t'; }
std::string_view TrimOws(std::string_view s);
bool IsTokenChar(char c);
// A parameter value at s[i]: a quoted-string (only \" and \\ are escapes; any other backslash
// is literal, so Windows paths survive) or a bare run up to ';' or whitespace. Advances i.
bool ReadParamValue(std::string_view s, size_t& i, std::string& value);
// Parses `*( OWS ";" OWS [ name "=" value ] )`, the tail of a Content-Type or
// Content-Disposition header. Names are lower-cased; empty elements are allowed.
bool ParseParams(std::string_view s, Params& out);
// Adds a text field: the first value is a string, a repeated key becomes an array of strings.
void AppendField(boost::json::object& fields, std::string_view key, std::string_view value);

}  // namespace ps::http::grammar
