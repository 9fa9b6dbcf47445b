// Unit tests of request-body parsing (http/body.hpp): JSON, multipart/form-data,
// application/x-www-form-urlencoded, the Content-Type dispatch and the UTF-8 / percent helpers.
#include "http/body.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

namespace ps::http {
namespace {

namespace json = boost::json;

constexpr std::string_view kMultipart = "multipart/form-data; boundary=XyZ";

::testing::AssertionResult FailsWith(const Result<Body>& r, std::string_view slug,
                                     ErrorCode code = ErrorCode::kInvalidArgument) {
    if (r.ok()) return ::testing::AssertionFailure() << "parsed, expected " << slug;
    if (r.error().slug != slug || r.error().code != code) {
        return ::testing::AssertionFailure()
               << "got " << r.error().slug << " (" << r.error().message << "), expected " << slug;
    }
    return ::testing::AssertionSuccess();
}

// One CRLF multipart part with boundary XyZ.
std::string PartOf(std::string_view headers, std::string_view data) {
    return "--XyZ\r\n" + std::string(headers) + "\r\n\r\n" + std::string(data) + "\r\n";
}

std::string Field(std::string_view name, std::string_view value) {
    return PartOf("Content-Disposition: form-data; name=\"" + std::string(name) + "\"", value);
}

const std::string kClose = "--XyZ--\r\n";

// ---- JSON ----

TEST(BodyJsonTest, ObjectBecomesFields) {
    auto r = ParseBody("application/json",
                       R"({"name":"Dock 7","capacity":12,"tags":["a","b"],"geo":{"lat":23.8}})");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->fields.at("name").as_string(), "Dock 7");
    EXPECT_EQ(r->fields.at("capacity").as_int64(), 12);
    EXPECT_EQ(r->fields.at("tags").as_array().size(), 2u);
    EXPECT_DOUBLE_EQ(r->fields.at("geo").at("lat").as_double(), 23.8);
    EXPECT_TRUE(r->files.empty());
}

TEST(BodyJsonTest, MediaTypeIsCaseInsensitiveAndParametersIgnored) {
    auto r = ParseBody("  Application/JSON ; charset=UTF-8", R"({"a":"b"})");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->fields.at("a").as_string(), "b");
}

TEST(BodyJsonTest, EmptyBodyIsEmptyObject) {
    auto r = ParseBody("application/json", "");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->fields.empty());
    EXPECT_TRUE(r->files.empty());
}

TEST(BodyJsonTest, NonObjectTopLevelRejected) {
    for (std::string_view body : {"[1,2]", "\"x\"", "42", "null", "true"}) {
        EXPECT_TRUE(FailsWith(ParseBody("application/json", body), "invalid_json")) << body;
    }
}

TEST(BodyJsonTest, MalformedRejected) {
    for (std::string_view body : {R"({"a":)", R"({"a":1}x)", R"({"a":1,})", R"({"a":1} // c)",
                                  "{'a':1}", "  ", "\xEF\xBB\xBF{}"}) {
        EXPECT_TRUE(FailsWith(ParseBody("application/json", body), "invalid_json")) << body;
    }
}

TEST(BodyJsonTest, InvalidUtf8InStringRejected) {
    for (std::string_view body :
         {"{\"a\":\"\xC3\x28\"}", "{\"a\":\"\xC0\xAF\"}", "{\"a\":\"\xED\xA0\x80\"}",
          "{\"a\":\"\xF4\x90\x80\x80\"}", "{\"\xFF\":1}", R"({"a":"\ud800"})"}) {
        EXPECT_TRUE(FailsWith(ParseBody("application/json", body), "invalid_json"));
    }
    auto ok = ParseBody("application/json", "{\"a\":\"S\xC3\xA3o \xF0\x9F\x94\x8B\"}");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->fields.at("a").as_string(), "S\xC3\xA3o \xF0\x9F\x94\x8B");
}

