/*
 * thread.c - worker threads that take no signals.
 *
 * Ctrl-C and SIGTERM set the main thread's stop flag; a worker that took
 * one instead would interrupt its own system calls (SQLite's writes,
 * libpcap's reads) and the main thread would never hear of it.
 */
#include "config.h"

#include <signal.h>

#include "otscope/util.h"

bool ots_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
    sigset_t all;
    sigset_t old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old); /* the new thread inherits the mask */
    bool ok = pthread_create(thread, NULL, fn, arg) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}
