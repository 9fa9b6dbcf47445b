// powershare: one binary, subcommands (serve, worker, migrate, admin, simulate, version).
#include "app/commands.hpp"

int main(int argc, char** argv) { return ps::app::Main(argc, argv); }
