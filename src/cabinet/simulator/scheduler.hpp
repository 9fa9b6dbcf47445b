// A timer thread for the simulator: tasks run in due order on one thread (so a cabinet's
// replies, heartbeats and uploads never race each other). Real (steady) time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace ps::cabinet::sim {

class Scheduler {
public:
    using Task = std::function<void()>;
    using Duration = std::chrono::steady_clock::duration;
    Scheduler();
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    void After(Duration delay, Task task);
    // Stops the thread; pending tasks are dropped. Idempotent.
    void Stop();

private:
    struct Item {
        std::chrono::steady_clock::time_point due;
        uint64_t seq;
        Task task;
        bool operator>(const Item& o) const { return due != o.due ? due > o.due : seq > o.seq; }
    };
    void Loop();

    std::mutex mu_;
    std::condition_variable cv_;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue_;
    uint64_t seq_ = 0;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace ps::cabinet::sim
