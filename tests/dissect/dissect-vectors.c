/*
 * dissect-vectors.c - runs the byte vectors of one protocol against its
 * descriptor and compares the facts with the expected text.
 *
 * usage: dissect-vectors DIR   (DIR = tests/dissect/<proto>)
 *
 * Each NAME.hex holds '# key: value' headers and hex bytes; NAME.facts the
 * facts as printed below.  Besides the exact comparison, every prefix of
 * every vector is fed as a clipped capture window: the dissector must not
 * call it malformed, must not report an anomaly, and may only say what the
 * whole vector also says (tcpdump's "several snaplens", made automatic).
 * Output is TAP.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "dissect.h"

typedef struct Vector {
    char *path;
    ProtoId proto;
    Transport transport;
    uint16_t sport, dport, ethertype;
    uint8_t ip_proto; /* transport ip: the IP protocol number */
    uint8_t dsap;
    uint32_t snap_oui;
    uint16_t snap_pid;
    bool from_client;
    char probe_want[16];
    char result_want[16];
    GByteArray *bytes;
} Vector;

static int n_test;
static int n_fail;

static void tap(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s %d - ", ok ? "ok" : "not ok", ++n_test);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    if (!ok)
        n_fail++;
}

static const char *result_name(DissectResult r)
{
    static const char *const names[] = { "ok", "need-more", "not-mine", "short", "malformed" };
    return (unsigned)r < G_N_ELEMENTS(names) ? names[r] : "?";
}

static bool parse_header(Vector *v, const char *key, const char *val)
{
    if (strcmp(key, "proto") == 0)
        return proto_from_name(val, &v->proto);
    if (strcmp(key, "transport") == 0) {
        if (strcmp(val, "tcp") == 0)
            v->transport = TP_TCP;
        else if (strcmp(val, "udp") == 0)
            v->transport = TP_UDP;
        else if (strcmp(val, "ether") == 0)
            v->transport = TP_ETHER;
        else if (strcmp(val, "icmp") == 0)
            v->transport = TP_ICMP;
        else if (strcmp(val, "icmpv6") == 0)
            v->transport = TP_ICMPV6;
        else if (strcmp(val, "ip") == 0)
            v->transport = TP_IP;
        else
            return false;
        return true;
    }
    if (strcmp(key, "sport") == 0)
        v->sport = (uint16_t)strtoul(val, NULL, 0);
    else if (strcmp(key, "dport") == 0)
        v->dport = (uint16_t)strtoul(val, NULL, 0);
    else if (strcmp(key, "ethertype") == 0)
        v->ethertype = (uint16_t)strtoul(val, NULL, 0);
    else if (strcmp(key, "ip-proto") == 0)
        v->ip_proto = (uint8_t)strtoul(val, NULL, 0);
    else if (strcmp(key, "dsap") == 0)
        v->dsap = (uint8_t)strtoul(val, NULL, 0);
    else if (strcmp(key, "snap") == 0) {
        char *slash;
        v->snap_oui = (uint32_t)strtoul(val, &slash, 0);
        if (*slash == '/')
            v->snap_pid = (uint16_t)strtoul(slash + 1, NULL, 0);
    } else if (strcmp(key, "from") == 0)
        v->from_client = strcmp(val, "client") == 0;
    else if (strcmp(key, "probe") == 0)
        g_strlcpy(v->probe_want, val, sizeof v->probe_want);
    else if (strcmp(key, "result") == 0)
        g_strlcpy(v->result_want, val, sizeof v->result_want);
    return true;
}

static bool load_vector(const char *path, Vector *v, GString *why)
{
    gchar *text;
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        g_string_printf(why, "cannot read");
        return false;
    }
    memset(v, 0, sizeof *v);
    v->path = g_strdup(path);
    v->from_client = true;
    g_strlcpy(v->probe_want, "ok", sizeof v->probe_want);
    g_strlcpy(v->result_want, "ok", sizeof v->result_want);
    v->bytes = g_byte_array_new();
    bool ok = true;
    gchar **lines = g_strsplit(text, "\n", -1);
    for (gchar **l = lines; *l && ok; l++) {
        char *line = g_strstrip(*l);
        if (line[0] == '#') {
            char *colon = strchr(line, ':');
            if (!colon)
                continue;
            *colon = '\0';
            char *key = g_strstrip(line + 1);
            char *val = g_strstrip(colon + 1);
            if (!parse_header(v, key, val)) {
                g_string_printf(why, "bad header %s: %s", key, val);
                ok = false;
            }
            continue;
        }
        for (char *p = line; *p && ok;) {
            if (isspace((unsigned char)*p)) {
                p++;
                continue;
            }
            if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1])) {
                g_string_printf(why, "bad hex near '%.8s'", p);
                ok = false;
                break;
            }
            guint8 b = (guint8)((g_ascii_xdigit_value(p[0]) << 4) | g_ascii_xdigit_value(p[1]));
            g_byte_array_append(v->bytes, &b, 1);
            p += 2;
        }
    }
    g_strfreev(lines);
    g_free(text);
    if (ok && v->proto == PROTO_NONE) {
        g_string_printf(why, "no '# proto:' header");
        ok = false;
    }
    return ok;
}

