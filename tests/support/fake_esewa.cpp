// The fake eSewa ePay v2: form checks, signed success data and the status check, over
// LoopbackHttpServer. Signatures are computed here from eSewa's documented formula.
#include "support/fake_esewa.hpp"

#include <boost/json/serialize.hpp>
#include <cstdlib>

#include "core/crypto.hpp"
#include "domains/money/gateways/http_client.hpp"
#include "support/loopback_http.hpp"

namespace ps::test {

namespace {

namespace json = boost::json;

constexpr const char* kFormPath = "/api/epay/main/v2/form";
constexpr const char* kStatusPath = "/api/epay/transaction/status/";

LoopbackHttpServer::Response Refuse(int status, const std::string& message) {
    return {status, json::serialize(json::object{{"code", 0}, {"error_message", message}})};
}

std::string Field(const std::map<std::string, std::string>& fields, const std::string& name) {
    auto it = fields.find(name);
    return it == fields.end() ? "" : it->second;
}

// eSewa's amounts as numbers; commas (grouping) ignored.
double Rupees(std::string text) {
    std::erase(text, ',');
    return text.empty() ? -1 : std::strtod(text.c_str(), nullptr);
}

// "n1=v1,n2=v2" for the listed names, from the posted values.
std::string SignedText(const std::map<std::string, std::string>& fields, std::string names) {
    std::string text;
    names += ',';
    for (size_t start = 0, comma; (comma = names.find(',', start)) != std::string::npos;
         start = comma + 1) {
        std::string name = names.substr(start, comma - start);
        text += (text.empty() ? "" : ",") + name + "=" + Field(fields, name);
    }
    return text;
}

}  // namespace

FakeEsewa::FakeEsewa(std::string product_code, std::string secret_key)
    : product_code_(std::move(product_code)),
      secret_key_(std::move(secret_key)),
      server_([this](const Request& request) { return Handle(request); }) {}

std::string FakeEsewa::FormUrl() const { return server_.Origin() + kFormPath; }
std::string FakeEsewa::StatusUrl() const { return server_.Origin() + kStatusPath; }

std::string FakeEsewa::Sign(const std::string& message) const {
    return Base64Encode(HmacSha256(secret_key_, message));
}

std::string FakeEsewa::CallbackData(const std::string& uuid,
                                    const std::string& total_literal) const {
    std::lock_guard lock(mu_);
    const Payment& p = payments_.at(uuid);
    std::string literal = total_literal.empty() ? "\"" + p.total_amount + "\"" : total_literal;
    std::string total_text = literal;
    if (total_text.size() >= 2 && total_text.front() == '"') {
        total_text = total_text.substr(1, total_text.size() - 2);
    }
    const std::string names =
        "transaction_code,status,total_amount,transaction_uuid,product_code,signed_field_names";
    std::string code = "000" + p.ref_id;
    std::string signature =
        Sign("transaction_code=" + code + ",status=" + p.status + ",total_amount=" + total_text +
             ",transaction_uuid=" + p.uuid + ",product_code=" + p.product_code +
             ",signed_field_names=" + names);
    std::string text = R"({"transaction_code":")" + code + R"(","status":")" + p.status +
                       R"(","total_amount":)" + literal + R"(,"transaction_uuid":")" + p.uuid +
                       R"(","product_code":")" + p.product_code + R"(","signed_field_names":")" +
                       names + R"(","signature":")" + signature + R"("})";
    return Base64Encode(text);
}

void FakeEsewa::SetStatus(const std::string& uuid, const std::string& status) {
    std::lock_guard lock(mu_);
    payments_.at(uuid).status = status;
}

void FakeEsewa::SetReportedTotal(const std::string& uuid, double rupees) {
    std::lock_guard lock(mu_);
    payments_.at(uuid).reported_total = rupees;
}

std::optional<FakeEsewa::Payment> FakeEsewa::Find(const std::string& uuid) const {
    std::lock_guard lock(mu_);
    auto it = payments_.find(uuid);
    if (it == payments_.end()) return std::nullopt;
    return it->second;
}

FakeEsewa::Response FakeEsewa::Handle(const Request& request) {
    if (request.method == "POST" && request.path == kFormPath) return SubmitForm(request);
    if (request.method == "GET" && request.path == kStatusPath) return StatusCheck(request);
    return Refuse(404, "Not found");
}

FakeEsewa::Response FakeEsewa::SubmitForm(const Request& request) {
    if (request.Header("content-type").rfind("application/x-www-form-urlencoded", 0) != 0) {
        return Refuse(400, "Form data expected");
    }
    std::map<std::string, std::string> form = request.Form();
    for (const char* name :
         {"amount", "tax_amount", "product_service_charge", "product_delivery_charge",
          "total_amount", "transaction_uuid", "product_code", "success_url", "failure_url",
          "signed_field_names", "signature"}) {
        if (Field(form, name).empty()) return Refuse(400, std::string("Missing field ") + name);
    }
    if (form["product_code"] != product_code_) return Refuse(400, "Invalid product code");
    double sum = Rupees(form["amount"]) + Rupees(form["tax_amount"]) +
                 Rupees(form["product_service_charge"]) + Rupees(form["product_delivery_charge"]);
    if (Rupees(form["amount"]) <= 0 || sum != Rupees(form["total_amount"])) {
        return Refuse(400, "Total amount does not match");
    }
    std::string expected = Sign(SignedText(form, form["signed_field_names"]));
    if (!ConstantTimeEquals(expected, form["signature"])) {
        return Refuse(400, "Invalid payload signature");
    }
    const std::string uuid = form["transaction_uuid"];
    {
        std::lock_guard lock(mu_);
        if (payments_.count(uuid) != 0) return Refuse(409, "Duplicate transaction_uuid");
        Payment& p = payments_[uuid];
        p.uuid = uuid;
        p.product_code = form["product_code"];
        p.total_amount = form["total_amount"];
        p.success_url = form["success_url"];
        p.ref_id = "REF" + std::to_string(++next_ref_);
    }
    std::string location =
        form["success_url"] + "?data=" + money::PercentEncode(CallbackData(uuid));
    return {302, "", "text/html", {{"Location", location}}};
}

FakeEsewa::Response FakeEsewa::StatusCheck(const Request& request) const {
    const std::string uuid = Field(request.query, "transaction_uuid");
    const std::string code = Field(request.query, "product_code");
    const std::string total = Field(request.query, "total_amount");
    if (uuid.empty() || code.empty() || total.empty()) return Refuse(400, "Missing parameters");
    json::object reply{{"product_code", code},
                       {"transaction_uuid", uuid},
                       {"total_amount", Rupees(total)},
                       {"status", "NOT_FOUND"},
                       {"ref_id", nullptr}};
    std::lock_guard lock(mu_);
    auto it = payments_.find(uuid);
    if (it != payments_.end() && it->second.product_code == code &&
        Rupees(it->second.total_amount) == Rupees(total)) {
        const Payment& p = it->second;
        reply["status"] = p.status;
        reply["ref_id"] = p.ref_id;
        reply["total_amount"] = p.reported_total.value_or(Rupees(p.total_amount));
    }
    return {200, json::serialize(reply)};
}

}  // namespace ps::test
