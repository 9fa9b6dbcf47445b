// Field validation over a parsed body (http/body.hpp) or query: typed getters that collect
// errors in the reference's shape (message "Field: msg", context {validation_errors}).
// Strings from multipart/form are accepted where a number or boolean is expected.
#pragma once

#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.hpp"
#include "core/result.hpp"

namespace ps::http {

class Fields {
public:
    explicit Fields(const boost::json::object& o) : o_(o) {}

    bool Has(std::string_view key) const;
    // A string of max_len characters at most (min_len at least). Trimmed of surrounding spaces.
    std::optional<std::string> Str(std::string_view key, bool required, size_t max_len = 255,
                                   size_t min_len = 1);
    // A string, or explicit null (-> empty optional with Has() true).
    std::optional<int64_t> Int(std::string_view key, bool required, int64_t min, int64_t max);
    std::optional<bool> Bool(std::string_view key, bool required);
    std::optional<Money> Amount(std::string_view key, bool required, Money min, Money max);
    // One of the given values (exact match).
    std::optional<std::string> Enum(std::string_view key, bool required,
                                    std::initializer_list<std::string_view> allowed);
    // Repeated key, JSON array, or a JSON-string array ("[1,2]") -> list of strings.
    std::optional<std::vector<std::string>> List(std::string_view key, bool required);
    // A JSON object given as an object or as a JSON string (multipart JSON-string fields).
    std::optional<boost::json::object> Object(std::string_view key, bool required);
    void AddError(std::string_view key, std::string_view msg);
    // Every key must be one of allowed (unknown fields are an error).
    void OnlyKnown(std::initializer_list<std::string_view> allowed);
    bool ok() const { return errors_.empty(); }
    // The collected errors, first field first; Ok when none.
    Status Finish() const;

private:
    const boost::json::value* Get(std::string_view key, bool required);
    const boost::json::object& o_;
    std::vector<std::pair<std::string, std::string>> errors_;
};

// A link the API accepts for documents and images: http(s):// or one of our /media/ paths.
bool LooksLikeUrl(std::string_view s);

}  // namespace ps::http
