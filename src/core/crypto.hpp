// Crypto primitives over OpenSSL 3: hashes, HMAC, base64, constant-time compare.
#pragma once

#include <string>
#include <string_view>

namespace ps {

std::string Sha256(std::string_view data);                     // raw 32 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string Md5(std::string_view data);                        // raw 16 bytes
std::string HexEncode(std::string_view raw);                   // lowercase
std::string Base64Encode(std::string_view raw);                // standard, padded
std::string Base64UrlEncode(std::string_view raw);             // url-safe, unpadded
// Decoders accept their alphabet only; return false on anything malformed.
bool Base64Decode(std::string_view text, std::string& out);
bool Base64UrlDecode(std::string_view text, std::string& out);
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ps
