#include "support/fake_sparrow.hpp"

#include <algorithm>

namespace ps::test {

FakeSparrow::FakeSparrow(std::string valid_token)
    : valid_token_(std::move(valid_token)),
      server_([this](const LoopbackHttpServer::Request& r) { return Decide(FromLoopback(r)); }) {}

FakeSparrow::Request FakeSparrow::FromLoopback(const LoopbackHttpServer::Request& r) {
    Request out{r.method, r.target, r.Header("content-type"), r.query};
    for (auto& [k, v] : r.Form()) out.fields[k] = v;
    return out;
}

std::vector<FakeSparrow::Request> FakeSparrow::Requests() const {
    std::vector<Request> out;
    for (const auto& r : server_.Requests()) out.push_back(FromLoopback(r));
    return out;
}

void FakeSparrow::ForceReply(int status, std::string body) {
    std::lock_guard lock(mu_);
    forced_status_ = status;
    forced_body_ = std::move(body);
}

LoopbackHttpServer::Response FakeSparrow::Decide(const Request& request) const {
    {
        std::lock_guard lock(mu_);
        if (forced_status_ != 0) return {forced_status_, forced_body_};
    }
    std::string path = request.target.substr(0, request.target.find('?'));
    if (path != "/v2/sms/" && path != "/v2/sms") return {404, R"({"response":"Not found"})"};
    for (const char* field : {"token", "from", "to", "text"}) {
        if (request.fields.count(field) == 0)
            return {403, R"({"response_code":1000,"response":"A required field is missing"})"};
    }
    if (request.fields.at("token") != valid_token_)
        return {403, R"({"response_code":1002,"response":"Invalid Token"})"};
    if (request.fields.at("text").empty())
        return {403, R"({"response_code":1010,"response":"Text cannot be empty"})"};
    const std::string& to = request.fields.at("to");
    std::string count = std::to_string(1 + std::count(to.begin(), to.end(), ','));
    return {200, R"({"count":)" + count + R"(,"response_code":200,"response":")" + count +
                     R"( mesages has been queued for delivery"})"};
}

}  // namespace ps::test
