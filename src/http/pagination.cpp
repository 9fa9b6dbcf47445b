#include "http/pagination.hpp"

#include <charconv>

namespace ps::http {

void Page::SetTotal(int64_t t) {
    total = t;
    page = std::min(page, TotalPages());
}

boost::json::object Page::Json() const {
    int64_t pages = TotalPages();
    boost::json::object o{{"current_page", page},          {"total_pages", pages},
                          {"total_count", total},          {"page_size", page_size},
                          {"has_next", page < pages},      {"has_previous", page > 1}};
    o["next_page"] = page < pages ? boost::json::value(page + 1) : nullptr;
    o["previous_page"] = page > 1 ? boost::json::value(page - 1) : nullptr;
    return o;
}

namespace {
bool ParsePositive(const std::string& s, int64_t& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size() && out >= 1;
}
}  // namespace

Result<Page> ParsePage(const Request& req, int64_t default_size, int64_t max_size, bool strict) {
    Page p;
    p.page_size = default_size;
    if (auto v = req.QueryParam("page"))
        if (!ParsePositive(*v, p.page)) return FieldError("page", "A valid positive integer is required.");
    if (auto v = req.QueryParam("page_size")) {
        if (!ParsePositive(*v, p.page_size))
            return FieldError("page_size", "A valid positive integer is required.");
        if (p.page_size > max_size) {
            if (strict)
                return FieldError("page_size", "Ensure this value is less than or equal to " +
                                                   std::to_string(max_size) + ".");
            p.page_size = max_size;
        }
    }
    if (p.page > 1'000'000) p.page = 1'000'000;
    return p;
}

}  // namespace ps::http
