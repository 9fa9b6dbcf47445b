#include "domains/identity/password.hpp"

#include <argon2.h>

namespace ps::identity {

namespace {
constexpr uint32_t kTime = 2, kMemoryKiB = 19456, kLanes = 1, kSaltLen = 16, kHashLen = 32;
}

Result<std::string> HashPassword(std::string_view password, Random& random) {
    unsigned char salt[kSaltLen];
    random.Fill(salt, sizeof salt);
    size_t len = argon2_encodedlen(kTime, kMemoryKiB, kLanes, kSaltLen, kHashLen, Argon2_id);
    std::string out(len, '\0');
    int rc = argon2id_hash_encoded(kTime, kMemoryKiB, kLanes, password.data(), password.size(),
                                   salt, sizeof salt, kHashLen, out.data(), len);
    if (rc != ARGON2_OK) return Internal(std::string("argon2: ") + argon2_error_message(rc));
    out.resize(out.find('\0'));
    return out;
}

bool VerifyPassword(std::string_view password, const std::string& encoded) {
    if (encoded.rfind("$argon2id$", 0) != 0) return false;
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

Status CheckPasswordPolicy(std::string_view password, std::string_view field) {
    if (password.size() < 8) return FieldError(field, "Ensure this field has at least 8 characters.");
    if (password.size() > 128) return FieldError(field, "Ensure this field has no more than 128 characters.");
    return Ok{};
}

}  // namespace ps::identity
