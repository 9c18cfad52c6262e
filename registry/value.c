/* Text forms of typed values and their validation against a setting's schema
 * entry. Everything a user types (CLI, YAML, console, RPC) passes through
 * registry_setting_validate before it reaches the database. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/utf16.h"
#include "registry/internal.h"

bool registry_parse_u64(const char *text, uint64_t *value)
{
    unsigned long long v;
    char *end;
    int base = 10;

    if (!text || !*text)
        return false;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text += 2;
    }
    if (!isxdigit((unsigned char)text[0]))
        return false;
    errno = 0;
    v = strtoull(text, &end, base);
    if (errno || *end)
        return false;
    *value = v;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

NTSTATUS registry_hex_decode(const char *hex, uint8_t **data, size_t *len)
{
    size_t n = strlen(hex);
    uint8_t *out;

    *data = NULL;
    *len = 0;
    if (n % 2)
        return STATUS_INVALID_PARAMETER;
    out = malloc(n / 2 + 1);
    if (!out)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return STATUS_INVALID_PARAMETER;
        }
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    *data = out;
    *len = n / 2;
    return STATUS_SUCCESS;
}

char *registry_hex_encode(const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *out = malloc(len * 2 + 1);

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[len * 2] = '\0';
    return out;
}

/* Well-formed UTF-8 with no control characters: settings are shown on one
 * line in listings, logs and YAML. Counts code points into *chars. */
static bool printable_text(const char *text, size_t *chars)
{
    size_t n = 0, len = strlen(text);

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t step = utf8_decode(text + i, len - i, &cp);
        if (step == 0 || cp < 0x20 || cp == 0x7f)
            return false;
        i += step;
        n++;
    }
    *chars = n;
    return true;
}

static bool guid_valid(const char *text)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    if (strlen(text) != sizeof(shape) - 1)
        return false;
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == '-' ? text[i] != '-' : !isxdigit((unsigned char)text[i]))
            return false;
    }
    return true;
}

static const char *enum_match(const struct setting_def *def, const char *text)
{
    for (size_t i = 0; i < def->enum_count; i++)
        if (strcasecmp(def->enum_values[i], text) == 0)
            return def->enum_values[i];
    return NULL;
}

