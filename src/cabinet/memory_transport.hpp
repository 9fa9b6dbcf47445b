// An in-process MQTT broker for the embedded mode, the in-process simulator and hermetic tests.
// It behaves like mosquitto where the link cares: topic filters with + and #, `$share/group/`
// shared subscriptions (one member of a group gets each message), a publisher that subscribes
// to a topic receives its own messages (the heartbeat loop-back of §3.5), nothing retained,
// delivery asynchronous and in order on one broker thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cabinet/transport.hpp"

namespace ps::cabinet {

class MemoryBroker {
public:
    MemoryBroker();
    ~MemoryBroker();
    MemoryBroker(const MemoryBroker&) = delete;
    MemoryBroker& operator=(const MemoryBroker&) = delete;

    // A client of this broker; it must be destroyed before the broker.
    std::unique_ptr<Transport> NewClient(std::string client_id);
    // Waits until every message published so far has been delivered (tests).
    void Drain();

    struct ClientState;  // shared with the client objects

private:
    friend class MemoryClient;
    void Enqueue(TransportMessage m);
    void Attach(const std::shared_ptr<ClientState>& c);
    void Detach(const std::shared_ptr<ClientState>& c);
    void Loop();
    void Deliver(const TransportMessage& m);

    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<TransportMessage> queue_;
    std::vector<std::shared_ptr<ClientState>> clients_;
    std::map<std::string, size_t> round_robin_;
    size_t in_delivery_ = 0;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace ps::cabinet
