/* Account name rules, as Windows applies them to local users and groups
 * ("User name" rules of Local Users and Groups / NetUserAdd): the characters
 * below are refused because they separate or quote names elsewhere (DOMAIN\user,
 * user@realm, ACL and command syntaxes), and names of only dots or spaces are
 * refused because they vanish or collide once trimmed. */
#include "lsass/sam/sam.h"

#include <string.h>

#include "lib/utf16.h"

static const char forbidden[] = "\"/\\[]:;|=,+*?<>@";

NTSTATUS sam_name_check(const char *name, size_t max, const char **why)
{
    const char *reason = NULL;
    if (!name || !*name) {
        reason = "the name is empty";
        goto out;
    }
    if (!utf8_valid(name)) {
        reason = "the name is not valid UTF-8";
        goto out;
    }
    size_t len = strlen(name);
    long units = utf8_utf16_units(name, len);
    if (units < 0 || (size_t)units > max) {
        reason = max == SAM_USER_NAME_MAX ? "the name is longer than 20 characters"
                                          : "the name is too long";
        goto out;
    }
    bool only_dots_spaces = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7F) {
            reason = "the name contains a control character";
            goto out;
        }
        if (strchr(forbidden, c)) {
            reason = "the name contains one of \" / \\ [ ] : ; | = , + * ? < > @";
            goto out;
        }
        if (c != '.' && c != ' ')
            only_dots_spaces = false;
    }
    if (only_dots_spaces) {
        reason = "the name consists only of dots and spaces";
        goto out;
    }
    if (name[0] == ' ' || name[len - 1] == ' ') {
        reason = "the name begins or ends with a space";
        goto out;
    }
    /* C1 control characters (U+0080..U+009F) are control characters too. */
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(name + i, len - i, &cp);
        if (!n)
            break;
        if (cp >= 0x80 && cp <= 0x9F) {
            reason = "the name contains a control character";
            goto out;
        }
        i += n;
    }
out:
    if (why)
        *why = reason;
    return reason ? STATUS_INVALID_ACCOUNT_NAME : STATUS_SUCCESS;
}
