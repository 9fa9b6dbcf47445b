// Pagination as the reference does it (chargeghar-responses.md §0.5): query page (default 1,
// clamped to the last page) and page_size (default 20, 1..max), rendered as the standard P
// object {current_page, total_pages, total_count, page_size, has_next, has_previous, next_page,
// previous_page}.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>

#include "core/result.hpp"
#include "http/http_types.hpp"

namespace ps::http {

struct Page {
    int64_t page = 1;
    int64_t page_size = 20;
    int64_t total = 0;  // filled after counting
    int64_t Offset() const { return (page - 1) * page_size; }
    int64_t TotalPages() const { return total == 0 ? 1 : (total + page_size - 1) / page_size; }
    // Clamps page to the last page once total is known.
    void SetTotal(int64_t t);
    boost::json::object Json() const;
};

// Reads page/page_size; non-numeric or < 1 values are a validation error; page_size > max is
// an error when strict, else clamped.
Result<Page> ParsePage(const Request& req, int64_t default_size = 20, int64_t max_size = 100,
                       bool strict = true);

}  // namespace ps::http
