/*
 * traffic-profile.h - the learned shape of one conversation's traffic:
 * packets per minute over the minutes it was fully under observation.
 *
 * A conversation row of one capture has per-minute buckets
 * (comm_minutes).  Its first and last minute are partial (the capture or
 * the conversation started or stopped inside them) and are left out; the
 * minutes between them count, silent ones as 0.  A window [from, to)
 * keeps only the minutes wholly inside it.  The profile of several rows
 * (several captures of one conversation) pools their minutes.
 */
#ifndef OTS_RULES_TRAFFIC_PROFILE_H
#define OTS_RULES_TRAFFIC_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/err.h"

enum {
    PROFILE_MIN_MINUTES = 3, /* fewer interior minutes: no band */
};

typedef struct TrafficProfile {
    int64_t minutes;         /* interior minutes observed */
    int64_t active_permille; /* of them, with traffic (1000: every minute) */
    bool has_band;           /* minutes >= PROFILE_MIN_MINUTES */
    int64_t lo;              /* packets per minute: least, median, most */
    int64_t median;
    int64_t hi;
} TrafficProfile;

typedef struct TrafficSamples {
    GArray *ppm; /* int64_t packets per interior minute */
    int64_t active;
    sqlite3_stmt *minutes; /* prepared on first use */
} TrafficSamples;

void traffic_samples_init(TrafficSamples *ts);
void traffic_samples_clear(TrafficSamples *ts);
/* Forgets the samples (keeps the statement) for the next conversation. */
void traffic_samples_reset(TrafficSamples *ts);
/* Adds the interior minutes of conversation row comm_id, read from
 * schema.comm_minutes of db ("main" for the connection's own DB), that
 * lie wholly in [from_ns, to_ns).  False + err on an SQL error. */
bool traffic_samples_add(TrafficSamples *ts, sqlite3 *db, const char *schema, int64_t comm_id,
                         int64_t from_ns, int64_t to_ns, Err *err);
void traffic_profile_of(const TrafficSamples *ts, TrafficProfile *out);

#endif /* OTS_RULES_TRAFFIC_PROFILE_H */
