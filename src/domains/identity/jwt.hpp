// JWT with HS256 pinned: the header is always {"alg":"HS256","typ":"JWT"}; any other alg
// (none, RS256, ...) is refused before the signature is looked at. Claims are a flat JSON object.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ps::identity {

std::string SignJwt(const boost::json::object& claims, std::string_view secret);
// Verifies structure, algorithm and signature; returns the claims. Does not check exp.
Result<boost::json::object> VerifyJwt(std::string_view token, std::string_view secret);

}  // namespace ps::identity
