#include "cabinet/memory_transport.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace ps::cabinet {

struct MemoryBroker::ClientState {
    std::string client_id;
    std::recursive_mutex mu;  // held while delivering to this client (a handler may publish)
    Transport::Handler handler;
    std::vector<std::pair<std::string, int>> filters;
    bool connected = false;
};

class MemoryClient final : public Transport {
public:
    MemoryClient(MemoryBroker& broker, std::string id)
        : broker_(broker), state_(std::make_shared<MemoryBroker::ClientState>()) {
        state_->client_id = std::move(id);
    }
    ~MemoryClient() override { Stop(); }

    void Subscribe(std::string filter, int qos) override {
        std::lock_guard lock(state_->mu);
        state_->filters.emplace_back(std::move(filter), qos);
    }
    void SetHandler(Handler handler) override {
        std::lock_guard lock(state_->mu);
        state_->handler = std::move(handler);
    }
    Status Start() override {
        {
            std::lock_guard lock(state_->mu);
            if (state_->connected) return Ok{};
            state_->connected = true;
        }
        broker_.Attach(state_);
        return Ok{};
    }
    void Stop() override {
        {
            std::lock_guard lock(state_->mu);  // waits for a delivery in progress
            if (!state_->connected) return;
            state_->connected = false;
        }
        broker_.Detach(state_);
    }
    Status Publish(std::string_view topic, std::string_view payload, int) override {
        if (!Connected()) return Unavailable("mqtt_not_connected", "transport is not connected");
        broker_.Enqueue({std::string(topic), std::string(payload)});
        return Ok{};
    }
    bool Connected() const override {
        std::lock_guard lock(state_->mu);
        return state_->connected;
    }

private:
    MemoryBroker& broker_;
    std::shared_ptr<MemoryBroker::ClientState> state_;
};

MemoryBroker::MemoryBroker() : thread_([this] { Loop(); }) {}

MemoryBroker::~MemoryBroker() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

std::unique_ptr<Transport> MemoryBroker::NewClient(std::string client_id) {
    return std::make_unique<MemoryClient>(*this, std::move(client_id));
}

void MemoryBroker::Drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stop_ || (queue_.empty() && in_delivery_ == 0); });
}

void MemoryBroker::Enqueue(TransportMessage m) {
    {
        std::lock_guard lock(mu_);
        queue_.push_back(std::move(m));
    }
    cv_.notify_all();
}

void MemoryBroker::Attach(const std::shared_ptr<ClientState>& c) {
    std::lock_guard lock(mu_);
    clients_.push_back(c);
}

void MemoryBroker::Detach(const std::shared_ptr<ClientState>& c) {
    std::lock_guard lock(mu_);
    clients_.erase(std::remove(clients_.begin(), clients_.end(), c), clients_.end());
}

void MemoryBroker::Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        TransportMessage m = std::move(queue_.front());
        queue_.pop_front();
        ++in_delivery_;
        lock.unlock();
        Deliver(m);
        lock.lock();
        --in_delivery_;
        cv_.notify_all();
    }
}

void MemoryBroker::Deliver(const TransportMessage& m) {
    std::vector<std::shared_ptr<ClientState>> targets;
    {
        std::lock_guard lock(mu_);
        std::map<std::string, std::vector<std::shared_ptr<ClientState>>> groups;
        for (const auto& c : clients_) {
            std::lock_guard cl(c->mu);
            bool direct = false;
            for (const auto& [filter, qos] : c->filters) {
                std::string_view f = filter;
                if (f.starts_with("$share/")) {
                    auto slash = f.find('/', 7);
                    if (slash == std::string_view::npos) continue;
                    if (TopicMatches(f.substr(slash + 1), m.topic))
                        groups[std::string(f.substr(0, slash))].push_back(c);
                } else if (TopicMatches(f, m.topic)) {
                    direct = true;
                }
            }
            if (direct) targets.push_back(c);
        }
        for (auto& [group, members] : groups) {
            size_t& next = round_robin_[group];
            auto pick = members[next++ % members.size()];
            if (std::find(targets.begin(), targets.end(), pick) == targets.end())
                targets.push_back(pick);
        }
    }
    for (const auto& c : targets) {
        std::lock_guard cl(c->mu);
        if (!c->connected || !c->handler) continue;
        try {
            c->handler(m);
        } catch (const std::exception& e) {
            Logger("cabinet")->error("memory broker handler threw client={} error={}",
                                     c->client_id, e.what());
        }
    }
}

}  // namespace ps::cabinet
