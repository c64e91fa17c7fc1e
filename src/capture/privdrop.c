/*
 * privdrop.c - give up root once the capture handle is open.
 *
 * Order matters: supplementary groups, then gid, then uid; then verify that
 * root cannot be regained.  Capabilities go with the uid change (no
 * SECBIT_KEEP_CAPS).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib.h>

#include "capture.h"

bool privdrop(const char *run_as, Err *err)
{
    if (geteuid() != 0)
        return true;
    const char *user = run_as;
    if (!user)
        user = g_getenv("SUDO_USER");
    if (!user || !user[0])
        user = "nobody";
    struct passwd *pw = getpwnam(user);
    if (!pw)
        return err_set(err, ERR_USAGE, "cannot drop privileges: no user '%s'", user);
    if (pw->pw_uid == 0)
        return true; /* asked to stay root (-Z root) */
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0)
        return err_set(err, ERR_INPUT, "cannot drop privileges to %s: %s", user,
                       g_strerror(errno));
    if (setuid(0) == 0)
        return err_set(err, ERR_INPUT, "privileges were not dropped: root could be regained");
    return true;
}