TEST(BodyJsonTest, DepthLimitIs32) {
    auto nested = [](int depth) {  // depth-1 objects around one empty array
        std::string s;
        for (int i = 1; i < depth; ++i) s += "{\"a\":";
        return s + "[]" + std::string(depth - 1, '}');
    };
    EXPECT_TRUE(ParseBody("application/json", nested(32)).ok());
    EXPECT_TRUE(FailsWith(ParseBody("application/json", nested(33)), "invalid_json"));
    std::string bomb = "{\"a\":" + std::string(100000, '[');
    EXPECT_TRUE(FailsWith(ParseBody("application/json", bomb), "invalid_json"));
}

TEST(BodyJsonTest, OutOfRangeNumberRejected) {
    for (std::string_view body : {R"({"amount":1e400})", R"({"a":[{"b":-1e999}]})"}) {
        EXPECT_TRUE(FailsWith(ParseBody("application/json", body), "invalid_json")) << body;
    }
    auto tiny = ParseBody("application/json", R"({"a":1e-400,"b":-0.0,"c":1.5e308})");
    ASSERT_TRUE(tiny.ok());
    EXPECT_EQ(tiny->fields.at("a").as_double(), 0.0);
    EXPECT_EQ(tiny->fields.at("c").as_double(), 1.5e308);
}

TEST(BodyJsonTest, DuplicateKeyKeepsLast) {
    auto r = ParseBody("application/json", R"({"a":1,"a":2})");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->fields.at("a").as_int64(), 2);
}

// ---- multipart/form-data ----

TEST(BodyMultipartTest, RepeatedKeysBecomeArrayInOrder) {
    std::string body = Field("name", "Dock 7") + Field("amenity_ids", "3") +
                       Field("amenity_ids", "1") + Field("amenity_ids", "2") + kClose;
    auto r = ParseBody(kMultipart, body);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->fields.at("name"), json::value("Dock 7"));
    EXPECT_EQ(json::serialize(r->fields.at("amenity_ids")), R"(["3","1","2"])");
    EXPECT_TRUE(r->files.empty());
}

TEST(BodyMultipartTest, JsonLookingFieldsStayStrings) {
    std::string body = PartOf(
                           "Content-Disposition: form-data; name=\"meta\"\r\n"
                           "Content-Type: application/json",
                           R"({"a":1})") +
                       Field("count", "12") + Field("flag", "true") + Field("empty", "") + kClose;
    auto r = ParseBody(kMultipart, body);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->fields.at("meta"), json::value(R"({"a":1})"));
    EXPECT_EQ(r->fields.at("count"), json::value("12"));
    EXPECT_EQ(r->fields.at("flag"), json::value("true"));
    EXPECT_EQ(r->fields.at("empty"), json::value(""));
}

TEST(BodyMultipartTest, FilePartsGoToFiles) {
    std::string png("\x89PNG\r\n\x1A\n\x00\xFF", 10);
    std::string body =
        Field("title", "photo") +
        PartOf(
            "content-disposition: FORM-DATA; name=\"photo\"; filename=\"a \\\"b\\\"; c.png\"\r\n"
            "Content-Type: image/png",
            png) +
        PartOf("Content-Disposition: form-data; name=doc; filename=C:\\tmp\\x.pdf", "%PDF") +
        kClose;
    auto r = ParseBody(kMultipart, body);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->files.size(), 2u);
    EXPECT_EQ(r->files[0].field, "photo");
    EXPECT_EQ(r->files[0].filename, "a \"b\"; c.png");
    EXPECT_EQ(r->files[0].content_type, "image/png");
    EXPECT_EQ(r->files[0].data, png);
    EXPECT_EQ(r->files[1].field, "doc");
    EXPECT_EQ(r->files[1].filename, "C:\\tmp\\x.pdf");
    EXPECT_EQ(r->files[1].content_type, "");
    EXPECT_EQ(r->files[1].data, "%PDF");
    EXPECT_EQ(r->fields.size(), 1u);
    EXPECT_FALSE(r->fields.contains("photo"));
}

TEST(BodyMultipartTest, EmptyFilenameIsAnUnchosenFileAndDropped) {
    std::string body =
        PartOf("Content-Disposition: form-data; name=\"photo\"; filename=\"\"", "") + kClose;
    auto r = ParseBody(kMultipart, body);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->files.empty());
    EXPECT_TRUE(r->fields.empty());
}

