// The development outbox sender (one JSON line per message appended to a file, so local runs and
// tests can read OTP codes back) and the channel router. The network senders live in
// sparrow_sender.cpp (SMS) and smtp_sender.cpp (email). Message text is never logged.
#include "domains/identity/sender.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <mutex>
#include <string_view>
#include <system_error>

#include "core/log.hpp"

namespace ps::identity {

namespace {

const char* ChannelName(Channel channel) { return channel == Channel::kSms ? "sms" : "email"; }

// Writes all of `data` with as few write(2) calls as the kernel allows (one, for a regular file).
// The caller holds the outbox lock, so a rare short write is finished before anyone else writes.
bool WriteAll(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

class DevOutboxSender final : public MessageSender {
public:
    explicit DevOutboxSender(std::string path) : path_(std::move(path)) {}

    Status Send(Channel channel, const std::string& to, const std::string& subject,
                const std::string& text) override {
        boost::json::object record{
            {"channel", ChannelName(channel)}, {"to", to}, {"subject", subject}, {"text", text}};
        std::string line = boost::json::serialize(record);
        line.push_back('\n');
        RETURN_IF_ERROR(Append(line));
        Logger("notify")->info("outbox message written channel={} to={}", ChannelName(channel),
                               MaskIdentifier(to));
        return Ok{};
    }

private:
    // Opened per message (O_APPEND) so the file may be truncated or removed between messages.
    Status Append(std::string_view line) {
        std::lock_guard lock(mu_);
        int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) return WriteError("open");
        bool written = WriteAll(fd, line);
        int saved = errno;
        ::close(fd);
        if (!written) {
            errno = saved;
            return WriteError("write");
        }
        return Ok{};
    }

    Error WriteError(const char* op) const {
        std::string reason = std::generic_category().message(errno);
        Logger("notify")->error("outbox {} failed path={} error={}", op, path_, reason);
        return Internal("cannot " + std::string(op) + " the message outbox " + path_ + ": " +
                        reason);
    }

    std::string path_;
    std::mutex mu_;
};

class ChannelRouter final : public MessageSender {
public:
    ChannelRouter(std::unique_ptr<MessageSender> sms, std::unique_ptr<MessageSender> email)
        : sms_(std::move(sms)), email_(std::move(email)) {}

    Status Send(Channel channel, const std::string& to, const std::string& subject,
                const std::string& text) override {
        MessageSender* target = channel == Channel::kSms ? sms_.get() : email_.get();
        if (target == nullptr) {
            return Unavailable("channel_not_configured",
                               std::string("no sender is configured for ") + ChannelName(channel));
        }
        return target->Send(channel, to, subject, text);
    }

private:
    std::unique_ptr<MessageSender> sms_;
    std::unique_ptr<MessageSender> email_;
};

}  // namespace

std::unique_ptr<MessageSender> MakeDevOutboxSender(std::string path) {
    return std::make_unique<DevOutboxSender>(std::move(path));
}

std::unique_ptr<MessageSender> MakeChannelRouter(std::unique_ptr<MessageSender> sms,
                                                 std::unique_ptr<MessageSender> email) {
    return std::make_unique<ChannelRouter>(std::move(sms), std::move(email));
}

}  // namespace ps::identity
