#!/usr/bin/python3
"""Scrapes the metrics endpoint for t/metrics-*.t and parses the answer with
prometheus_client's parsers (the Prometheus text format, or OpenMetrics with
--openmetrics, which sends the Accept header that asks for it).

  metrics-scrape.py URL [--auth FILE] [--openmetrics]
      prints one JSON object: {"status": HTTP status (0: no connection),
      "content_type": ..., "samples": {"name{k=v,...}": value}} (labels
      sorted); a body that does not parse is an exception (exit 1).
  metrics-scrape.py --listening PID
      prints the TCP ports the process listens on, one a line (from /proc).
"""
import base64
import json
import os
import sys
import urllib.error
import urllib.request


def listening(pid):
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    for port in sorted(ports):
        print(port)


def key(name, labels):
    if not labels:
        return name
    return name + "{" + ",".join(f"{k}={v}" for k, v in sorted(labels.items())) + "}"


def scrape(url, auth, openmetrics):
    request = urllib.request.Request(url)
    if auth:
        with open(auth) as f:
            user, password = f.read().rstrip("\n").split(":", 1)
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request.add_header("Authorization", "Basic " + token)
    if openmetrics:
        request.add_header("Accept", "application/openmetrics-text; version=1.0.0")
    out = {"status": 0, "content_type": "", "samples": {}}
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            out["status"] = response.status
            out["content_type"] = response.headers.get("Content-Type", "")
            body = response.read().decode()
    except urllib.error.HTTPError as e:
        out["status"] = e.code
        out["www_authenticate"] = e.headers.get("WWW-Authenticate", "")
        print(json.dumps(out))
        return
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        print(json.dumps(out))
        return
    if openmetrics:
        from prometheus_client.openmetrics.parser import text_string_to_metric_families
    else:
        from prometheus_client.parser import text_string_to_metric_families
    families = list(text_string_to_metric_families(body))
    out["families"] = len(families)
    for family in families:
        for sample in family.samples:
            out["samples"][key(sample.name, sample.labels)] = sample.value
    print(json.dumps(out))


def main():
    args = sys.argv[1:]
    if args[:1] == ["--listening"]:
        listening(args[1])
        return
    url, auth, openmetrics = args[0], None, False
    rest = args[1:]
    while rest:
        if rest[0] == "--auth":
            auth, rest = rest[1], rest[2:]
        elif rest[0] == "--openmetrics":
            openmetrics, rest = True, rest[1:]
        else:
            sys.exit("usage: metrics-scrape.py URL [--auth FILE] [--openmetrics]")
    scrape(url, auth, openmetrics)


main()