TEST(BodyMultipartTest, QuotedBoundary) {
    std::string body =
        "--a:b=c?d\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--a:b=c?d--";
    auto r = ParseBody("Multipart/Form-Data; charset=utf-8; boundary=\"a:b=c?d\"", body);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->fields.at("x"), json::value("1"));
}

TEST(BodyMultipartTest, BadBoundaryParameterRejected) {
    std::string body = Field("x", "1") + kClose;
    for (std::string_view ct :
         {"multipart/form-data", "multipart/form-data; boundary=",
          "multipart/form-data; boundary=\"\"", "multipart/form-data; boundary=\"XyZ",
          "multipart/form-data; boundary=XyZ; boundary=XyZ", "multipart/form-data; boundary=a{b",
          "multipart/form-data; boundary=\"ab \"", "multipart/form-data; =XyZ"}) {
        EXPECT_TRUE(FailsWith(ParseBody(ct, body), "invalid_multipart")) << ct;
    }
    EXPECT_TRUE(FailsWith(ParseMultipart(std::string(71, 'a'), body), "invalid_multipart"));
    EXPECT_TRUE(ParseMultipart("XyZ", body).ok());
}

TEST(BodyMultipartTest, PreambleAndEpilogueIgnored) {
    std::string body = "This is a preamble.\r\n" + Field("x", "1") + "--XyZ--\r\nepilogue --XyZ";
    auto r = ParseMultipart("XyZ", body);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->fields.at("x"), json::value("1"));
    EXPECT_EQ(r->fields.size(), 1u);
}

TEST(BodyMultipartTest, NoPartsIsEmpty) {
    auto r = ParseMultipart("XyZ", "--XyZ--\r\n");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->fields.empty());
}

TEST(BodyMultipartTest, BareLfAcceptedWhenConsistent) {
    auto r = ParseMultipart("XyZ",
                            "--XyZ\nContent-Disposition: form-data; name=\"x\"\n\nline1\r\nline2\n"
                            "--XyZ\nContent-Disposition: form-data; name=\"y\"\n\n2\n--XyZ--\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->fields.at("x"), json::value("line1\r\nline2"));
    EXPECT_EQ(r->fields.at("y"), json::value("2"));
    // CRLF first, then a bare-LF header line.
    EXPECT_TRUE(FailsWith(ParseMultipart("XyZ",
                                         "--XyZ\r\nContent-Disposition: form-data; name=\"x\"\n\n1"
                                         "\r\n--XyZ--"),
                          "invalid_multipart"));
}

TEST(BodyMultipartTest, TruncatedRejected) {
    std::string full = Field("a", "1") + Field("b", "2") + kClose;
    size_t closing = full.rfind("\r\n--XyZ--");
    // Every cut that loses the closing delimiter fails; cutting only its trailing CRLF is fine.
    for (size_t len = 0; len < closing + 9; ++len) {
        EXPECT_TRUE(FailsWith(ParseMultipart("XyZ", full.substr(0, len)), "invalid_multipart"))
            << len;
    }
    EXPECT_TRUE(ParseMultipart("XyZ", full.substr(0, closing + 9)).ok());
}

TEST(BodyMultipartTest, MissingClosingBoundaryRejected) {
    EXPECT_TRUE(FailsWith(ParseMultipart("XyZ", Field("a", "1")), "invalid_multipart"));
    EXPECT_TRUE(FailsWith(ParseMultipart("XyZ", Field("a", "1") + "--XyZ"), "invalid_multipart"));
    EXPECT_TRUE(
        FailsWith(ParseMultipart("XyZ", Field("a", "1") + "--XyZZY--\r\n"), "invalid_multipart"));
    EXPECT_TRUE(FailsWith(ParseMultipart("XyZ", "no boundary at all"), "invalid_multipart"));
    EXPECT_TRUE(FailsWith(ParseBody(kMultipart, "x"), "invalid_multipart"));
}

TEST(BodyMultipartTest, MissingOrBadDispositionRejected) {
    for (std::string_view headers :
         {"Content-Disposition: form-data", "Content-Disposition: form-data; name=\"\"",
          "Content-Disposition: form-data; filename=\"a.txt\"", "Content-Type: text/plain",
          "Content-Disposition: attachment; name=\"a\"", "Content-Disposition: form-data; name=",
          "Content-Disposition: form-data; name=\"a", "Content-Disposition: form-data name=\"a\"",
          "Content-Disposition: form-data; name=\"a\"; name=\"b\"",
          "Content-Disposition: form-data; name=\"a\"; filename=x; filename=y"}) {
        EXPECT_TRUE(
            FailsWith(ParseMultipart("XyZ", PartOf(headers, "v") + kClose), "invalid_multipart"))
            << headers;
    }
    // No header at all: the part starts with its blank line.
    EXPECT_TRUE(FailsWith(ParseMultipart("XyZ", "--XyZ\r\n\r\nv\r\n--XyZ--"), "invalid_multipart"));
}

TEST(BodyMultipartTest, GarbageOrDuplicateHeadersRejected) {
    const std::string cd = "Content-Disposition: form-data; name=\"a\"";
    for (const std::string& headers :
         {cd + "\r\n" + cd, cd + "\r\nContent-Type: text/plain\r\ncontent-type: text/html",
          cd + "\r\nnot a header", cd + "\r\n folded continuation", cd + "\r\n: empty name",
          cd + "\r\nX-Bad: a\x01z", cd + "\r\nX-Bad: \xFF"}) {
        EXPECT_TRUE(
            FailsWith(ParseMultipart("XyZ", PartOf(headers, "v") + kClose), "invalid_multipart"))
            << headers;
    }
    auto ok = ParseMultipart("XyZ", PartOf(cd + "\r\nX-Custom: ok", "v") + kClose);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->fields.at("a"), json::value("v"));
}