static void print_facts(const DissectCtx *ctx, GString *out)
{
    for (uint32_t i = 0; i < ctx->n_facts; i++) {
        const Fact *f = &ctx->facts[i];
        const char *pname = proto_name((ProtoId)f->proto);
        switch (f->kind) {
        case FACT_OP:
            g_string_append_printf(out,
                                   "%s op code=%u name=\"%s\" class=%s response=%s status=%d "
                                   "detail=\"%s\"\n",
                                   pname, f->u.op.code, f->u.op.name ? f->u.op.name : "",
                                   opclass_name(f->u.op.cls), f->u.op.is_response ? "yes" : "no",
                                   f->u.op.status, f->u.op.detail);
            break;
        case FACT_ATTR:
            g_string_append_printf(out, "%s attr side=%s key=%s conf=%u value=\"%s\"\n", pname,
                                   f->side == SIDE_SRC ? "src" : "dst", attr_name(f->u.attr.key),
                                   f->u.attr.confidence, f->u.attr.value);
            break;
        case FACT_ANOM:
            g_string_append_printf(out, "%s anom %s\n", pname, anomaly_name(f->u.anom));
            break;
        }
    }
    if (ctx->dir_hint != DIR_UNKNOWN)
        g_string_append_printf(out, "dir %s\n", ctx->dir_hint == DIR_REQUEST ? "request" : "response");
    if (ctx->label != PROTO_NONE)
        g_string_append_printf(out, "label %s\n", proto_name(ctx->label));
}

typedef struct RunOut {
    DissectResult probe;
    DissectResult result;
    bool has_anomaly;
    GString *facts;
} RunOut;

static void make_packet(const Vector *v, size_t len, bool is_clipped, Packet *pkt)
{
    memset(pkt, 0, sizeof *pkt);
    pkt->pkt_no = 1;
    pkt->transport = v->transport;
    pkt->ip_ver = v->transport == TP_ETHER ? 0 : (v->transport == TP_ICMPV6 ? 6 : 4);
    pkt->sport = v->sport;
    pkt->dport = v->dport;
    pkt->ip_proto = v->ip_proto;
    pkt->ethertype = v->ethertype;
    pkt->llc_dsap = v->dsap;
    pkt->snap_oui = v->snap_oui;
    pkt->snap_pid = v->snap_pid;
    pkt->payload = cursor_make(v->bytes->data, len, is_clipped);
    pkt->payload_wire_len = v->bytes->len;
    pkt->caplen = (uint32_t)len;
    pkt->wirelen = v->bytes->len;
}

static DissectResult worse(DissectResult a, DissectResult b)
{
    return a > b ? a : b;
}

/* Cuts PDUs with pdu_len as the stream core would; only for whole vectors. */
static DissectResult dissect_framed(const ProtoDesc *desc, Cursor *c, DissectCtx *ctx)
{
    DissectResult r = DISSECT_OK;
    while (cursor_left(c) > 0) {
        Cursor peek = *c;
        size_t n = desc->pdu_len(&peek);
        if (n == PDU_LEN_BAD)
            return DISSECT_MALFORMED;
        if (n == 0 || n > cursor_left(c))
            return worse(r, DISSECT_NEED_MORE);
        Cursor pdu;
        cursor_take(c, n, &pdu);
        r = worse(r, desc->dissect(&pdu, ctx));
    }
    return r;
}

