/* The metrics endpoint: Prometheus/OpenMetrics over HTTP, served from lwiod
 * with libmicrohttpd (docs/metrics.md).
 *
 * lwiod hosts it rather than a daemon of its own: lwiod already watches the
 * registry for live settings, every instance already runs it, and nothing
 * new needs supervising (lwadmin start, systemd units). It collects through
 * the same channels as `lwadmin stats` (metrics/metrics.h), so the two agree;
 * the HTTP side runs on libmicrohttpd's own thread, never on srv's.
 *
 * Settings (applied live, at every registry change lwiod notices):
 *   metrics.listen  off | on (127.0.0.1:9922) | ADDRESS:PORT | [IPV6]:PORT
 *   metrics.user    "" (no authentication) or the SAM user whose password
 *                   a scraper sends with HTTP basic authentication.
 *
 * Bounds (a hostile client costs little): at most METRICS_HTTP_MAX_CONNECTIONS
 * connections, METRICS_HTTP_MAX_PER_ADDRESS from one address, each closed
 * after METRICS_HTTP_TIMEOUT idle seconds, request headers within
 * METRICS_HTTP_MEMORY bytes, no request body accepted, and at most one
 * collection a second whatever the request rate. */
#ifndef SW_LWIOD_METRICS_HTTP_H
#define SW_LWIOD_METRICS_HTTP_H

#include "lib/ntstatus.h"

#define METRICS_HTTP_DEFAULT "127.0.0.1:9922"
#define METRICS_HTTP_MAX_CONNECTIONS 16
#define METRICS_HTTP_MAX_PER_ADDRESS 4
#define METRICS_HTTP_TIMEOUT 10
#define METRICS_HTTP_MEMORY (32 * 1024)

struct metrics_http;
struct registry;

/* A stopped endpoint for the instance of db_path (copied). NULL: no memory. */
struct metrics_http *metrics_http_new(const char *db_path);
/* Reads metrics.listen and metrics.user from reg and (re)starts, moves or
 * stops the listener to match. Failures (a port in use, a malformed value)
 * are logged and leave it stopped; the next call tries again. */
void metrics_http_apply(struct metrics_http *http, struct registry *reg);
void metrics_http_free(struct metrics_http *http);

#endif
