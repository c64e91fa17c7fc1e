/*
 * view-findings.c - the findings, most severe first, with their triage:
 * a acknowledges, x marks a false positive (each asks first and toggles
 * back to new), N writes a note.  Triage is stored in the DB (the only
 * thing the console writes) and survives re-analysis.  The detail holds
 * the evidence and the recommendation; Enter lists the assets involved.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"
#include "otscope/fact.h"

UiRole view_severity_role(const char *severity)
{
    static const UiRole roles[SEV_COUNT] = {
        [SEV_CRITICAL] = ROLE_SEV_CRITICAL, [SEV_HIGH] = ROLE_SEV_HIGH,
        [SEV_MEDIUM] = ROLE_SEV_MEDIUM,     [SEV_LOW] = ROLE_SEV_LOW,
        [SEV_INFO] = ROLE_SEV_INFO,
    };
    Severity sev;
    return severity && severity_from_name(severity, &sev) ? roles[sev] : ROLE_NORMAL;
}

static UiRole findings_cell_role(const View *v, const PageRow *row, int col)
{
    (void)v;
    if (col == FCOL_SEVERITY)
        return view_severity_role(page_row_cell(row, FCOL_SEVERITY));
    TriageState st;
    if (col == FCOL_STATE && triage_state_from_name(view_cell(row, FCOL_STATE), &st) &&
        st != TRIAGE_NEW)
        return ROLE_DIM;
    return ROLE_NORMAL;
}

static void findings_detail(View *v, const PageRow *row, Detail *d)
{
    (void)v;
    char first[32];
    char last[32];
    detail_add(d, ROLE_DETAIL_HEAD, "", "Finding %s: %s", view_cell(row, FCOL_ID),
               view_cell(row, FCOL_TITLE));
    detail_add(d, view_severity_role(view_cell(row, FCOL_SEVERITY)), "severity", "%s",
               view_cell(row, FCOL_SEVERITY));
    detail_add(d, ROLE_NORMAL, "triage", "%s%s%s", view_cell(row, FCOL_STATE),
               view_cell(row, FCOL_TRIAGED_AT)[0] ? " at " : "", view_cell(row, FCOL_TRIAGED_AT));
    if (view_cell(row, FCOL_NOTE)[0])
        detail_add(d, ROLE_NORMAL, "note", "%s", view_cell(row, FCOL_NOTE));
    if (view_cell(row, FCOL_DST)[0])
        detail_add(d, ROLE_NORMAL, "where", "%s > %s  %s", view_cell(row, FCOL_SRC),
                   view_cell(row, FCOL_DST), view_cell(row, FCOL_PROTOCOL));
    else
        detail_add(d, ROLE_NORMAL, "where", "from %s  %s", view_cell(row, FCOL_SRC),
                   view_cell(row, FCOL_PROTOCOL));
    detail_add(d, ROLE_NORMAL, "seen", "count %s, %s - %s", view_cell(row, FCOL_COUNT),
               ui_time(view_cell(row, FCOL_FIRST), first, sizeof first),
               ui_time(view_cell(row, FCOL_LAST), last, sizeof last));
    detail_add(d, ROLE_NORMAL, "packets", "%s - %s (Wireshark frame numbers)",
               view_cell(row, FCOL_FIRST_PKT)[0] ? view_cell(row, FCOL_FIRST_PKT) : "?",
               view_cell(row, FCOL_LAST_PKT)[0] ? view_cell(row, FCOL_LAST_PKT) : "?");
    detail_add(d, ROLE_NORMAL, "rule", "%s  (ATT&CK for ICS %s)", view_cell(row, FCOL_RULE),
               view_cell(row, FCOL_ATTACK)[0] ? view_cell(row, FCOL_ATTACK) : "-");
    detail_add(d, ROLE_NORMAL, "evidence", "%s", view_cell(row, FCOL_EVIDENCE));
    if (view_cell(row, FCOL_WHY)[0])
        detail_add(d, ROLE_NORMAL, "why", "%s", view_cell(row, FCOL_WHY));
    detail_add(d, ROLE_NORMAL, "do", "%s", view_cell(row, FCOL_RECOMMENDATION));
}

static void after_write(View *v, int64_t id, const char *what)
{
    Err err;
    err_clear(&err);
    if (!tableview_reload(v->table, &err))
        console_message(v->con, ROLE_ERROR, "%s", err.msg);
    else
        console_message(v->con, ROLE_MESSAGE, "finding %" G_GINT64_FORMAT ": %s", id, what);
    console_refresh_summary(v->con);
}

/* a / x: to target, or back to new when already there; asks first. */
static void set_state(View *v, TriageState target)
{
    const PageRow *row = tableview_selected(v->table);
    if (!row)
        return;
    int64_t id = g_ascii_strtoll(view_cell(row, FCOL_ID), NULL, 10);
    TriageState now = TRIAGE_NEW;
    triage_state_from_name(view_cell(row, FCOL_STATE), &now);
    TriageState next = now == target ? TRIAGE_NEW : target;
    StoreTriage *t = console_triage(v->con);
    if (!t)
        return;
    char question[160];
    g_snprintf(question, sizeof question, "Mark finding %" G_GINT64_FORMAT " %s? (y/n) ", id,
               triage_state_name(next));
    if (!prompt_yes_no(v->con, question)) {
        console_message(v->con, ROLE_MESSAGE, "finding %" G_GINT64_FORMAT " unchanged", id);
        return;
    }
    Err err;
    err_clear(&err);
    if (store_triage_set(t, id, next, NULL, &err))
        after_write(v, id, triage_state_name(next));
    else
        console_message(v->con, ROLE_ERROR, "%s", err.msg);
}

