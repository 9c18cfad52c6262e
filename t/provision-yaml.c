/* The YAML loader: positions, anchors and aliases, and hostile input refused
 * quickly with file:line:column messages. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "provision/yaml_doc.h"
#include "t/tap/tap.h"

static struct ydoc *load(const char *text, char **error)
{
    return ydoc_load_string("test.yaml", text, strlen(text), NULL, error);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    char *error = NULL;
    struct ydoc *doc = load("shares:\n"
                            "  - name: projects\n"
                            "    comment: &c \"Team files\"\n"
                            "  - name: Ünïcødé\n"
                            "    comment: *c\n"
                            "flag: on\n"
                            "quoted: \"on\"\n",
                            &error);
    if (!ok(doc != NULL, "a valid document loads"))
        diag("%s", error);
    struct ydoc_node *shares = ydoc_map_get(doc->root, "shares");
    ok(shares && shares->kind == YDOC_SEQUENCE && shares->count == 2, "sequence of two");
    struct ydoc_node *second = shares->items[1];
    is_str(ydoc_map_get(second, "name")->text, "Ünïcødé", "non-ASCII value");
    is_str(ydoc_map_get(second, "comment")->text, "Team files", "alias resolves to anchor");
    is_int(ydoc_map_get(second, "name")->line, 4, "line of a value");
    is_int(ydoc_map_get(second, "name")->column, 11, "column of a value");
    ok(ydoc_map_get(doc->root, "flag")->plain && !ydoc_map_get(doc->root, "quoted")->plain,
       "plain vs quoted scalars are told apart");
    ydoc_free(doc);

    doc = load("a: 1\nb: [1, 2\nc: 3\n", &error);
    if (!ok(!doc && error && strncmp(error, "test.yaml:3:", 12) == 0, "syntax error names file:line"))
        diag("%s", error ? error : "(none)");
    free(error);

    doc = load("a: 1\na: 2\n", &error);
    if (!ok(!doc && strstr(error, "test.yaml:2:1: duplicate key 'a'"), "duplicate key refused"))
        diag("%s", error);
    free(error);

    doc = load("a: *nope\n", &error);
    ok(!doc && strstr(error, "unknown alias"), "unknown alias refused");
    free(error);

    doc = load("--- 1\n--- 2\n", &error);
    ok(!doc && strstr(error, "one document"), "two documents refused");
    free(error);

    /* Billion laughs: nine levels of ten aliases each. */
    char bomb[4096];
    int n = snprintf(bomb, sizeof bomb, "a0: &a0 [lol]\n");
    for (int i = 1; i < 10; i++)
        n += snprintf(bomb + n, sizeof bomb - n,
                      "a%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d]\n", i, i,
                      i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    double start = now();
    doc = load(bomb, &error);
    if (!ok(!doc && error && strstr(error, "alias-expansion"), "alias bomb refused"))
        diag("%s", error ? error : "(loaded)");
    ok(now() - start < 2.0, "alias bomb refused quickly");
    free(error);

    size_t depth = 10000;
    char *deep = malloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = 0;
    start = now();
    doc = load(deep, &error);
    if (!ok(!doc && error && strstr(error, "nesting deeper than 64"), "10,000-deep nesting refused"))
        diag("%s", error ? error : "(loaded)");
    ok(now() - start < 2.0, "deep nesting refused quickly");
    free(error);
    free(deep);

    struct ydoc_limits small = ydoc_default_limits;
    small.max_scalar_bytes = 8;
    doc = ydoc_load_string("t.yaml", "k: 0123456789\n", 14, &small, &error);
    if (!ok(!doc && strstr(error, "t.yaml:1:4: a value of 10 bytes"), "long scalar refused"))
        diag("%s", error);
    free(error);

    /* A 100 MB file is refused from its size, without being read. */
    char path[] = "/tmp/sw-yaml-XXXXXX";
    int fd = mkstemp(path);
    ok(fd >= 0 && write(fd, "k: \"", 4) == 4 && ftruncate(fd, 100u << 20) == 0, "100 MB file");
    close(fd);
    start = now();
    doc = ydoc_load_file(path, NULL, &error);
    if (!ok(!doc && error && strstr(error, "more than the limit"), "100 MB file refused"))
        diag("%s", error ? error : "(loaded)");
    ok(now() - start < 1.0, "refused quickly");
    free(error);
    unlink(path);

    doc = ydoc_load_file("/nonexistent/x.yaml", NULL, &error);
    ok(!doc && strstr(error, "/nonexistent/x.yaml: No such file"), "missing file named");
    free(error);

    doc = load("", &error);
    ok(doc && doc->root == NULL, "empty document loads as empty");
    ydoc_free(doc);
    return done_testing();
}
