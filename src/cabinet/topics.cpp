#include <vector>

#include "cabinet/transport.hpp"

namespace ps::cabinet {

namespace {

std::string Topic(std::string_view imei, std::string_view leaf) {
    std::string t = "/powerbank/";
    t.append(imei).append("/user/").append(leaf);
    return t;
}

std::vector<std::string_view> Split(std::string_view s) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (;;) {
        size_t p = s.find('/', start);
        out.push_back(s.substr(start, p == std::string_view::npos ? p : p - start));
        if (p == std::string_view::npos) return out;
        start = p + 1;
    }
}

}  // namespace

std::string CommandTopic(std::string_view imei) { return Topic(imei, "get"); }
std::string UpdateTopic(std::string_view imei) { return Topic(imei, "update"); }
std::string HeartTopic(std::string_view imei) { return Topic(imei, "heart"); }

bool IsValidImei(std::string_view imei) {
    if (imei.empty() || imei.size() > 20) return false;
    for (char c : imei)
        if (c < '0' || c > '9') return false;
    return true;
}

std::optional<TopicInfo> ParseTopic(std::string_view topic) {
    auto parts = Split(topic);
    // ["", "powerbank", imei, "user", leaf] or legacy ["", "powerbank", imei, "get"].
    if (parts.size() < 4 || !parts[0].empty() || parts[1] != "powerbank") return std::nullopt;
    if (!IsValidImei(parts[2])) return std::nullopt;
    TopicInfo info{std::string(parts[2]), Channel::kGet};
    if (parts.size() == 4 && parts[3] == "get") return info;
    if (parts.size() != 5 || parts[3] != "user") return std::nullopt;
    if (parts[4] == "get") info.channel = Channel::kGet;
    else if (parts[4] == "update") info.channel = Channel::kUpdate;
    else if (parts[4] == "heart") info.channel = Channel::kHeart;
    else return std::nullopt;
    return info;
}

bool TopicMatches(std::string_view filter, std::string_view topic) {
    auto f = Split(filter), t = Split(topic);
    size_t i = 0;
    for (; i < f.size(); ++i) {
        if (f[i] == "#") return true;
        if (i >= t.size()) return false;
        if (f[i] != "+" && f[i] != t[i]) return false;
    }
    return i == t.size();
}

}  // namespace ps::cabinet
