// Clock and Random: injected everywhere time or chance matters, so tests can fix them.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace ps {

// Microseconds since the Unix epoch, UTC. Every stored time is one of these.
using Micros = int64_t;
constexpr Micros kSecond = 1'000'000;
constexpr Micros kMinute = 60 * kSecond;
constexpr Micros kHour = 60 * kMinute;
constexpr Micros kDay = 24 * kHour;

class Clock {
public:
    virtual ~Clock() = default;
    virtual Micros Now() const = 0;
};

class SystemClock final : public Clock {
public:
    Micros Now() const override;
};

// A clock tests move by hand.
class FakeClock final : public Clock {
public:
    explicit FakeClock(Micros start) : now_(start) {}
    Micros Now() const override { return now_.load(); }
    void Advance(Micros d) { now_ += d; }
    void Set(Micros t) { now_ = t; }

private:
    std::atomic<Micros> now_;
};

class Random {
public:
    virtual ~Random() = default;
    virtual void Fill(void* out, size_t n) = 0;  // cryptographically strong in production
    uint64_t U64();
    uint32_t Uniform(uint32_t bound);  // [0, bound)
    std::string Token(size_t bytes);   // base64url, no padding
    std::string Uuid();                // v4
    std::string Digits(size_t n);      // e.g. an OTP
};

class SecureRandom final : public Random {
public:
    void Fill(void* out, size_t n) override;
};

}  // namespace ps
