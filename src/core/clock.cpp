#include "core/clock.hpp"

#include <openssl/rand.h>

#include <chrono>
#include <stdexcept>

#include "core/crypto.hpp"

namespace ps {

Micros SystemClock::Now() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void SecureRandom::Fill(void* out, size_t n) {
    if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
}

uint64_t Random::U64() {
    uint64_t v;
    Fill(&v, sizeof v);
    return v;
}

uint32_t Random::Uniform(uint32_t bound) {
    // Rejection sampling: no modulo bias.
    uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
    uint64_t v;
    do v = U64(); while (v >= limit);
    return static_cast<uint32_t>(v % bound);
}

std::string Random::Token(size_t bytes) {
    std::string raw(bytes, '\0');
    Fill(raw.data(), bytes);
    return Base64UrlEncode(raw);
}

std::string Random::Uuid() {
    unsigned char b[16];
    Fill(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    static const char* hex = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += hex[b[i] >> 4];
        s += hex[b[i] & 15];
    }
    return s;
}

std::string Random::Digits(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += static_cast<char>('0' + Uniform(10));
    return s;
}

}  // namespace ps