static void write_note(View *v)
{
    const PageRow *row = tableview_selected(v->table);
    if (!row)
        return;
    int64_t id = g_ascii_strtoll(view_cell(row, FCOL_ID), NULL, 10);
    StoreTriage *t = console_triage(v->con);
    if (!t)
        return;
    char label[64];
    char note[512];
    g_snprintf(label, sizeof label, "Note for finding %" G_GINT64_FORMAT ": ", id);
    if (!prompt_line(v->con, label, view_cell(row, FCOL_NOTE), note, sizeof note))
        return;
    Err err;
    err_clear(&err);
    if (store_triage_note(t, id, note, &err))
        after_write(v, id, note[0] ? "note saved" : "note removed");
    else
        console_message(v->con, ROLE_ERROR, "%s", err.msg);
}

static ViewResult drill_assets(View *v)
{
    const PageRow *row = tableview_selected(v->table);
    if (!row)
        return VIEW_HANDLED;
    PageScope scope = { .kind = SCOPE_ADDRS };
    g_strlcpy(scope.a, view_cell(row, FCOL_SRC), sizeof scope.a);
    g_strlcpy(scope.b, view_cell(row, FCOL_DST), sizeof scope.b);
    char crumb[96];
    g_snprintf(crumb, sizeof crumb, "of finding %s", view_cell(row, FCOL_ID));
    console_push(v->con, &view_assets, &scope, crumb);
    return VIEW_PUSH;
}

static ViewResult findings_on_key(View *v, int key)
{
    switch (key) {
    case KEY_ENTER:
        return drill_assets(v);
    case 'a':
        set_state(v, TRIAGE_ACKNOWLEDGED);
        return VIEW_HANDLED;
    case 'x':
        set_state(v, TRIAGE_FALSE_POSITIVE);
        return VIEW_HANDLED;
    case 'N':
        write_note(v);
        return VIEW_HANDLED;
    default:
        return VIEW_UNHANDLED;
    }
}

static const ViewKey findings_keys[] = {
    { "a/x/N", NULL, "Triage" }, /* one footer item for the three below */
    { "a", "acknowledge the finding (asks; again: back to new)", NULL },
    { "x", "mark it a false positive (asks; again: back to new)", NULL },
    { "N", "write a note on it (empty removes the note)", NULL },
    { NULL, NULL, NULL },
};

const ViewDesc view_findings = {
    .name = "findings",
    .title = "Findings",
    .has_table = true,
    .source = PAGE_FINDINGS,
    .default_sort = FCOL_SEVERITY,
    .enter_help = "the assets the finding involves",
    .detail = findings_detail,
    .cell_role = findings_cell_role,
    .on_key = findings_on_key,
    .keys = findings_keys,
};
