#include "core/error.hpp"

#include <boost/json/array.hpp>
#include <cctype>

namespace ps {

Error FieldError(std::string_view field, std::string_view msg) {
    std::string title;
    bool up = true;
    for (char c : field) {
        if (c == '_') {
            title += ' ';
            up = true;
        } else {
            title += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
            up = false;
        }
    }
    boost::json::object errs;
    errs[field] = boost::json::array{boost::json::string(msg)};
    boost::json::object ctx;
    ctx["validation_errors"] = std::move(errs);
    return InvalidArgument("validation_error", title + ": " + std::string(msg), std::move(ctx));
}

}  // namespace ps
