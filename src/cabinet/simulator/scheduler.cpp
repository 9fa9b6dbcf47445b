#include "cabinet/simulator/scheduler.hpp"

#include "core/log.hpp"

namespace ps::cabinet::sim {

Scheduler::Scheduler() : thread_([this] { Loop(); }) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::After(Duration delay, Task task) {
    {
        std::lock_guard lock(mu_);
        if (stop_) return;
        queue_.push({std::chrono::steady_clock::now() + delay, ++seq_, std::move(task)});
    }
    cv_.notify_all();
}

void Scheduler::Stop() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Scheduler::Loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
        if (queue_.empty()) {
            cv_.wait(lock);
            continue;
        }
        auto due = queue_.top().due;
        if (std::chrono::steady_clock::now() < due) {
            cv_.wait_until(lock, due);
            continue;
        }
        Task t = std::move(const_cast<Item&>(queue_.top()).task);
        queue_.pop();
        lock.unlock();
        try {
            t();
        } catch (const std::exception& e) {
            Logger("sim")->error("simulator task threw error={}", e.what());
        }
        lock.lock();
    }
}

}  // namespace ps::cabinet::sim