static void run(const Vector *v, size_t len, bool is_clipped, RunOut *out)
{
    const ProtoDesc *desc = proto_desc(v->proto);
    size_t state_size = dissect_max_state_size();
    void *state = g_malloc0(state_size);
    void *child_state = g_malloc0(state_size);
    Packet pkt;
    make_packet(v, len, is_clipped, &pkt);
    DissectCtx ctx;
    memset(&ctx, 0, sizeof ctx);
    dissect_ctx_reset(&ctx, &pkt, v->from_client);
    ctx.proto = v->proto;
    ctx.state = desc->state_size ? state : NULL;
    ctx.child_state_ = child_state;
    out->probe = DISSECT_OK;
    if (desc->probe) {
        Cursor c = pkt.payload;
        out->probe = desc->probe(&c, &ctx);
    }
    Cursor body = pkt.payload;
    if (v->transport == TP_TCP && desc->pdu_len && !is_clipped)
        out->result = dissect_framed(desc, &body, &ctx);
    else
        out->result = desc->dissect(&body, &ctx);
    out->has_anomaly = false;
    for (uint32_t i = 0; i < ctx.n_facts; i++)
        out->has_anomaly |= ctx.facts[i].kind == FACT_ANOM;
    out->facts = g_string_new(NULL);
    print_facts(&ctx, out->facts);
    g_free(state);
    g_free(child_state);
}

static bool facts_subset(const char *part, const char *whole)
{
    gchar **lines = g_strsplit(part, "\n", -1);
    bool ok = true;
    for (gchar **l = lines; *l && ok; l++) {
        if (**l && !strstr(whole, *l))
            ok = false;
    }
    g_strfreev(lines);
    return ok;
}

static void check_vector(const Vector *v, const char *base)
{
    const ProtoDesc *desc = proto_desc(v->proto);
    RunOut full;
    run(v, v->bytes->len, false, &full);
    const char *probe_got = desc->probe ? result_name(full.probe) : "none";
    tap(strcmp(probe_got, v->probe_want) == 0, "%s: probe %s (want %s)", base, probe_got,
        v->probe_want);
    tap(strcmp(result_name(full.result), v->result_want) == 0, "%s: result %s (want %s)", base,
        result_name(full.result), v->result_want);

    gchar *facts_path = g_strdup_printf("%.*s.facts", (int)(strlen(v->path) - 4), v->path);
    gchar *want = NULL;
    if (!g_file_get_contents(facts_path, &want, NULL, NULL)) {
        tap(false, "%s: missing %s; got:\n%s", base, facts_path, full.facts->str);
    } else {
        bool same = strcmp(want, full.facts->str) == 0;
        tap(same, "%s: facts", base);
        if (!same)
            printf("# want:\n%s# got:\n%s", want, full.facts->str);
    }

    bool prefixes_ok = true;
    for (size_t len = 0; len < v->bytes->len && prefixes_ok; len++) {
        RunOut part;
        run(v, len, true, &part);
        const char *why = NULL;
        if (part.result == DISSECT_MALFORMED)
            why = "malformed";
        else if (part.has_anomaly)
            why = "anomaly";
        else if (!facts_subset(part.facts->str, full.facts->str))
            why = "facts not in the whole vector's";
        else if (v->transport == TP_TCP && desc->probe && full.probe == DISSECT_OK &&
                 part.probe == DISSECT_NOT_MINE)
            why = "probe rejects a TCP prefix";
        if (why) {
            printf("# prefix of %zu bytes: %s (result %s)\n%s", len, why, result_name(part.result),
                   part.facts->str);
            prefixes_ok = false;
        }
        g_string_free(part.facts, TRUE);
    }
    tap(prefixes_ok, "%s: every clipped prefix", base);
    g_string_free(full.facts, TRUE);
    g_free(want);
    g_free(facts_path);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dissect-vectors DIR\n");
        return 2;
    }
    GDir *dir = g_dir_open(argv[1], 0, NULL);
    if (!dir) {
        printf("1..1\nnot ok 1 - no vectors in %s\n", argv[1]);
        return 1;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)))
        if (g_str_has_suffix(name, ".hex"))
            g_ptr_array_add(names, g_strdup(name));
    g_dir_close(dir);
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const char *base = g_ptr_array_index(names, i);
        gchar *path = g_build_filename(argv[1], base, NULL);
        Vector v;
        GString *why = g_string_new(NULL);
        if (!load_vector(path, &v, why))
            tap(false, "%s: %s", base, why->str);
        else
            check_vector(&v, base);
        g_string_free(why, TRUE);
        g_free(path);
    }
    if (names->len == 0)
        tap(false, "no .hex vectors in %s", argv[1]);
    printf("1..%d\n", n_test);
    g_ptr_array_free(names, TRUE);
    return n_fail ? 1 : 0;
}
