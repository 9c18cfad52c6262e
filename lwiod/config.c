/* lwiod's settings in one structure (struct lwiod_config), so that moving
 * them from the command line to the registry touches one place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwiod/iomgr.h"
#include "registry/registry.h"

static void free_list(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

int lwiod_config_set_list(char ***list, size_t *count, const char *comma_separated)
{
    char **items = NULL;
    size_t n = 0;
    const char *p = comma_separated;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len) {
            char **grown = realloc(items, (n + 1) * sizeof *items);
            if (!grown)
                goto fail;
            items = grown;
            if (!(items[n] = strndup(p, len)))
                goto fail;
            n++;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    free_list(*list, *count);
    *list = items;
    *count = n;
    return 0;
fail:
    free_list(items, n);
    return -1;
}

int lwiod_config_add_setting(struct lwiod_config *config, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment || !memchr(assignment, '.', (size_t)(eq - assignment)))
        return -1;
    size_t key_len = (size_t)(eq - assignment) + 1; /* with the '=' */
    for (size_t i = 0; i < config->setting_count; i++) {
        if (strncmp(config->settings[i], assignment, key_len) == 0) {
            char *copy = strdup(assignment);
            if (!copy)
                return -1;
            free(config->settings[i]);
            config->settings[i] = copy;
            return 0;
        }
    }
    char **grown = realloc(config->settings, (config->setting_count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    config->settings = grown;
    if (!(grown[config->setting_count] = strdup(assignment)))
        return -1;
    config->setting_count++;
    return 0;
}

int lwiod_config_init(struct lwiod_config *config, const char *db_path)
{
    memset(config, 0, sizeof *config);
    config->log_level = LOG_LEVEL_WARNING;
    config->worker_min = 2;
    config->worker_max = 32;
    if (!(config->db_path = strdup(db_path ? db_path : "")) ||
        lwiod_config_set_list(&config->drivers, &config->driver_count, "npfs") ||
        lwiod_config_set_list(&config->required_drivers, &config->required_count, "npfs")) {
        lwiod_config_free(config);
        return -1;
    }
    return 0;
}

void lwiod_config_free(struct lwiod_config *config)
{
    free(config->db_path);
    free(config->driver_dir);
    free_list(config->drivers, config->driver_count);
    free_list(config->required_drivers, config->required_count);
    free_list(config->settings, config->setting_count);
    memset(config, 0, sizeof *config);
}

static char **copy_list(char **list, size_t count, int *failed)
{
    if (!count)
        return NULL;
    char **copy = calloc(count, sizeof *copy);
    if (!copy) {
        *failed = 1;
        return NULL;
    }
    for (size_t i = 0; i < count; i++)
        if (!(copy[i] = strdup(list[i])))
            *failed = 1;
    return copy;
}

int lwiod_config_copy(struct lwiod_config *dst, const struct lwiod_config *src)
{
    int failed = 0;
    *dst = *src;
    dst->db_path = src->db_path ? strdup(src->db_path) : NULL;
    dst->driver_dir = src->driver_dir ? strdup(src->driver_dir) : NULL;
    dst->drivers = copy_list(src->drivers, src->driver_count, &failed);
    dst->required_drivers = copy_list(src->required_drivers, src->required_count, &failed);
    dst->settings = copy_list(src->settings, src->setting_count, &failed);
    if ((src->db_path && !dst->db_path) || (src->driver_dir && !dst->driver_dir))
        failed = 1;
    if (failed) {
        lwiod_config_free(dst);
        return -1;
    }
    return 0;
}

/* ---- from the registry ---- */

static int set_from_multi(struct registry *reg, const char *name, char ***list, size_t *count)
{
    char **items = NULL;
    size_t n = 0;
    if (registry_setting_get_multi(reg, name, &items, &n) != STATUS_SUCCESS)
        return -1;
    int rc = 0;
    char **copy = n ? calloc(n, sizeof *copy) : NULL;
    if (n && !copy)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!(copy[i] = strdup(items[i])))
            rc = -1;
    registry_strv_free(items);
    if (rc) {
        free_list(copy, n);
        return -1;
    }
    free_list(*list, *count);
    *list = copy;
    *count = n;
    return 0;
}

NTSTATUS lwiod_config_load_registry(struct lwiod_config *config, struct registry *reg)
{
    char *level = NULL;
    if (set_from_multi(reg, "lwiod.drivers", &config->drivers, &config->driver_count) ||
        set_from_multi(reg, "lwiod.required-drivers", &config->required_drivers,
                       &config->required_count))
        return STATUS_INSUFFICIENT_RESOURCES;
    if (registry_setting_get_string(reg, "lwiod.log-level", &level) == STATUS_SUCCESS) {
        int parsed = log_level_parse(level);
        if (parsed >= 0)
            config->log_level = (enum log_level)parsed;
        free(level);
    }
    /* Every setting, so that a driver reads "srv.port" with IoDriverGetSetting;
     * --set on the command line, added later, overrides. */
    for (size_t i = 0; i < registry_setting_count(); i++) {
        const struct setting_def *def = registry_setting_at(i);
        char *value = NULL, *pair = NULL;
        bool is_default;
        if (registry_setting_get_text(reg, def->name, &value, &is_default) != STATUS_SUCCESS)
            continue;
        int rc = asprintf(&pair, "%s=%s", def->name, value) < 0 ? -1 : 0;
        free(value);
        if (rc == 0)
            rc = lwiod_config_add_setting(config, pair);
        free(pair);
        if (rc)
            return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}
