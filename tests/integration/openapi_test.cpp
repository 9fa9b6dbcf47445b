// Our OpenAPI document stays true: every route the server registers is documented, every
// documented operation is served, and path parameters and security agree.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "support/test_server.hpp"

namespace ps::test {
namespace {

TEST(OpenApi, DocumentMatchesTheRoutes) {
    TestServer s;
    auto r = s.client().Get("/api/openapi.json");
    ASSERT_EQ(r.status, 200);
    ASSERT_TRUE(r.json.is_object()) << "the document must be JSON";
    const auto& paths = r.json.at("paths").as_object();
    std::set<std::string> served;
    const std::set<std::string> undocumented = {"/api/openapi.json", "/api/docs"};
    for (const auto& route : s.app().router->Routes()) {
        if (route.pattern.rfind("/api/", 0) != 0 || undocumented.count(route.pattern)) continue;
        std::string method = route.method;
        for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        served.insert(method + " " + route.pattern);
        const auto* item = paths.if_contains(route.pattern);
        ASSERT_TRUE(item && item->as_object().contains(method))
            << route.method << " " << route.pattern << " is served but not documented: run scripts/openapi-sync";
        const auto& op = item->at(method).as_object();
        bool secured = op.contains("security") && !op.at("security").as_array().empty() &&
                       !op.at("security").as_array()[0].as_object().empty();
        EXPECT_EQ(secured, route.auth == http::Auth::kUser || route.auth == http::Auth::kStaff)
            << route.pattern << " security disagrees with the route's authentication";
        std::set<std::string> declared;
        if (op.contains("parameters"))
            for (const auto& p : op.at("parameters").as_array())
                if (p.at("in") == "path") declared.insert(std::string(p.at("name").as_string()));
        std::set<std::string> in_pattern;
        std::regex param("\\{(\\w+)\\}");
        for (std::sregex_iterator it(route.pattern.begin(), route.pattern.end(), param), end; it != end; ++it)
            in_pattern.insert((*it)[1].str());
        EXPECT_EQ(declared, in_pattern) << route.pattern;
        EXPECT_TRUE(op.contains("summary") && op.contains("responses")) << route.pattern;
    }
    for (const auto& [path, item] : paths)
        for (const auto& [method, _] : item.as_object())
            EXPECT_TRUE(served.count(std::string(method) + " " + std::string(path)))
                << method << " " << path << " is documented but not served";
    auto docs = s.client().Get("/api/docs");
    EXPECT_EQ(docs.status, 200);
    EXPECT_NE(docs.body.find("/api/openapi.json"), std::string::npos);
}

}  // namespace
}  // namespace ps::test
