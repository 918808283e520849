#include "invdb_sqlite_hardening.h"

int invdb_sqlite_harden(sqlite3 *db) {
    int rc;
    int ignored = 0;
    if ((rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &ignored)) != SQLITE_OK) return rc;
    if ((rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, &ignored)) != SQLITE_OK) return rc;
    if ((rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &ignored)) != SQLITE_OK) return rc;
    if ((rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &ignored)) != SQLITE_OK) return rc;
    /* A value or a row of a check result larger than 64 MB is an attack, not a result. */
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 64 * 1024 * 1024);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 4 * 1024 * 1024);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    return SQLITE_OK;
}

int invdb_sqlite_fts3_tokenizer_enabled(sqlite3 *db) {
    int enabled = -1;
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, -1, &enabled);
    return enabled;
}

int invdb_sqlite_configure_process(void) {
    /* Memory statistics take a process-wide mutex on every allocation, which the check workers
       and the results consumer then contend for; invdb never reads the statistics. */
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
