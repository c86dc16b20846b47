#ifndef CSQLITESETUP_H
#define CSQLITESETUP_H

/// Turns SQLite's memory statistics off for the whole process (`sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)`,
/// a variadic call Swift cannot make). Only takes effect before SQLite initializes (the first
/// connection opened); afterwards SQLite answers SQLITE_MISUSE and nothing changes. Returns SQLite's code.
int claims_sqlite_memory_statistics_off(void);

#endif
