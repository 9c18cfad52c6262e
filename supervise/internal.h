/* supervise's helpers shared between its files (not a public interface). */
#ifndef SW_SUPERVISE_INTERNAL_H
#define SW_SUPERVISE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads at most cap - 1 bytes of a small file and NUL-terminates them. */
bool supervise_read_file(const char *path, char *data, size_t cap, size_t *len);
/* The pid in a pid file's text ("1234\n"); 0 if it is not exactly that. */
pid_t supervise_parse_pid(const char *text, size_t len);
/* Milliseconds on the monotonic clock. */
int64_t supervise_now_ms(void);
/* In a child before exec: closes every descriptor from first on
 * (close_range where the kernel has it). Async-signal-safe. */
void supervise_close_from(int first);
/* Sets *message (if message is not NULL) to a malloc'd formatted text. */
void supervise_message(char **message, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
