#include "app/system_routes.hpp"

#include <atomic>
#include <mutex>

#include "core/time_format.hpp"
#include "http/envelope.hpp"
#include "jobs/queue.hpp"

namespace ps {
std::string_view EmbeddedOpenApi();
}

namespace ps::app {

namespace json = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kDocsPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>PowerShare API</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}
h1{font-size:1.6em}h2{margin-top:1.5em;border-bottom:1px solid #ddd}code{background:#f4f4f4;padding:1px 4px}
.op{margin:.3em 0}.m{display:inline-block;width:4.5em;font-weight:bold}</style></head>
<body><h1>PowerShare API</h1><p>The machine-readable document is at <a href="/api/openapi.json"><code>/api/openapi.json</code></a>.</p>
<div id="ops">Loading…</div>
<script>
fetch('/api/openapi.json').then(r=>r.json()).then(doc=>{
  const byTag={};
  for(const [path,item] of Object.entries(doc.paths||{}))
    for(const [m,op] of Object.entries(item)){
      const tag=(op.tags||['other'])[0]; (byTag[tag]=byTag[tag]||[]).push([m.toUpperCase(),path,op.summary||'']);}
  const el=document.getElementById('ops'); el.textContent='';
  for(const tag of Object.keys(byTag).sort()){
    const h=document.createElement('h2'); h.textContent=tag; el.appendChild(h);
    for(const [m,p,s] of byTag[tag]){const d=document.createElement('div'); d.className='op';
      d.innerHTML='<span class="m"></span><code></code> <span></span>';
      d.children[0].textContent=m; d.children[1].textContent=p; d.children[2].textContent=s; el.appendChild(d);}}
});
</script></body></html>)";

// The database check is cached for a second so health stays cheap under load.
class HealthProbe {
public:
    HealthProbe(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
    std::string Database() {
        Micros now = clock_.Now();
        if (now - checked_.load() < kSecond) return ok_ ? "healthy" : "unhealthy";
        std::lock_guard lock(mu_);
        auto r = db_.Read([](db::Connection& c) { return c.Query("SELECT 1"); });
        ok_ = r.ok();
        checked_ = now;
        return ok_ ? "healthy" : "unhealthy";
    }

private:
    db::Database& db_;
    const Clock& clock_;
    std::mutex mu_;
    std::atomic<Micros> checked_{0};
    std::atomic<bool> ok_{false};
};

}  // namespace

void RegisterSystemRoutes(http::Router& r, db::Database& db, const Clock& clock,
                          http::Metrics& metrics, Micros started_at) {
    auto probe = std::make_shared<HealthProbe>(db, clock);
    r.Add("GET", "/api/app/health", Auth::kNone, [probe, &clock, started_at](Request&) {
        std::string dbs = probe->Database();
        json::object o{{"status", dbs == "healthy" ? "healthy" : "unhealthy"},
                       {"timestamp", FormatDt(clock.Now())},
                       {"version", POWERSHARE_VERSION},
                       {"database", dbs},
                       {"cache", "healthy"},
                       {"celery", "healthy"},
                       {"uptime_seconds", (clock.Now() - started_at) / kSecond}};
        return http::Success("Health check completed successfully", std::move(o),
                             dbs == "healthy" ? 200 : 503);
    });
    r.Add("GET", "/metrics", Auth::kNone, [&metrics](Request&) {
        Response resp;
        resp.content_type = "text/plain; version=0.0.4";
        resp.body = metrics.Render();
        return resp;
    });
    r.Add("GET", "/api/openapi.json", Auth::kNone, [](Request&) {
        Response resp;
        resp.body = std::string(EmbeddedOpenApi());
        return resp;
    });
    r.Add("GET", "/api/docs", Auth::kNone, [](Request&) {
        Response resp;
        resp.content_type = "text/html; charset=utf-8";
        resp.body = std::string(kDocsPage);
        return resp;
    });
    metrics.AddGauge("powershare_db_pool_size", "Database connections allowed",
                     [&db] { return db.Stats().size; });
    metrics.AddGauge("powershare_db_pool_in_use", "Database connections borrowed",
                     [&db] { return db.Stats().in_use; });
    metrics.AddGauge("powershare_jobs_pending", "Jobs waiting to run", [&db] {
        auto c = jobs::CountJobs(db);
        return c.ok() ? static_cast<double>(c->pending) : -1.0;
    });
    metrics.AddGauge("powershare_jobs_dead", "Jobs that exhausted their attempts", [&db] {
        auto c = jobs::CountJobs(db);
        return c.ok() ? static_cast<double>(c->dead) : -1.0;
    });
}

}  // namespace ps::app
