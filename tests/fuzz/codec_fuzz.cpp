// libFuzzer target for the cabinet codec: every decoder on the input, and for each successful
// decode a re-encode that must give back the same bytes (or, for formats with several
// spellings, a message that decodes to the same value). Seeds: tests/fuzz/corpus/codec/.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "cabinet/codec.hpp"

namespace {

using namespace ps::cabinet;

void Check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "codec_fuzz: %s\n", what);
        std::abort();
    }
}

// `message` decoded from `input` under `options`; re-encoding must reproduce it.
void RoundTrip(const Message& message, ByteView input, const DecodeOptions& options) {
    ps::Result<Bytes> encoded = Encode(message);
    Check(encoded.ok(), "a decoded message does not encode");
    const Bytes& out = encoded.value();
    DecodeOptions strict = options;
    strict.verify_checksum = true;
    ps::Result<Message> again = Decode(out, strict);
    Check(again.ok(), "a re-encoded message does not decode");
    Check(again.value() == message, "decode(encode(m)) != m");
    if (std::holds_alternative<WifiScan>(message)) return;  // JSON has many spellings
    Check(out.size() == input.size(), "re-encoded frame has another size");
    const std::size_t body = input.size() - 1;  // CHK differs when verification was off
    Check(std::equal(out.begin(), out.begin() + body, input.begin()), "re-encoded bytes differ");
}

template <typename T>
void Typed(ps::Result<T> typed, const ps::Result<Message>& any) {
    Check(typed.ok() == false || (any.ok() && std::get<T>(any.value()) == typed.value()),
          "typed decoder disagrees with Decode");
}

void Frames(ByteView in, const DecodeOptions& options) {
    ps::Result<Message> any = Decode(in, options);
    if (any.ok()) RoundTrip(any.value(), in, options);
    Typed(DecodeInventory(in, options), any);
    Typed(DecodePopupHoleReply(in, options), any);
    Typed(DecodePopupSnReply(in, options), any);
    Typed(DecodeReturnReport(in, options), any);
    Typed(DecodeReturnSelfTest(in, options), any);
    Typed(DecodeHeartbeat(in, options), any);
    Typed(DecodeWifiScan(in, options), any);
    ps::Result<FrameView> frame = ParseFrame(in, options.verify_checksum);
    if (frame.ok()) {
        ps::Result<std::vector<int>> layout = InferLayout(frame.value().data, options.layout);
        (void)layout;
    }
}

void Text(std::string_view text) {
    ps::Result<Command> command = DecodeCommand(text);
    if (command.ok()) {
        ps::Result<Command> again = DecodeCommand(EncodeCommand(command.value()));
        Check(again.ok() && again.value() == command.value(), "command round trip");
    }
    ps::Result<ConnectData> connect = DecodeConnectData(text);
    if (connect.ok()) {
        ps::Result<ConnectData> again = DecodeConnectData(EncodeConnectData(connect.value()));
        Check(again.ok() && again.value() == connect.value(), "connect data round trip");
    }
    Params params;
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t amp = text.find('&', start);
        if (amp == std::string_view::npos) amp = text.size();
        const std::string_view kv = text.substr(start, amp - start);
        const std::size_t eq = kv.find('=');
        params.emplace_back(std::string(kv.substr(0, eq)),
                            eq == std::string_view::npos ? "" : std::string(kv.substr(eq + 1)));
        start = amp + 1;
    }
    Check(SignMatches(params, ComputeSign(params)), "sign does not match itself");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView in(data, size);
    Frames(in, DecodeOptions{});
    // Past the checksum, with a station override and slot count picked from the size.
    DecodeOptions deep;
    deep.verify_checksum = false;
    deep.layout = {static_cast<int>(size % 9)};  // 0 is an invalid override: ignored
    deep.slot_count = static_cast<int>(size % 23);
    Frames(in, deep);
    Text(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
