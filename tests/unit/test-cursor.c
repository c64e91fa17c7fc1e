/*
 * test-cursor.c - the bounds-checked reader: reads, sticky failure,
 * windows, clipped windows, strings.  TAP output.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "otscope/cursor.h"
#include "../tap.h"

int main(void)
{
    const unsigned char bytes[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 'a', 0x01, 'b', 0 };
    Cursor c = cursor_make(bytes, sizeof bytes, false);
    tap_ok(cursor_u8(&c) == 0x01, "u8");
    tap_ok(cursor_be16(&c) == 0x0203, "be16");
    tap_ok(cursor_le16(&c) == 0x0504, "le16");
    tap_ok(cursor_be24(&c) == 0x060708, "be24");
    char s[8];
    tap_ok(cursor_str(&c, 4, s, sizeof s) == 3 && strcmp(s, "a.b") == 0, "str sanitises and stops at NUL");
    tap_ok(cursor_left(&c) == 0 && cursor_ok(&c), "consumed exactly");
    tap_ok(cursor_u8(&c) == 0 && !cursor_ok(&c) && cursor_fail(&c) == CUR_SHORT, "read past end fails");
    tap_ok(cursor_be32(&c) == 0 && cursor_left(&c) == 0, "failure is sticky");

    Cursor p = cursor_make(bytes, 4, false);
    Cursor sub;
    tap_ok(cursor_take(&p, 3, &sub) && cursor_len(&sub) == 3 && cursor_left(&p) == 1, "take a window");
    tap_ok(cursor_be32(&sub) == 0 && !cursor_ok(&sub) && cursor_ok(&p), "child cannot read into parent");
    tap_ok(!cursor_take(&p, 2, &sub) && cursor_fail(&p) == CUR_SHORT, "take past end fails");

    Cursor clipped = cursor_make(bytes, 4, true);
    tap_ok(!cursor_take(&clipped, 8, &sub) && cursor_fail(&sub) == CUR_CAPTRUNC, "clipped take is CAPTRUNC");
    Cursor clipped2 = cursor_make(bytes, 4, true);
    tap_ok(cursor_take_declared(&clipped2, 8, &sub) && cursor_len(&sub) == 4 && cursor_is_clipped(&sub),
       "declared length past a clipped capture takes what there is");
    Cursor whole = cursor_make(bytes, 4, false);
    tap_ok(!cursor_take_declared(&whole, 8, &sub), "declared length past a complete window is a lie");

    Cursor q = cursor_make(bytes, sizeof bytes, false);
    tap_ok(cursor_peek(&q, 1) == 0x02 && cursor_offset(&q) == 0, "peek does not consume");
    tap_ok(cursor_peek(&q, sizeof bytes) == -1 && cursor_ok(&q), "peek past end is -1, no failure");
    tap_ok(cursor_find(&q, 'b', 100) == 10, "find within window");
    tap_ok(cursor_le64(&q) == 0x0807060504030201ull, "le64");
    Cursor e = cursor_empty();
    tap_ok(cursor_left(&e) == 0 && cursor_u8(&e) == 0 && !cursor_ok(&e), "empty cursor");
    return tap_end();
}
