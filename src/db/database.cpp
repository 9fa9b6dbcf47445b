#include "db/database.hpp"

#include <cctype>
#include <charconv>

namespace ps::db {

int64_t Row::Int(size_t i) const {
    const Value& v = cols_.at(i);
    if (auto p = std::get_if<int64_t>(&v)) return *p;
    if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
    if (auto p = std::get_if<std::string>(&v)) {
        int64_t out = 0;
        std::from_chars(p->data(), p->data() + p->size(), out);
        return out;
    }
    return 0;
}

double Row::Double(size_t i) const {
    const Value& v = cols_.at(i);
    if (auto p = std::get_if<double>(&v)) return *p;
    if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
    if (auto p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
    return 0;
}

std::string Row::Str(size_t i) const {
    const Value& v = cols_.at(i);
    if (auto p = std::get_if<std::string>(&v)) return *p;
    if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
    if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
    return {};
}

std::optional<int64_t> Row::OptInt(size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Int(i);
}

std::optional<std::string> Row::OptStr(size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Str(i);
}

Result<std::optional<Row>> Connection::QueryOne(std::string_view sql, const Params& params) {
    ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
    if (rows.empty()) return std::optional<Row>{};
    return std::optional<Row>{std::move(rows.front())};
}

std::string ContainsPattern(std::string_view s) {
    std::string out = "%";
    for (char ch : s) {
        if (ch == '%' || ch == '_' || ch == '!') out += '!';
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return out + "%";
}

const char* ForUpdate(Backend b) { return b == Backend::kPostgres ? " FOR UPDATE" : ""; }

bool IsRetryable(const Error& e) {
    return e.slug == "db_busy" || e.slug == "serialization_failure";
}

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, int pool_size);
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, int pool_size);

Result<std::unique_ptr<Database>> Open(const std::string& url, int pool_size) {
    if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0)
        return OpenPostgres(url, pool_size);
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    if (path.empty()) return InvalidArgument("config_error", "SQLite path is empty");
    return OpenSqlite(path, pool_size);
}

}  // namespace ps::db
