#include "http/router.hpp"

#include <gtest/gtest.h>

#include "http/envelope.hpp"

namespace ps::http {
namespace {

Response Named(const char* name) { return Success(name, nullptr); }

TEST(Router, LiteralSegmentsWinOverParametersWhateverTheOrder) {
    Metrics m;
    Router r(m);
    r.Add("GET", "/api/users/{user_id}", Auth::kNone, [](Request& q) {
        return Named(std::string(q.PathParam("user_id")).c_str());
    });
    r.Add("GET", "/api/users/leaderboard", Auth::kNone, [](Request&) { return Named("board"); });
    Request a{"GET", "", "/api/users/leaderboard"};
    EXPECT_NE(r.Handle(a).body.find("\"board\""), std::string::npos);
    Request b{"GET", "", "/api/users/42"};
    EXPECT_NE(r.Handle(b).body.find("\"42\""), std::string::npos);
}

TEST(Router, MethodMismatchIs405AndUnknownIs404) {
    Metrics m;
    Router r(m);
    r.Add("POST", "/api/x", Auth::kNone, [](Request&) { return Named("x"); });
    Request get{"GET", "", "/api/x"};
    EXPECT_EQ(r.Handle(get).status, 405);
    Request none{"GET", "", "/api/y"};
    EXPECT_EQ(r.Handle(none).status, 404);
    Request slash{"POST", "", "/api/x/"};
    EXPECT_EQ(r.Handle(slash).status, 404);
}

TEST(Router, StaffRoutesNeedAStaffPrincipal) {
    Metrics m;
    Router r(m);
    r.SetTokenVerifier([](std::string_view t) -> Result<Principal> {
        if (t == "staff") return Principal{1, true, "admin", "f"};
        if (t == "user") return Principal{2, false, "", "f"};
        return Unauthenticated("token_not_valid", "bad");
    });
    r.Add("GET", "/api/admin/x", Auth::kStaff, [](Request&) { return Named("ok"); });
    auto call = [&](std::string auth) {
        Request q{"GET", "", "/api/admin/x"};
        if (!auth.empty()) q.headers.emplace_back("authorization", auth);
        return r.Handle(q).status;
    };
    EXPECT_EQ(call(""), 401);
    EXPECT_EQ(call("Bearer nope"), 401);
    EXPECT_EQ(call("Bearer user"), 403);
    EXPECT_EQ(call("Bearer staff"), 200);
}

}  // namespace
}  // namespace ps::http
