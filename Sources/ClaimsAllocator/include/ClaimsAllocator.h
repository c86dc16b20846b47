#ifndef CLAIMS_ALLOCATOR_H
#define CLAIMS_ALLOCATOR_H

/// The version of the jemalloc the process allocates with (e.g. "5.3.0-0-g54eaed1d…"), or NULL
/// when jemalloc is not what malloc calls (docs/batch.md, "The allocator").
const char *claims_allocator_version(void);

/// The options jemalloc runs with, read back from it (`narenas:2,dirty_decay_ms:250,muzzy_decay_ms:0`
/// when it took `malloc_conf`), for the benchmark's record.
const char *claims_allocator_options(void);

#endif
