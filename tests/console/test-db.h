/*
 * test-db.h - the console tests' DB: a new one in a folder of its own,
 * with the schema store_open makes and the rows of the test's SQL.
 * Header-only: each test is one executable (tests/meson.build).
 */
#ifndef OTS_TESTS_CONSOLE_TEST_DB_H
#define OTS_TESTS_CONSOLE_TEST_DB_H

#include <stdio.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/store.h"

typedef struct TestDb {
    char *dir;
    char *path;
} TestDb;

/* Makes the DB (dir_template as for g_dir_make_tmp) and fills it; false
 * after a "Bail out!" line. */
static bool test_db_make(TestDb *t, const char *dir_template, const char *fill_sql)
{
    t->dir = g_dir_make_tmp(dir_template, NULL);
    t->path = g_build_filename(t->dir ? t->dir : ".", "t.db", NULL);
    Err err;
    err_clear(&err);
    Store *s = store_open(t->path, STORE_READ_WRITE, &err);
    store_close(s);
    sqlite3 *db = NULL;
    bool ok = s && sqlite3_open(t->path, &db) == SQLITE_OK &&
              sqlite3_exec(db, fill_sql, NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        printf("Bail out! cannot make the test DB: %s\n", db ? sqlite3_errmsg(db) : err.msg);
    sqlite3_close(db);
    return ok;
}

static void test_db_remove(TestDb *t)
{
    unlink(t->path);
    rmdir(t->dir);
    g_free(t->path);
    g_free(t->dir);
}

#endif /* OTS_TESTS_CONSOLE_TEST_DB_H */
