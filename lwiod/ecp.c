/* Extra create parameter lists: a small array of typed byte strings. */
#include <stdlib.h>
#include <string.h>

#include "lwiod/driver.h"

/* Far more than any create needs; bounds what an lwio client can make us hold. */
#define IO_ECP_MAX 32

struct io_ecp {
    char *type;
    void *data;
    size_t size;
    bool acknowledged;
};

struct io_ecp_list {
    size_t count;
    struct io_ecp items[IO_ECP_MAX];
};

NTSTATUS IoEcpListCreate(struct io_ecp_list **list)
{
    *list = calloc(1, sizeof **list);
    return *list ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

void IoEcpListFree(struct io_ecp_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].type);
        free(list->items[i].data);
    }
    free(list);
}

static struct io_ecp *find(const struct io_ecp_list *list, const char *type)
{
    if (!list || !type)
        return NULL;
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i].type, type) == 0)
            return (struct io_ecp *)&list->items[i];
    return NULL;
}

NTSTATUS IoEcpListAdd(struct io_ecp_list *list, const char *type, const void *data, size_t size)
{
    if (!list || !type || !*type || (size && !data))
        return STATUS_INVALID_PARAMETER;
    void *copy = malloc(size ? size : 1);
    if (!copy)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (size)
        memcpy(copy, data, size);
    struct io_ecp *ecp = find(list, type);
    if (ecp) {
        free(ecp->data);
        ecp->data = copy;
        ecp->size = size;
        ecp->acknowledged = false;
        return STATUS_SUCCESS;
    }
    if (list->count == IO_ECP_MAX) {
        free(copy);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    char *name = strdup(type);
    if (!name) {
        free(copy);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    list->items[list->count++] = (struct io_ecp){ name, copy, size, false };
    return STATUS_SUCCESS;
}

NTSTATUS IoEcpListFind(const struct io_ecp_list *list, const char *type, const void **data,
                       size_t *size)
{
    const struct io_ecp *ecp = find(list, type);
    if (!ecp)
        return STATUS_NOT_FOUND;
    if (data)
        *data = ecp->data;
    if (size)
        *size = ecp->size;
    return STATUS_SUCCESS;
}

size_t IoEcpListCount(const struct io_ecp_list *list) { return list ? list->count : 0; }

void IoEcpListGet(const struct io_ecp_list *list, size_t index, const char **type,
                  const void **data, size_t *size)
{
    const struct io_ecp *ecp = &list->items[index];
    *type = ecp->type;
    *data = ecp->data;
    *size = ecp->size;
}

void IoEcpAcknowledge(struct io_ecp_list *list, const char *type)
{
    struct io_ecp *ecp = find(list, type);
    if (ecp)
        ecp->acknowledged = true;
}

bool IoEcpIsAcknowledged(const struct io_ecp_list *list, const char *type)
{
    const struct io_ecp *ecp = find(list, type);
    return ecp && ecp->acknowledged;
}
