// The only translation unit that includes Beast and Asio.
#include "http/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "core/log.hpp"
#include "http/envelope.hpp"

namespace ps::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Server::Impl {
    ServerOptions opts;
    const Router& router;
    asio::io_context ioc;
    std::unique_ptr<asio::thread_pool> handlers;  // see Offload
    tcp::acceptor acceptor{ioc};
    std::atomic<int> connections{0};
    std::atomic<int> in_flight{0};
    std::atomic<bool> stopping{false};
    std::atomic<uint64_t> next_id{0};
    std::string id_prefix;
    std::vector<std::thread> threads;
    std::mutex mu;
    std::condition_variable cv;
    bool stopped = false;

    Impl(ServerOptions o, const Router& r) : opts(std::move(o)), router(r) {
        handlers = std::make_unique<asio::thread_pool>(std::max(2, opts.handler_threads));
        id_prefix = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() %
                                   1000000) + "-";
    }

    Request Convert(bhttp::request<bhttp::string_body>& in, const std::string& remote) {
        Request r;
        r.method = std::string(in.method_string());
        r.target = std::string(in.target());
        auto q = r.target.find('?');
        r.path = r.target.substr(0, q);
        if (q != std::string::npos) r.query = r.target.substr(q + 1);
        for (const auto& f : in) {
            std::string name(f.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r.headers.emplace_back(std::move(name), std::string(f.value()));
        }
        r.body = std::move(in.body());
        r.remote_addr = remote;
        std::string_view given = r.Header("x-request-id");
        bool usable = !given.empty() && given.size() <= 64;
        for (char c : given) usable = usable && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
        r.request_id = usable ? std::string(given) : id_prefix + std::to_string(++next_id);
        return r;
    }

    asio::awaitable<Response> Handle(Request& req) {
        Router::Resolved r = router.Resolve(req);
        bool offload = Router::IsBlocking(r) || opts.offload == Offload::kAll ||
                       (opts.offload == Offload::kWrites && req.method != "GET" && req.method != "HEAD");
        if (!offload) co_return router.Execute(req, r);
        co_return co_await asio::co_spawn(
            handlers->get_executor(),
            [&]() -> asio::awaitable<Response> { co_return router.Execute(req, r); },
            asio::use_awaitable);
    }

    static bhttp::response<bhttp::string_body> ToBeast(Response&& r, unsigned version, bool keep) {
        bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
        res.set(bhttp::field::server, "powershare");
        res.set(bhttp::field::content_type, r.content_type);
        for (auto& [k, v] : r.headers) res.set(k, v);
        res.body() = std::move(r.body);
        res.keep_alive(keep);
        res.prepare_payload();
        return res;
    }

    asio::awaitable<void> WriteError(beast::tcp_stream& stream, const Error& e) {
        auto res = ToBeast(Failure(e), 11, false);
        co_await bhttp::async_write(stream, res, kTuple);
    }

    asio::awaitable<void> Session(tcp::socket socket) {
        beast::error_code ec;
        auto ep = socket.remote_endpoint(ec);
        std::string remote = ec ? "" : ep.address().to_string();
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<uint32_t>(opts.header_limit));
            parser.body_limit(opts.body_limit);
            stream.expires_after(std::chrono::seconds(opts.read_timeout_s));
            auto [rec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
            if (rec == bhttp::error::body_limit) {
                co_await WriteError(stream, {ErrorCode::kPayloadTooLarge, "payload_too_large",
                                             "Request body is too large"});
                break;
            }
            if (rec == bhttp::error::header_limit) {
                auto res = ToBeast(Failure(InvalidArgument("headers_too_large",
                                                           "Request headers are too large")),
                                   11, false);
                res.result(bhttp::status::request_header_fields_too_large);
                co_await bhttp::async_write(stream, res, kTuple);
                break;
            }
            if (rec && rec.category() == beast::error_code(bhttp::error::bad_target).category() &&
                rec != bhttp::error::end_of_stream && rec != bhttp::error::partial_message) {
                co_await WriteError(stream, InvalidArgument("bad_request", "Malformed HTTP request"));
                break;
            }
            if (rec) break;  // closed, timed out, or truncated
            auto& msg = parser.get();
            unsigned version = msg.version();
            bool keep = msg.keep_alive();
            Request req = Convert(msg, remote);
            ++in_flight;
            Response resp = co_await Handle(req);
            keep = keep && !stopping;
            auto res = ToBeast(std::move(resp), version, keep);
            auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
            if (--in_flight == 0 && stopping) cv.notify_all();
            if (wec || !keep) break;
        }
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        --connections;
    }

    asio::awaitable<void> Accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(kTuple);
            if (ec) {
                if (stopping || ec == asio::error::operation_aborted) co_return;
                continue;
            }
            if (connections.load() >= opts.max_connections) {
                beast::tcp_stream s(std::move(socket));
                co_await WriteError(s, Unavailable("too_many_connections", "Server is busy"));
                continue;
            }
            ++connections;
            socket.set_option(tcp::no_delay(true), ec);
            asio::co_spawn(ioc, Session(std::move(socket)), asio::detached);
        }
    }
};

Server::Server(ServerOptions opts, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(opts), router)) {}

Server::~Server() {
    Stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
}

uint16_t Server::Start() {
    auto& i = *impl_;
    tcp::endpoint ep(asio::ip::make_address(i.opts.host), i.opts.port);
    i.acceptor.open(ep.protocol());
    i.acceptor.set_option(asio::socket_base::reuse_address(true));
    i.acceptor.bind(ep);
    i.acceptor.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(i.ioc, i.Accept(), asio::detached);
    for (int t = 0; t < std::max(1, i.opts.io_threads); ++t)
        i.threads.emplace_back([&i] { i.ioc.run(); });
    return i.acceptor.local_endpoint().port();
}

void Server::Run(bool handle_signals) {
    auto& i = *impl_;
    std::unique_ptr<asio::signal_set> signals;
    if (handle_signals) {
        signals = std::make_unique<asio::signal_set>(i.ioc, SIGTERM, SIGINT);
        signals->async_wait([this](const beast::error_code& ec, int sig) {
            if (ec) return;
            Logger("http")->info("signal={} shutting down gracefully", sig);
            std::thread([this] { Stop(); }).detach();
        });
    }
    std::unique_lock lock(i.mu);
    i.cv.wait(lock, [&] { return i.stopped; });
}

void Server::Stop() {
    auto& i = *impl_;
    if (i.stopping.exchange(true)) {
        std::unique_lock lock(i.mu);
        i.cv.wait(lock, [&] { return i.stopped; });
        return;
    }
    asio::post(i.ioc, [&i] {
        beast::error_code ec;
        i.acceptor.close(ec);
    });
    {
        std::unique_lock lock(i.mu);
        i.cv.wait_for(lock, std::chrono::seconds(i.opts.shutdown_grace_s),
                      [&] { return i.in_flight.load() == 0; });
    }
    i.ioc.stop();
    i.handlers->join();
    for (auto& t : i.threads)
        if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
    {
        std::lock_guard lock(i.mu);
        i.stopped = true;
    }
    i.cv.notify_all();
    Logger("http")->info("server stopped");
}

}  // namespace ps::http
