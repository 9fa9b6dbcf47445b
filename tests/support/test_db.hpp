// A fresh, migrated database for one test, on the backend named by POWERSHARE_TEST_BACKEND
// (sqlite, the default, or postgres with POWERSHARE_TEST_PG_DSN). SQLite gets a new file;
// PostgreSQL gets a new schema selected through the connection's search_path.
#pragma once

#include <memory>
#include <string>

#include "db/database.hpp"

namespace ps::test {

bool UsingPostgres();

struct TestDatabase {
    std::string url;  // a DATABASE_URL that reaches this database (for a server process)
    std::unique_ptr<db::Database> db;
};

// Creates and migrates. Aborts the test binary with a message if the backend is unreachable.
TestDatabase MakeTestDatabase(int pool_size = 4);

}  // namespace ps::test
