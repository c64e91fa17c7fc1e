/*
 * log.h - messages to the user on stderr.
 *
 * Only whole-run messages go through here (warnings aggregated per file,
 * summaries); nothing logs per packet.  The verbosity is process-wide and
 * set once by the CLI before any work starts.
 */
#ifndef OTS_OTSCOPE_LOG_H
#define OTS_OTSCOPE_LOG_H

typedef enum LogLevel {
    LOG_QUIET = 0, /* errors only */
    LOG_NORMAL = 1,
    LOG_VERBOSE = 2,
} LogLevel;

void log_set_level(LogLevel level);
LogLevel log_level(void);

/* "otscope: " + message + newline on stderr, at any level. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "otscope: warning: " + message, unless quiet. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Plain message, at normal level and above. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Plain message, verbose only. */
void log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* OTS_OTSCOPE_LOG_H */
