/*
 * gen-sched.c - time-ordered merge of generated frames; see gen-sched.h.
 */
#include "gen-sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *grow(void *p, size_t *cap, size_t need, size_t elem_size, size_t first_cap)
{
    if (need <= *cap)
        return p;
    size_t new_cap = *cap ? *cap : first_cap;
    while (new_cap < need)
        new_cap *= 2;
    void *q = realloc(p, new_cap * elem_size);
    if (q == NULL) {
        fprintf(stderr, "otsgen: out of memory\n");
        abort();
    }
    *cap = new_cap;
    return q;
}

void sched_init(Sched *s)
{
    memset(s, 0, sizeof *s);
}

void sched_free(Sched *s)
{
    free(s->ents);
    free(s->bytes);
    memset(s, 0, sizeof *s);
}

void sched_add(Sched *s, uint64_t t_ns, const uint8_t *frame, size_t len)
{
    s->ents = grow(s->ents, &s->ent_cap, s->ent_count + 1, sizeof *s->ents, 1024);
    s->bytes = grow(s->bytes, &s->bytes_cap, s->bytes_len + len, 1, 1 << 16);
    memcpy(s->bytes + s->bytes_len, frame, len);
    s->ents[s->ent_count] = (SchedEntry){
        .t_ns = t_ns,
        .order = (uint32_t)s->ent_count,
        .off = (uint32_t)s->bytes_len,
        .len = (uint32_t)len,
    };
    s->ent_count++;
    s->bytes_len += len;
}

static int compare_entries(const void *a, const void *b)
{
    const SchedEntry *x = a;
    const SchedEntry *y = b;
    if (x->t_ns != y->t_ns)
        return x->t_ns < y->t_ns ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return 0;
}

void sched_sort(Sched *s)
{
    /* qsort is not stable, but order is unique, so the result is fully determined. */
    qsort(s->ents, s->ent_count, sizeof *s->ents, compare_entries);
}

uint8_t *sched_frame(Sched *s, size_t i, size_t *len)
{
    *len = s->ents[i].len;
    return s->bytes + s->ents[i].off;
}

void sched_write(const Sched *s, PcapWriter *w, uint64_t base_ns)
{
    for (size_t i = 0; i < s->ent_count; i++) {
        const SchedEntry *e = &s->ents[i];
        pcapw_write(w, base_ns + e->t_ns, s->bytes + e->off, e->len);
    }
}
