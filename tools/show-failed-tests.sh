#!/bin/sh
# After a failed `make check`: the output of each test that failed (non-zero
# exit status, or a "not ok" that is not a TODO), from the logs
# t/tap/run-logged.sh kept.
log_dir=${1:?usage: show-failed-tests.sh LOG_DIR}
for status_file in "$log_dir"/*.log.status; do
    [ -e "$status_file" ] || continue
    log=${status_file%.status}
    if [ "$(cat "$status_file")" != 0 ] || grep -v '# TODO' "$log" | grep -q '^not ok'; then
        echo "=============== $(basename "$log" .log): last 80 lines ==============="
        tail -n 80 "$log"
    fi
done
