/* UTF-8 <-> UTF-16LE, the wire encoding of every SMB and RPC string.
 *
 * Conversions are strict: ill-formed UTF-8 (overlongs, surrogates encoded in
 * UTF-8, values past U+10FFFF, truncated sequences) and unpaired UTF-16
 * surrogates are rejected with STATUS_ILLEGAL_CHARACTER, never replaced, so
 * two different names can never become the same name. */
#ifndef SW_UTF16_H
#define SW_UTF16_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"

/* UTF-8 (len bytes, need not be NUL-terminated) to UTF-16LE bytes, appended to a
 * newly allocated buffer (*out, *out_len in bytes, no terminator). */
NTSTATUS utf8_to_utf16le(const char *utf8, size_t len, uint8_t **out, size_t *out_len);

/* UTF-16LE bytes (len must be even) to a newly allocated NUL-terminated UTF-8
 * string. An embedded U+0000 is refused (STATUS_OBJECT_NAME_INVALID): C strings
 * cannot carry it. */
NTSTATUS utf16le_to_utf8(const uint8_t *utf16, size_t len, char **out);

/* Number of UTF-16 code units the UTF-8 string needs, or -1 if ill-formed. */
long utf8_utf16_units(const char *utf8, size_t len);

/* Decodes one code point from UTF-8; returns its byte length (1..4), or 0 if the
 * sequence at s is ill-formed or truncated. */
size_t utf8_decode(const char *s, size_t len, uint32_t *code_point);

/* True if the NUL-terminated string is well-formed UTF-8. */
int utf8_valid(const char *s);

/* Case-insensitive comparison of two UTF-8 names the way NTFS compares names
 * (simple case folding of each code point; no normalisation). Ill-formed input
 * compares bytewise. Returns <0, 0, >0. */
int utf8_casecmp(const char *a, const char *b);

/* Uppercases ASCII and Latin-1/Greek/Cyrillic letters in place-free fashion:
 * returns a newly allocated upper-case copy (for NTLM's UPPERCASE(user)). */
char *utf8_upper(const char *s);

#endif
