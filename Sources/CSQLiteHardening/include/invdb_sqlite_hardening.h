#ifndef INVDB_SQLITE_HARDENING_H
#define INVDB_SQLITE_HARDENING_H

#include <sqlite3.h>

/// Applies SQLite's defensive settings to a connection that will run SQL invdb did not write
/// (a saved check, `invdb query`): SQLITE_DBCONFIG_DEFENSIVE on, the two-argument
/// fts3_tokenizer() off, untrusted schema, no extension loading, no triggers or views with
/// side effects, and limits on value and statement sizes. Returns SQLITE_OK or the first error.
/// (sqlite3_db_config is variadic, which Swift cannot call.)
int invdb_sqlite_harden(sqlite3 *db);

/// 1 when the connection's FTS3 tokenizer function is disabled (for tests).
int invdb_sqlite_fts3_tokenizer_enabled(sqlite3 *db);

/// Process-wide settings, applied before the first connection opens (SQLite refuses them after):
/// memory statistics off. Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialised.
int invdb_sqlite_configure_process(void);

#endif
