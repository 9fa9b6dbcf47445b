#include "domains/identity/user.hpp"

#include <gtest/gtest.h>

namespace ps::identity {
namespace {

TEST(Identifier, PhonesAreNormalisedEmailsKeepTheirCharacters) {
    EXPECT_EQ(ParseIdentifier("+977 981-234-5678")->value, "9812345678");
    EXPECT_EQ(ParseIdentifier("9712345678")->value, "9712345678");
    auto e = ParseIdentifier("Rent-Staff@Example-Mail.com");
    ASSERT_TRUE(e.ok());
    EXPECT_TRUE(e->is_email);
    EXPECT_EQ(e->value, "rent-staff@example-mail.com");
    EXPECT_FALSE(ParseIdentifier("9612345678").ok());
    EXPECT_FALSE(ParseIdentifier("98123").ok());
    EXPECT_FALSE(ParseIdentifier("a@b").ok());
    EXPECT_FALSE(ParseIdentifier("@example.com").ok());
}

}  // namespace
}  // namespace ps::identity
