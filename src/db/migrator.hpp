// Numbered migrations (migrations/NNNN_name.sql, embedded in the binary), applied in order,
// each in its own transaction, recorded in schema_migrations. Portable SQL with a few macros
// expanded per backend: {{ID}} (auto-increment integer primary key), {{BIGINT}}, {{REAL}}.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/database.hpp"

namespace ps::db {

using Migration = std::pair<std::string_view, std::string_view>;  // name, sql

std::string ExpandDialect(std::string_view sql, Backend backend);
// Applies every migration not yet applied; returns how many ran. Safe against concurrent
// nodes on PostgreSQL (an advisory lock) and SQLite (BEGIN IMMEDIATE).
Result<int> Migrate(Database& db, const std::vector<Migration>& migrations);
const std::vector<Migration>& EmbeddedMigrations();

}  // namespace ps::db
