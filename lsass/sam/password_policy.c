/* Password policy checks ("Password must meet complexity requirements" and
 * "Minimum password length" of Windows' local security policy).
 *
 * Lengths are counted in UTF-16 code units, as Windows counts characters. The
 * reasons returned are static strings: a reason must never quote the password. */
#include "lsass/sam/sam_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/utf16.h"

/* True if needle (upper-cased) occurs in haystack (upper-cased). */
static bool contains_folded(const char *haystack_upper, const char *needle)
{
    char *upper = utf8_upper(needle);
    bool found = upper && strstr(haystack_upper, upper) != NULL;
    free(upper);
    return found;
}

/* Windows splits the full name at these delimiters and refuses a password that
 * contains any part of 3 or more characters. */
static bool contains_full_name_part(const char *password_upper, const char *full_name)
{
    static const char delimiters[] = ",.-_ #\t";
    bool found = false;
    char *copy = strdup(full_name);
    if (!copy)
        return false;
    char *save = NULL;
    for (char *part = strtok_r(copy, delimiters, &save); part && !found;
         part = strtok_r(NULL, delimiters, &save)) {
        long units = utf8_utf16_units(part, strlen(part));
        if (units >= 3 && contains_folded(password_upper, part))
            found = true;
    }
    free(copy);
    return found;
}

/* Counts the character classes of Windows' complexity rule: upper-case letters,
 * lower-case letters, digits, other ASCII symbols, and other (non-ASCII)
 * characters. A non-ASCII character with an upper-case form counts as
 * lower-case; other non-ASCII characters count in the fifth class. */
static int character_classes(const char *password)
{
    bool upper = false, lower = false, digit = false, symbol = false, other = false;
    size_t len = strlen(password);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(password + i, len - i, &cp);
        if (!n)
            return 0;
        if (cp >= 'A' && cp <= 'Z')
            upper = true;
        else if (cp >= 'a' && cp <= 'z')
            lower = true;
        else if (cp >= '0' && cp <= '9')
            digit = true;
        else if (cp < 0x80)
            symbol = true;
        else {
            char one[5] = { 0 };
            memcpy(one, password + i, n);
            char *up = utf8_upper(one);
            if (up && strcmp(up, one) != 0)
                lower = true;
            else
                other = true;
            if (up)
                crypto_wipe(up, strlen(up));
            free(up);
            crypto_wipe(one, sizeof one);
        }
        i += n;
    }
    return upper + lower + digit + symbol + other;
}

NTSTATUS sam_password_check(const struct sam_password_policy *policy, const char *user_name,
                            const char *full_name, const char *password, const char **why)
{
    const char *reason = NULL;
    char *password_upper = NULL;
    if (!password || !utf8_valid(password)) {
        reason = "the password is not valid UTF-8";
        goto out;
    }
    long units = utf8_utf16_units(password, strlen(password));
    if (units < 0) {
        reason = "the password is not valid UTF-8";
        goto out;
    }
    if (units > SAM_PASSWORD_MAX) {
        reason = "the password is longer than 256 characters";
        goto out;
    }
    if ((unsigned long)units < policy->min_length) {
        reason = "the password is shorter than the minimum length (lsass.min-password-length)";
        goto out;
    }
    if (!policy->complexity)
        goto out;
    password_upper = utf8_upper(password);
    if (!password_upper) {
        reason = "out of memory";
        goto out;
    }
    if (user_name && utf8_utf16_units(user_name, strlen(user_name)) >= 3 &&
        contains_folded(password_upper, user_name)) {
        reason = "the password contains the account name (lsass.password-complexity)";
        goto out;
    }
    if (full_name && contains_full_name_part(password_upper, full_name)) {
        reason = "the password contains part of the full name (lsass.password-complexity)";
        goto out;
    }
    if (character_classes(password) < 3) {
        reason = "the password needs characters from three of: upper case, lower case, "
                 "digits, symbols, other letters (lsass.password-complexity)";
        goto out;
    }
out:
    if (password_upper) {
        crypto_wipe(password_upper, strlen(password_upper));
        free(password_upper);
    }
    if (why)
        *why = reason;
    return reason ? STATUS_PASSWORD_RESTRICTION : STATUS_SUCCESS;
}

bool sam_user_is_locked_out(const struct sam_user *user, const struct sam_lockout_policy *policy,
                            int64_t now)
{
    if (!(user->flags & SAM_USER_LOCKED_OUT))
        return false;
    if (policy->duration <= 0)
        return true;
    return now < user->lockout_time + policy->duration;
}

NTSTATUS sam_password_policy_load(struct registry *reg, struct sam_password_policy *policy)
{
    memset(policy, 0, sizeof *policy);
    NTSTATUS status = registry_setting_get_dword(reg, "lsass.min-password-length",
                                                 &policy->min_length);
    if (NT_SUCCESS(status))
        status = registry_setting_get_bool(reg, "lsass.password-complexity", &policy->complexity);
    return status;
}
