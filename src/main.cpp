// powershare: one binary, subcommands (serve, worker, migrate, admin, simulate, version).
#include <malloc.h>

#include "app/commands.hpp"

int main(int argc, char** argv) {
    // glibc gives each thread that allocates its own arena, up to 8 per core, and arenas keep
    // what was freed: with the request handler pools that is tens of MB of resident memory for
    // nothing on a 2-core machine. A few arenas serve that many cores as well.
    mallopt(M_ARENA_MAX, 4);
    return ps::app::Main(argc, argv);
}
