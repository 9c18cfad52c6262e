/* A small TAP producer for C unit tests (https://testanything.org).
 *
 * Each test program prints a plan, one "ok N - name" or "not ok N - name" per
 * check, and exits non-zero if any check failed, so prove reports it. */
#ifndef SW_TAP_H
#define SW_TAP_H

#include <stddef.h>
#include <stdint.h>

void tap_plan(int count);
/* Records one check; returns cond so a test can stop early on a failure. */
int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tap_is_int(long long got, long long expected, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int tap_is_str(const char *got, const char *expected, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int tap_is_mem(const void *got, size_t got_len, const void *expected, size_t expected_len,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_skip(int count, const char *reason);
/* For a program or package that is not installed: skips count checks, except
 * under CI=true, where they fail (CI installs every package of
 * ./configure --install-deps; the shell twin is tap_missing in tap.sh). */
void tap_missing(int count, const char *reason);
/* Prints the plan if none was given, and returns the exit status for main(). */
int tap_done(void);

/* Hex string (no separators, any case) to bytes; aborts the test on bad input.
 * Returns the byte count. For spec test vectors. */
size_t tap_hex(const char *hex, uint8_t *out, size_t out_size);

#define ok tap_ok
#define is_int tap_is_int
#define is_str tap_is_str
#define is_mem tap_is_mem
#define diag tap_diag
#define skip tap_skip
#define plan tap_plan
#define done_testing tap_done

#endif
