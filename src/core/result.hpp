// Result<T>: a value or an Error (std::expected-shaped; GCC 12 has no std::expected), with
// RETURN_IF_ERROR / ASSIGN_OR_RETURN in the abseil style.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace ps {

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { assert(ok()); return std::get<0>(v_); }
    const T& value() const& { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
    Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

struct Ok {};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Ok) {}  // NOLINT
    Result(Error error) : err_(std::move(error)), ok_(false) {}  // NOLINT
    // Any Result converts to a Status: the value is dropped, an error is kept.
    template <typename T>
    Result(Result<T>&& r) : ok_(r.ok()) {  // NOLINT
        if (!ok_) err_ = std::move(r).error();
    }
    template <typename T>
    Result(const Result<T>& r) : ok_(r.ok()) {  // NOLINT
        if (!ok_) err_ = r.error();
    }
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const& { return err_; }
    Error&& error() && { return std::move(err_); }

private:
    Error err_;
    bool ok_ = true;
};

using Status = Result<void>;

}  // namespace ps

#define PS_CONCAT_INNER(a, b) a##b
#define PS_CONCAT(a, b) PS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                        \
    do {                                                             \
        auto _ps_status = (expr);                                    \
        if (!_ps_status.ok()) return std::move(_ps_status).error();  \
    } while (0)

#define PS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)   \
    auto tmp = (expr);                             \
    if (!tmp.ok()) return std::move(tmp).error();  \
    lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
    PS_ASSIGN_OR_RETURN_IMPL(PS_CONCAT(_ps_result_, __LINE__), lhs, expr)