TEST(BodyMultipartTest, InvalidUtf8TextRejectedButFileDataIsBinary) {
    EXPECT_TRUE(
        FailsWith(ParseMultipart("XyZ", Field("a", "\xC3\x28") + kClose), "invalid_multipart"));
    EXPECT_TRUE(
        FailsWith(ParseMultipart("XyZ", Field("a", "\xED\xA0\x80") + kClose), "invalid_multipart"));
    auto file = ParseMultipart(
        "XyZ",
        PartOf("Content-Disposition: form-data; name=\"f\"; filename=\"f.bin\"", "\xC3\x28") +
            kClose);
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->files.at(0).data, "\xC3\x28");
}

TEST(BodyMultipartTest, PartLimitIs1000) {
    std::string body;
    for (int i = 0; i < 1000; ++i) body += Field("k", "v");
    auto ok = ParseMultipart("XyZ", body + kClose);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->fields.at("k").as_array().size(), 1000u);
    EXPECT_TRUE(
        FailsWith(ParseMultipart("XyZ", body + Field("k", "v") + kClose), "invalid_multipart"));
}

TEST(BodyMultipartTest, HeaderBlockLimitIs8KiB) {
    const std::string cd = "Content-Disposition: form-data; name=\"a\"\r\nX-Pad: ";
    // Header block = cd + pad + CRLF CRLF.
    std::string fits = cd + std::string(8192 - cd.size() - 4, 'p');
    std::string over = cd + std::string(8192 - cd.size() - 3, 'p');
    EXPECT_TRUE(ParseMultipart("XyZ", PartOf(fits, "v") + kClose).ok());
    EXPECT_TRUE(FailsWith(ParseMultipart("XyZ", PartOf(over, "v") + kClose), "invalid_multipart"));
}

// ---- application/x-www-form-urlencoded ----

TEST(BodyFormTest, PlusPercentAndRepeatedKeys) {
    auto r = ParseBody("application/x-www-form-urlencoded; charset=UTF-8",
                       "name=John+Doe&city=S%C3%A3o%20Paulo&amenity_ids=1&amenity_ids=2"
                       "&amenity_ids=3&q=a%2Bb%26c%3Dd&caf%C3%A9=%E2%98%95");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->fields.at("name"), json::value("John Doe"));
    EXPECT_EQ(r->fields.at("city"), json::value("S\xC3\xA3o Paulo"));
    EXPECT_EQ(json::serialize(r->fields.at("amenity_ids")), R"(["1","2","3"])");
    EXPECT_EQ(r->fields.at("q"), json::value("a+b&c=d"));
    EXPECT_EQ(r->fields.at("caf\xC3\xA9"), json::value("\xE2\x98\x95"));
}

