/*
 * traffic-profile.c - packets-per-minute profiles of conversations
 * (contract in traffic-profile.h), shared by the traffic-anomaly rule and
 * the baseline snapshot that learns what it compares against.
 */
#include "config.h"

#include "traffic-profile.h"

#include <string.h>

static const int64_t ns_per_minute = 60 * (int64_t)1000000000;

void traffic_samples_init(TrafficSamples *ts)
{
    memset(ts, 0, sizeof *ts);
    ts->ppm = g_array_new(FALSE, FALSE, sizeof(int64_t));
}

void traffic_samples_clear(TrafficSamples *ts)
{
    if (ts->ppm)
        g_array_free(ts->ppm, TRUE);
    sqlite3_finalize(ts->minutes);
    memset(ts, 0, sizeof *ts);
}

void traffic_samples_reset(TrafficSamples *ts)
{
    g_array_set_size(ts->ppm, 0);
    ts->active = 0;
}

typedef struct MinuteRow {
    int64_t minute;
    int64_t packets;
} MinuteRow;

static void push(TrafficSamples *ts, int64_t packets)
{
    g_array_append_val(ts->ppm, packets);
    if (packets > 0)
        ts->active++;
}

bool traffic_samples_add(TrafficSamples *ts, sqlite3 *db, const char *schema, int64_t comm_id,
                         int64_t from_ns, int64_t to_ns, Err *err)
{
    if (!ts->minutes) {
        char *sql = g_strdup_printf("SELECT minute, packets FROM %s.comm_minutes"
                                    " WHERE comm_id=? ORDER BY minute", schema);
        int rc = sqlite3_prepare_v2(db, sql, -1, &ts->minutes, NULL);
        g_free(sql);
        if (rc != SQLITE_OK)
            return err_set(err, ERR_DB, "traffic profile: %s", sqlite3_errmsg(db));
    }
    sqlite3_reset(ts->minutes);
    sqlite3_bind_int64(ts->minutes, 1, comm_id);
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(MinuteRow));
    int rc;
    while ((rc = sqlite3_step(ts->minutes)) == SQLITE_ROW) {
        MinuteRow row = { sqlite3_column_int64(ts->minutes, 0),
                          sqlite3_column_int64(ts->minutes, 1) };
        g_array_append_val(rows, row);
    }
    if (rc != SQLITE_DONE) {
        g_array_free(rows, TRUE);
        return err_set(err, ERR_DB, "traffic profile: %s", sqlite3_errmsg(db));
    }
    if (rows->len >= 2) {
        int64_t first_minute = g_array_index(rows, MinuteRow, 0).minute;
        int64_t last_minute = g_array_index(rows, MinuteRow, rows->len - 1).minute;
        guint next = 1;
        for (int64_t m = first_minute + 1; m < last_minute; m++) {
            while (next < rows->len && g_array_index(rows, MinuteRow, next).minute < m)
                next++;
            int64_t packets = next < rows->len && g_array_index(rows, MinuteRow, next).minute == m
                                  ? g_array_index(rows, MinuteRow, next).packets
                                  : 0;
            if (m * ns_per_minute >= from_ns && (m + 1) * ns_per_minute <= to_ns)
                push(ts, packets);
        }
    }
    g_array_free(rows, TRUE);
    return true;
}

static gint cmp_int64(gconstpointer a, gconstpointer b)
{
    int64_t x = *(const int64_t *)a;
    int64_t y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void traffic_profile_of(const TrafficSamples *ts, TrafficProfile *out)
{
    memset(out, 0, sizeof *out);
    out->minutes = ts->ppm->len;
    if (!out->minutes)
        return;
    out->active_permille = ts->active * 1000 / out->minutes;
    out->has_band = out->minutes >= PROFILE_MIN_MINUTES;
    GArray *sorted = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), ts->ppm->len);
    g_array_append_vals(sorted, ts->ppm->data, ts->ppm->len);
    g_array_sort(sorted, cmp_int64);
    out->lo = g_array_index(sorted, int64_t, 0);
    out->hi = g_array_index(sorted, int64_t, sorted->len - 1);
    out->median = g_array_index(sorted, int64_t, sorted->len / 2);
    g_array_free(sorted, TRUE);
}
