// Staff passwords: argon2id (OWASP parameters: 19 MiB, t=2, p=1), PHC-encoded with a random salt.
// Hashing costs tens of milliseconds: call only from blocking routes or commands.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace ps::identity {

Result<std::string> HashPassword(std::string_view password, Random& random);
bool VerifyPassword(std::string_view password, const std::string& encoded);
// At least 8 characters, not longer than 128.
Status CheckPasswordPolicy(std::string_view password, std::string_view field = "password");

}  // namespace ps::identity
