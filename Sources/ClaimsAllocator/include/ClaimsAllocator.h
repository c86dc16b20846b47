#ifndef CLAIMS_ALLOCATOR_H
#define CLAIMS_ALLOCATOR_H

/// The version of the jemalloc the process allocates with (e.g. "5.3.0-0-g54eaed1d…"), or NULL
/// when jemalloc is not what malloc calls (docs/batch.md, "The allocator").
const char *claims_allocator_version(void);

/// The options jemalloc started with (`malloc_conf` below), for the benchmark's record.
const char *claims_allocator_options(void);

#endif