TEST(BodyFormTest, EmptyValuesAndSegments) {
    auto r = ParseFormUrlEncoded("a&&b=&c=x=y&");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->fields.size(), 3u);
    EXPECT_EQ(r->fields.at("a"), json::value(""));
    EXPECT_EQ(r->fields.at("b"), json::value(""));
    EXPECT_EQ(r->fields.at("c"), json::value("x=y"));
}

TEST(BodyFormTest, BadPercentEscapeRejected) {
    for (std::string_view body : {"a=%", "a=%4", "a=%G1", "a=%4g&b=1", "%zz=1", "a=100%"}) {
        EXPECT_TRUE(FailsWith(ParseBody("application/x-www-form-urlencoded", body), "invalid_form"))
            << body;
    }
}

TEST(BodyFormTest, InvalidUtf8AndEmptyNameRejected) {
    for (std::string_view body : {"a=%FF", "a=%C0%AF", "a=%ED%A0%80", "%FF=1", "a=\xFF", "=1"}) {
        EXPECT_TRUE(FailsWith(ParseFormUrlEncoded(body), "invalid_form")) << body;
    }
}

TEST(BodyFormTest, FieldLimitIs1000) {
    std::string body = "k=v";
    for (int i = 1; i < 1000; ++i) body += "&k=v";
    EXPECT_TRUE(ParseFormUrlEncoded(body).ok());
    EXPECT_TRUE(FailsWith(ParseFormUrlEncoded(body + "&k=v"), "invalid_form"));
}

// ---- dispatch ----

TEST(BodyDispatchTest, UnsupportedContentTypeRejected) {
    for (std::string_view ct : {"text/plain", "", "application/xml", "application/jsonx",
                                "multipart/mixed; boundary=XyZ", "application/merge-patch+json"}) {
        EXPECT_TRUE(
            FailsWith(ParseBody(ct, "{}"), "unsupported_media_type", ErrorCode::kUnsupportedMedia))
            << ct;
    }
    auto empty = ParseBody("text/plain", "");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->fields.empty());
}

// ---- helpers ----

TEST(BodyHelpersTest, PercentDecode) {
    std::string out = "stale";
    EXPECT_TRUE(PercentDecode("a+b%20c%2b%41%7e", out));
    EXPECT_EQ(out, "a b c+A~");
    EXPECT_TRUE(PercentDecode("%00", out));
    EXPECT_EQ(out, std::string(1, '\0'));
    EXPECT_TRUE(PercentDecode("", out));
    EXPECT_EQ(out, "");
    EXPECT_FALSE(PercentDecode("%", out));
    EXPECT_FALSE(PercentDecode("%a", out));
    EXPECT_FALSE(PercentDecode("%-1", out));
}

TEST(BodyHelpersTest, IsValidUtf8) {
    EXPECT_TRUE(IsValidUtf8(""));
    EXPECT_TRUE(IsValidUtf8("plain ASCII \x7F"));
    EXPECT_TRUE(IsValidUtf8("\xC2\x80\xDF\xBF"));                  // U+0080, U+07FF
    EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80\xED\x9F\xBF"));          // U+0800, U+D7FF
    EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80\xEF\xBF\xBF"));          // U+E000, U+FFFF
    EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"));  // U+10000, U+10FFFF
    EXPECT_FALSE(IsValidUtf8("\x80"));                             // lone continuation
    EXPECT_FALSE(IsValidUtf8("\xC0\x80"));                         // overlong NUL
    EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));                         // overlong
    EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));                     // overlong
    EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));                 // overlong
    EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));                     // U+D800
    EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));                     // U+DFFF
    EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));                 // U+110000
    EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
    EXPECT_FALSE(IsValidUtf8("\xFF"));
    EXPECT_FALSE(IsValidUtf8("\xE2\x82"));      // truncated
    EXPECT_FALSE(IsValidUtf8("\xE2\x28\xA1"));  // bad continuation
    EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x94"));  // truncated 4-byte
}

}  // namespace
}  // namespace ps::http
