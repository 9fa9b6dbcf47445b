#include "core/json_text.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace ps {
namespace {

TEST(JsonText, NumbersReadAsTheReferenceWritesThem) {
    boost::json::value v = {{"a", 150.0}, {"b", 42.5}, {"c", 0.1}, {"d", 7}, {"e", -3.25},
                            {"s", "x\"y"}, {"n", nullptr}, {"l", {1.0, true}}};
    EXPECT_EQ(ToJsonText(v),
              R"({"a":150.0,"b":42.5,"c":0.1,"d":7,"e":-3.25,"s":"x\"y","n":null,"l":[1.0,true]})");
    auto back = boost::json::parse(ToJsonText(v));
    EXPECT_EQ(back, v);
}

}  // namespace
}  // namespace ps