static void enum_list(const struct setting_def *def, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < def->enum_count && used < size; i++) {
        int n = snprintf(out + used, size - used, "%s%s", i ? "|" : "", def->enum_values[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static NTSTATUS check_range(const struct setting_def *def, const char *text, uint64_t value,
                            const char *what, char **error_message)
{
    if (def->constraint != SETTING_RANGE || (value >= def->min && value <= def->max))
        return STATUS_SUCCESS;
    registry_error(error_message, "%s: '%s' is out of range: %s must be %llu..%llu", def->name,
                   text, what, (unsigned long long)def->min, (unsigned long long)def->max);
    return STATUS_INVALID_PARAMETER;
}

static NTSTATUS validate_number(const struct setting_def *def, const char *text,
                                char **normalized, char **error_message)
{
    uint64_t value;
    NTSTATUS status;

    if (!registry_parse_u64(text, &value)) {
        registry_error(error_message, "%s: '%s' is not a number (%s)", def->name, text,
                       reg_type_name(def->type));
        return STATUS_INVALID_PARAMETER;
    }
    if (def->type == REG_DWORD && value > UINT32_MAX) {
        registry_error(error_message, "%s: '%s' does not fit in a REG_DWORD", def->name, text);
        return STATUS_INVALID_PARAMETER;
    }
    status = check_range(def, text, value, "the value", error_message);
    if (!NT_SUCCESS(status))
        return status;
    if (normalized && asprintf(normalized, "%llu", (unsigned long long)value) < 0) {
        *normalized = NULL;
        return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

bool registry_parse_endpoint(const char *text, const char *on_default, bool *enabled,
                             char address[46], uint16_t *port)
{
    *enabled = false;
    address[0] = 0;
    *port = 0;
    if (strcasecmp(text, "off") == 0)
        return true;
    if (strcasecmp(text, "on") == 0) {
        if (!on_default || strcasecmp(on_default, "on") == 0 || strcasecmp(on_default, "off") == 0)
            return false;
        text = on_default;
    }
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text)
        return false;
    const char *host = text;
    size_t host_len = (size_t)(colon - text);
    if (text[0] == '[') { /* [IPV6]:PORT */
        if (host_len < 3 || text[host_len - 1] != ']')
            return false;
        host++;
        host_len -= 2;
    }
    char buffer[INET6_ADDRSTRLEN];
    unsigned char raw[16];
    if (host_len >= sizeof buffer)
        return false;
    memcpy(buffer, host, host_len);
    buffer[host_len] = 0;
    bool v6 = text[0] == '[';
    if (inet_pton(v6 ? AF_INET6 : AF_INET, buffer, raw) != 1)
        return false;
    uint64_t number;
    if (!registry_parse_u64(colon + 1, &number) || number < 1 || number > 65535)
        return false;
    inet_ntop(v6 ? AF_INET6 : AF_INET, raw, address, 46);
    *port = (uint16_t)number;
    *enabled = true;
    return true;
}

static NTSTATUS validate_string(const struct setting_def *def, const char *text,
                                char **normalized, char **error_message)
{
    const char *spelled = text;
    char buffer[INET6_ADDRSTRLEN], list[256];
    unsigned char address[16];
    size_t chars;
    NTSTATUS status;

    if (!printable_text(text, &chars)) {
        registry_error(error_message, "%s: the value is not printable UTF-8 text", def->name);
        return STATUS_INVALID_PARAMETER;
    }
    switch (def->constraint) {
    case SETTING_ANY:
        break;
    case SETTING_RANGE:
        status = check_range(def, text, chars, "its length", error_message);
        if (!NT_SUCCESS(status))
            return status;
        break;
    case SETTING_ENUM:
        spelled = enum_match(def, text);
        if (!spelled) {
            enum_list(def, list, sizeof(list));
            registry_error(error_message, "%s: '%s' is not one of %s", def->name, text, list);
            return STATUS_INVALID_PARAMETER;
        }
        break;
    case SETTING_IPADDR:
        if (inet_pton(AF_INET, text, address) == 1) {
            spelled = inet_ntop(AF_INET, address, buffer, sizeof(buffer));
        } else if (inet_pton(AF_INET6, text, address) == 1) {
            spelled = inet_ntop(AF_INET6, address, buffer, sizeof(buffer));
        } else {
            registry_error(error_message, "%s: '%s' is not an IPv4 or IPv6 address", def->name,
                           text);
            return STATUS_INVALID_PARAMETER;
        }
        break;
    case SETTING_ABSPATH:
        if (*text && *text != '/') {
            registry_error(error_message, "%s: '%s' is not an absolute path", def->name, text);
            return STATUS_INVALID_PARAMETER;
        }
        break;
    case SETTING_UNIXUSER: {
        /* The identity many network users act as on disk: never root's
         * (lsassd refuses it at use time as well, since the account may
         * change after it is set). */
        struct passwd pw, *found = NULL;
        char pwbuf[4096];
        if (chars < 1 || chars > 32) {
            registry_error(error_message, "%s: '%s' is not a unix account name (1 to 32 "
                           "characters)", def->name, text);
            return STATUS_INVALID_PARAMETER;
        }
        if (getpwnam_r(text, &pw, pwbuf, sizeof pwbuf, &found) == 0 && found &&
            (found->pw_uid == 0 || found->pw_gid == 0)) {
            registry_error(error_message, "%s: '%s' is uid %lu, group %lu: a privileged "
                           "account (uid 0 or group 0) may not be used", def->name, text,
                           (unsigned long)found->pw_uid, (unsigned long)found->pw_gid);
            return STATUS_INVALID_PARAMETER;
        }
        break;
    }
    case SETTING_IDRANGE: {
        /* System accounts live below 1000; -1 is chown's "no change" and
         * signed 32-bit ids stop at 2^31 - 1. */
        unsigned long long first, last;
        char tail;
        if (sscanf(text, " %llu - %llu %c", &first, &last, &tail) != 2 || strchr(text, '+') ||
            first < 1000 || first > last || last > 2147483646ull) {
            registry_error(error_message, "%s: '%s' is not FIRST-LAST with 1000 <= FIRST <= "
                           "LAST <= 2147483646", def->name, text);
            return STATUS_INVALID_PARAMETER;
        }
        snprintf(list, sizeof list, "%llu-%llu", first, last);
        spelled = list;
        break;
    }
    case SETTING_ENDPOINT: {
        bool enabled;
        char endpoint_address[46];
        uint16_t port;
        if (!registry_parse_endpoint(text, "127.0.0.1:1", &enabled, endpoint_address, &port)) {
            registry_error(error_message, "%s: '%s' is not off, on, ADDRESS:PORT or "
                           "[IPV6]:PORT", def->name, text);
            return STATUS_INVALID_PARAMETER;
        }
        if (strcasecmp(text, "off") == 0 || strcasecmp(text, "on") == 0)
            spelled = strcasecmp(text, "off") == 0 ? "off" : "on";
        break;
    }
    case SETTING_GUID:
        if (*text && !guid_valid(text)) {
            registry_error(error_message,
                           "%s: '%s' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                           def->name, text);
            return STATUS_INVALID_PARAMETER;
        }
        break;
    }
    if (normalized) {
        *normalized = strdup(spelled);
        if (!*normalized)
            return STATUS_NO_MEMORY;
        if (def->constraint == SETTING_GUID)
            for (char *p = *normalized; *p; p++)
                *p = (char)tolower((unsigned char)*p);
    }
    return STATUS_SUCCESS;
}

/* "a, b,c" -> "a,b,c": elements are trimmed, must be non-empty and printable,
 * and each must satisfy an enum; a range counts the elements. */
static NTSTATUS validate_multi(const struct setting_def *def, const char *text,
                               char **normalized, char **error_message)
{
    char *copy = strdup(text), *out = malloc(strlen(text) + 1), *element, *next;
    size_t used = 0, count = 0, chars;
    char list[256];
    NTSTATUS status = STATUS_SUCCESS;

    if (!copy || !out) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    out[0] = '\0';
    for (element = copy; *text && element; element = next) {
        const char *spelled;
        char *end;
        next = strchr(element, ',');
        if (next)
            *next++ = '\0';
        while (*element == ' ')
            element++;
        end = element + strlen(element);
        while (end > element && end[-1] == ' ')
            *--end = '\0';
        if (!*element || !printable_text(element, &chars)) {
            registry_error(error_message,
                           "%s: '%s' has an empty or unprintable element (elements are "
                           "separated by ',')", def->name, text);
            status = STATUS_INVALID_PARAMETER;
            goto out;
        }
        spelled = element;
        if (def->constraint == SETTING_ENUM && !(spelled = enum_match(def, element))) {
            enum_list(def, list, sizeof(list));
            registry_error(error_message, "%s: element '%s' is not one of %s", def->name, element,
                           list);
            status = STATUS_INVALID_PARAMETER;
            goto out;
        }
        used += (size_t)sprintf(out + used, "%s%s", count ? "," : "", spelled);
        count++;
    }
    status = check_range(def, text, count, "the number of elements", error_message);
    if (NT_SUCCESS(status) && normalized) {
        *normalized = out;
        out = NULL;
    }
out:
    free(copy);
    free(out);
    return status;
}

static NTSTATUS validate_binary(const struct setting_def *def, const char *text,
                                char **normalized, char **error_message)
{
    uint8_t *data;
    size_t len;
    NTSTATUS status = registry_hex_decode(text, &data, &len);

    if (status == STATUS_INVALID_PARAMETER)
        registry_error(error_message, "%s: '%s' is not hex bytes (e.g. 00ff10)", def->name, text);
    if (!NT_SUCCESS(status))
        return status;
    status = check_range(def, text, len, "its length in bytes", error_message);
    if (NT_SUCCESS(status) && normalized) {
        *normalized = registry_hex_encode(data, len);
        if (!*normalized)
            status = STATUS_NO_MEMORY;
    }
    free(data);
    return status;
}

NTSTATUS registry_setting_validate(const struct setting_def *def, const char *text,
                                   char **normalized, char **error_message)
{
    if (normalized)
        *normalized = NULL;
    if (error_message)
        *error_message = NULL;
    if (!def || !text)
        return STATUS_INVALID_PARAMETER;
    switch (def->type) {
    case REG_DWORD:
    case REG_QWORD:
        return validate_number(def, text, normalized, error_message);
    case REG_SZ:
        return validate_string(def, text, normalized, error_message);
    case REG_MULTI_SZ:
        return validate_multi(def, text, normalized, error_message);
    case REG_BINARY:
        return validate_binary(def, text, normalized, error_message);
    default:
        registry_error(error_message, "%s: unsupported type", def->name);
        return STATUS_INVALID_PARAMETER;
    }
}
