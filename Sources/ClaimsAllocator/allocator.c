// The `claims` executable allocates through jemalloc instead of glibc's malloc (docs/batch.md,
// "The allocator"): this file is linked into the executable alone, with -ljemalloc, so jemalloc's
// malloc and free take the place of glibc's for every library of the process.
#include "ClaimsAllocator.h"

#ifdef __linux__
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

// jemalloc's own entry point (declared here rather than through <jemalloc/jemalloc.h>, whose
// unprefixed malloc declarations would meet glibc's in the Swift importer).
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);

// Read by jemalloc when it starts (before main). Why each option:
// - narenas:2 — one arena per core of the target machine (the default, four per core, kept eight
//   arenas' worth of free pages for a run's eight threads);
// - dirty_decay_ms:250 — freed pages go back to the kernel a quarter of a second after they are
//   freed (the default, ten seconds, kept the peak above the 100 MB goal at 400,000 encounters);
//   0 would return them at once, at the price of an madvise call per free (system time ×3);
// - muzzy_decay_ms:0 — no second, lazily-purged stage.
const char *malloc_conf = "narenas:2,dirty_decay_ms:250,muzzy_decay_ms:0";

const char *claims_allocator_version(void) {
    const char *version = NULL;
    size_t size = sizeof(version);
    if (mallctl("version", &version, &size, NULL, 0) != 0) return NULL;
    // Loaded is not enough: a malloc of this thread must go through it (were glibc's malloc bound
    // first, jemalloc would answer and serve nothing).
    unsigned long long before = 0, after = 0;
    size = sizeof(before);
    int status = mallctl("thread.allocated", &before, &size, NULL, 0);
    void *volatile probe = malloc(64);
    size = sizeof(after);
    status |= mallctl("thread.allocated", &after, &size, NULL, 0);
    free(probe);
    return status == 0 && after - before >= 64 ? version : NULL;
}

const char *claims_allocator_options(void) {
    // The options jemalloc runs with, read back from it (not `malloc_conf` repeated): were the
    // string not read, or overridden by MALLOC_CONF, this says so.
    static char text[96];
    unsigned arenas = 0;
    ssize_t dirty = -2, muzzy = -2;
    size_t size = sizeof(arenas);
    if (mallctl("opt.narenas", &arenas, &size, NULL, 0) != 0) return "unknown";
    size = sizeof(dirty);
    if (mallctl("opt.dirty_decay_ms", &dirty, &size, NULL, 0) != 0) return "unknown";
    size = sizeof(muzzy);
    if (mallctl("opt.muzzy_decay_ms", &muzzy, &size, NULL, 0) != 0) return "unknown";
    snprintf(text, sizeof(text), "narenas:%u,dirty_decay_ms:%zd,muzzy_decay_ms:%zd", arenas, dirty, muzzy);
    return text;
}

#else
// Elsewhere (macOS) the system's malloc stays: linking jemalloc there does not replace it.
#include <stddef.h>
const char *claims_allocator_version(void) { return NULL; }
const char *claims_allocator_options(void) { return ""; }
#endif
