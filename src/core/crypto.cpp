#include "core/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace ps {

namespace {

std::string Digest(const EVP_MD* md, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
    return std::string(reinterpret_cast<char*>(out), len);
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Encode(std::string_view raw, bool url) {
    std::string out;
    out.reserve((raw.size() + 2) / 3 * 4);
    size_t i = 0;
    auto ch = [&](unsigned v) {
        char c = kB64[v & 63];
        if (url && c == '+') c = '-';
        if (url && c == '/') c = '_';
        out += c;
    };
    for (; i + 2 < raw.size(); i += 3) {
        unsigned v = (unsigned char)raw[i] << 16 | (unsigned char)raw[i + 1] << 8 |
                     (unsigned char)raw[i + 2];
        ch(v >> 18), ch(v >> 12), ch(v >> 6), ch(v);
    }
    size_t rest = raw.size() - i;
    if (rest == 1) {
        unsigned v = (unsigned char)raw[i] << 16;
        ch(v >> 18), ch(v >> 12);
        if (!url) out += "==";
    } else if (rest == 2) {
        unsigned v = (unsigned char)raw[i] << 16 | (unsigned char)raw[i + 1] << 8;
        ch(v >> 18), ch(v >> 12), ch(v >> 6);
        if (!url) out += '=';
    }
    return out;
}

int Value(char c, bool url) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == (url ? '-' : '+')) return 62;
    if (c == (url ? '_' : '/')) return 63;
    return -1;
}

bool Decode(std::string_view s, std::string& out, bool url) {
    out.clear();
    if (!url) {
        if (s.size() % 4 != 0) return false;
        size_t pad = 0;
        while (!s.empty() && s.back() == '=' && pad < 2) s.remove_suffix(1), ++pad;
    }
    if (s.size() % 4 == 1) return false;
    unsigned buf = 0;
    int bits = 0;
    for (char c : s) {
        int v = Value(c, url);
        if (v < 0) return false;
        buf = (buf << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xff);
        }
    }
    return true;
}

}  // namespace

std::string Sha256(std::string_view data) { return Digest(EVP_sha256(), data); }
std::string Md5(std::string_view data) { return Digest(EVP_md5(), data); }

std::string HmacSha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return std::string(reinterpret_cast<char*>(out), len);
}

std::string HexEncode(std::string_view raw) {
    static const char* hex = "0123456789abcdef";
    std::string s;
    s.reserve(raw.size() * 2);
    for (unsigned char c : raw) s += hex[c >> 4], s += hex[c & 15];
    return s;
}

std::string Base64Encode(std::string_view raw) { return Encode(raw, false); }
std::string Base64UrlEncode(std::string_view raw) { return Encode(raw, true); }
bool Base64Decode(std::string_view t, std::string& out) { return Decode(t, out, false); }
bool Base64UrlDecode(std::string_view t, std::string& out) { return Decode(t, out, true); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ps
