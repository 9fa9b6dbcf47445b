#include "domains/identity/jwt.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"

namespace ps::identity {
namespace {

// RFC 7515 Appendix A.1: the HS256 example. We verify its signature with its key.
TEST(Jwt, VerifiesRfc7515ExampleA1) {
    std::string key;
    ASSERT_TRUE(Base64UrlDecode(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
        key));
    std::string token =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    auto claims = VerifyJwt(token, key);
    ASSERT_TRUE(claims.ok()) << claims.error().message;
    EXPECT_EQ(claims->at("iss").as_string(), "joe");
    EXPECT_EQ(claims->at("exp").as_int64(), 1300819380);
    // One flipped bit in the signature is refused.
    std::string bad = token;
    bad.back() = bad.back() == 'k' ? 'j' : 'k';
    EXPECT_FALSE(VerifyJwt(bad, key).ok());
}

TEST(Jwt, RoundTripAndWrongKey) {
    boost::json::object c{{"user_id", 42}, {"exp", 1999999999}};
    std::string t = SignJwt(c, "k1-0123456789abcdef0123456789abcdef");
    auto ok = VerifyJwt(t, "k1-0123456789abcdef0123456789abcdef");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->at("user_id").as_int64(), 42);
    auto bad = VerifyJwt(t, "k2-0123456789abcdef0123456789abcdef");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().slug, "token_not_valid");
}

TEST(Jwt, RefusesAlgNoneAndGarbage) {
    std::string none = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                       Base64UrlEncode(R"({"user_id":1})") + ".";
    EXPECT_FALSE(VerifyJwt(none, "secret").ok());
    EXPECT_FALSE(VerifyJwt("a.b", "secret").ok());
    EXPECT_FALSE(VerifyJwt("a.b.c.d", "secret").ok());
    EXPECT_FALSE(VerifyJwt("!!.??.**", "secret").ok());
    EXPECT_FALSE(VerifyJwt("", "secret").ok());
}

}  // namespace
}  // namespace ps::identity
