/* Fuzz target: the LDAP provider's decoding of directory values
 * (lsass/ldap/ldap_values.c), which a hostile or broken directory controls,
 * and the RFC 4515 escaping of names put into filters. The first byte picks
 * the decoder; the rest is the value, not NUL-terminated. Checks: an
 * accepted name or text is NUL-terminated within its bound and has no
 * control character; an accepted id is neither 0 nor (uint32_t)-1; an
 * escaped filter value holds none of the metacharacters unescaped. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsass/ldap/ldap_values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void no_controls(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t which = data[0];
    size_t len = size - 1;
    /* A private copy without a terminator, so that a read past the value's
     * end is caught. */
    char *value = malloc(len ? len : 1);
    if (!value)
        return 0;
    memcpy(value, data + 1, len);
    char out[LDAP_TEXT_MAX + 1];
    uint32_t id;
    uint8_t hash[16];
    struct sid sid;
    switch (which % 7) {
    case 0:
        if (ldap_value_name(value, len, out, sizeof out)) {
            if (strlen(out) > LDAP_NAME_MAX || strpbrk(out, ":,/\\@"))
                abort();
            no_controls(out);
        }
        break;
    case 1:
        if (ldap_value_text(value, len, out, sizeof out)) {
            if (strlen(out) > LDAP_TEXT_MAX || strchr(out, ':'))
                abort();
            no_controls(out);
        }
        break;
    case 2:
        if (ldap_value_id(value, len, &id) && (id == 0 || id == UINT32_MAX))
            abort();
        break;
    case 3:
        ldap_value_nt_hash(value, len, hash);
        break;
    case 4:
        ldap_value_sid(value, len, &sid);
        break;
    case 5:
        ldap_value_disabled(value, len);
        break;
    default: {
        /* The escaper takes a C string: the value up to its first NUL. */
        char *name = malloc(len + 1), escaped[512];
        if (!name)
            break;
        memcpy(name, value, len);
        name[len] = '\0';
        if (ldap_filter_escape(name, escaped, sizeof escaped)) {
            for (const char *s = escaped; *s; s++) {
                if (*s == '*' || *s == '(' || *s == ')' || (unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
                    abort();
                if (*s == '\\' && !(s[1] && s[2]))
                    abort();
            }
        }
        free(name);
        break;
    }
    }
    free(value);
    return 0;
}
