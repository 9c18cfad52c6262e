#include "t/tap/tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_number;
static int failures;
static int planned = -1;

static void print_name(const char *fmt, va_list ap)
{
    if (fmt && *fmt) {
        fputs(" - ", stdout);
        vprintf(fmt, ap);
    }
    fputc('\n', stdout);
}

void tap_plan(int count)
{
    planned = count;
    printf("1..%d\n", count);
    fflush(stdout);
}

static int record(int cond, const char *fmt, va_list ap)
{
    test_number++;
    printf("%s %d", cond ? "ok" : "not ok", test_number);
    print_name(fmt, ap);
    fflush(stdout);
    if (!cond)
        failures++;
    return cond;
}

int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(cond, fmt, ap);
    va_end(ap);
    return cond;
}

int tap_is_int(long long got, long long expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int cond = record(got == expected, fmt, ap);
    va_end(ap);
    if (!cond)
        tap_diag("got %lld (0x%llx), expected %lld (0x%llx)", got,
                 (unsigned long long)got, expected, (unsigned long long)expected);
    return cond;
}

int tap_is_str(const char *got, const char *expected, const char *fmt, ...)
{
    int same = (got == NULL && expected == NULL) ||
               (got && expected && strcmp(got, expected) == 0);
    va_list ap;
    va_start(ap, fmt);
    record(same, fmt, ap);
    va_end(ap);
    if (!same)
        tap_diag("got '%s', expected '%s'", got ? got : "(null)",
                 expected ? expected : "(null)");
    return same;
}

static void diag_hex(const char *label, const void *data, size_t len)
{
    const unsigned char *p = data;
    printf("# %s (%zu bytes): ", label, len);
    for (size_t i = 0; i < len && i < 64; i++)
        printf("%02x", p[i]);
    printf("%s\n", len > 64 ? "..." : "");
}

int tap_is_mem(const void *got, size_t got_len, const void *expected, size_t expected_len,
               const char *fmt, ...)
{
    int same = got_len == expected_len &&
               (got_len == 0 || memcmp(got, expected, got_len) == 0);
    va_list ap;
    va_start(ap, fmt);
    record(same, fmt, ap);
    va_end(ap);
    if (!same) {
        diag_hex("got", got, got_len);
        diag_hex("expected", expected, expected_len);
    }
    return same;
}

void tap_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    fflush(stdout);
}

void tap_skip(int count, const char *reason)
{
    for (int i = 0; i < count; i++)
        printf("ok %d # skip %s\n", ++test_number, reason);
    fflush(stdout);
}

void tap_missing(int count, const char *reason)
{
    const char *ci = getenv("CI");
    if (!ci || strcmp(ci, "true") != 0) {
        tap_skip(count, reason);
        return;
    }
    for (int i = 0; i < count; i++)
        printf("not ok %d - %s (CI=true: a missing package fails the test; "
               "./configure --install-deps installs it)\n", ++test_number, reason);
    failures += count;
    fflush(stdout);
}

int tap_done(void)
{
    if (planned < 0)
        printf("1..%d\n", test_number);
    else if (planned != test_number)
        failures++;
    fflush(stdout);
    return failures ? 1 : 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t tap_hex(const char *hex, uint8_t *out, size_t out_size)
{
    size_t n = 0;
    while (*hex) {
        if (*hex == ' ' || *hex == '\n' || *hex == '-') { hex++; continue; }
        int hi = hex_value(hex[0]);
        int lo = hex[1] ? hex_value(hex[1]) : -1;
        if (hi < 0 || lo < 0 || n >= out_size) {
            printf("Bail out! bad hex test vector near '%s'\n", hex);
            exit(255);
        }
        out[n++] = (uint8_t)(hi << 4 | lo);
        hex += 2;
    }
    return n;
}
