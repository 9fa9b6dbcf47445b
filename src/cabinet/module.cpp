#include "cabinet/module.hpp"

#include "cabinet/mqtt_transport.hpp"
#include "core/log.hpp"

namespace ps::cabinet {

CabinetModule::CabinetModule(db::Database& db, const Clock& clock, Random& random,
                             CabinetSettings settings)
    : db_(db), clock_(clock), random_(random), settings_(std::move(settings)),
      commands_(clock, random) {
    if (settings_.mqtt_broker.empty()) {
        memory_broker_ = std::make_unique<MemoryBroker>();
        transport_ = memory_broker_->NewClient(settings_.mqtt_client_id);
    } else {
        MqttOptions o;
        ParseHostPort(settings_.mqtt_broker, o.host, o.port);  // validated with the config
        o.client_id = settings_.mqtt_client_id + "-" + random_.Token(6);
        if (!settings_.mqtt_password.empty()) {
            o.username = settings_.mqtt_username;
            o.password = settings_.mqtt_password;
        }
        transport_ = std::make_unique<MqttTransport>(std::move(o));
    }
    BrokerAuthOptions a = settings_.auth;
    if (!settings_.mqtt_password.empty()) {
        a.server_username = settings_.mqtt_username;
        a.server_password = settings_.mqtt_password;
    }
    auth_ = std::make_unique<BrokerAuth>(db_, std::move(a), random_);
    LinkOptions lo = settings_.link;
    lo.timing = settings_.dispatch.timing;
    if (lo.workers <= 0) lo.workers = db_.backend() == db::Backend::kPostgres ? 4 : 1;
    if (lo.batch_limit == 0) lo.batch_limit = db_.backend() == db::Backend::kPostgres ? 8 : 64;
    link_ = std::make_unique<Link>(db_, clock_, random_, events_, commands_, lo);
    DispatcherOptions dopt = settings_.dispatch;
    if (dopt.threads <= 0) dopt.threads = db_.backend() == db::Backend::kPostgres ? 2 : 1;
    dispatcher_ = std::make_unique<Dispatcher>(db_, clock_, *transport_, events_, dopt);
    link_->SetWake([this](const std::string& station_id) { dispatcher_->Wake(station_id); });
    link_->Attach(*transport_, settings_.mqtt_broker.empty() ? "" : settings_.mqtt_shared_group);
    endpoints_ = std::make_unique<CabinetEndpoints>(db_, clock_, random_, *link_, *auth_, settings_.http);
}

CabinetModule::~CabinetModule() { Stop(); }

Status CabinetModule::Start() {
    if (started_) return Ok{};
    RETURN_IF_ERROR(auth_->Start());  // files from the database, then the coalescing writer
    RETURN_IF_ERROR(transport_->Start());
    link_->Start();
    if (settings_.run_dispatcher) dispatcher_->Start();
    started_ = true;
    Logger("cabinet")->info("cabinet link started broker={} dispatcher={}",
                            settings_.mqtt_broker.empty() ? "in-process" : settings_.mqtt_broker,
                            settings_.run_dispatcher);
    return Ok{};
}

void CabinetModule::Stop() {
    if (!started_) return;
    dispatcher_->Stop();
    transport_->Stop();
    link_->Stop();
    auth_->Stop();
    started_ = false;
}

void CabinetModule::RegisterRoutes(http::Router& router) {
    endpoints_->Register(router);
    RegisterAdminCabinetRoutes(router, *this);
    RegisterBridgeRoutes(router, *this);
}

void CabinetModule::RegisterJobs(jobs::Registry& registry, std::vector<jobs::PeriodicJob>& periodic) {
    RegisterCabinetJobs(registry, periodic, db_, clock_, settings_.jobs);
}

}  // namespace ps::cabinet
