#include "domains/identity/jwt.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/crypto.hpp"

namespace ps::identity {

namespace json = boost::json;

namespace {
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

Error Invalid(std::string msg) { return Unauthenticated("token_not_valid", std::move(msg)); }
}  // namespace

std::string SignJwt(const json::object& claims, std::string_view secret) {
    std::string input = Base64UrlEncode(kHeader) + "." + Base64UrlEncode(json::serialize(claims));
    return input + "." + Base64UrlEncode(HmacSha256(secret, input));
}

Result<json::object> VerifyJwt(std::string_view token, std::string_view secret) {
    if (token.size() > 4096) return Invalid("Token is invalid or expired");
    auto d1 = token.find('.');
    auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
        return Invalid("Token is invalid or expired");
    std::string header, payload, sig;
    if (!Base64UrlDecode(token.substr(0, d1), header) ||
        !Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1), payload) ||
        !Base64UrlDecode(token.substr(d2 + 1), sig))
        return Invalid("Token is invalid or expired");
    json::error_code ec;
    json::value h = json::parse(header, ec);
    if (ec || !h.is_object()) return Invalid("Token is invalid or expired");
    const auto* alg = h.as_object().if_contains("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "HS256")
        return Invalid("Token algorithm not allowed");
    std::string expected = HmacSha256(secret, token.substr(0, d2));
    if (!ConstantTimeEquals(expected, sig)) return Invalid("Token is invalid or expired");
    json::value p = json::parse(payload, ec);
    if (ec || !p.is_object()) return Invalid("Token is invalid or expired");
    return std::move(p.as_object());
}

}  // namespace ps::identity
