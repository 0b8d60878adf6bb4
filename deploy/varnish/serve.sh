#!/usr/bin/env bash
# `make edge`: the site as `make serve` serves it, with Varnish in front as in production
# (deploy/varnish/newsroom.vcl): readers at http://HOST:EDGE_PORT (a free port unless given),
# gunicorn behind it at HOST:PORT, purged through EDGE_CACHE_URLS. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."

varnishd=$(PATH="$PATH:/usr/sbin" command -v varnishd) || {
    echo "Needs Varnish: apt-get install varnish varnish-modules (or make system-packages)." >&2
    exit 1
}
host=${HOST:-127.0.0.1}
port=${PORT:-8000}
edge_port=${EDGE_PORT:-$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

work=$(mktemp -d)
gunicorn_pid=""
varnishd_pid=""
stop() {
    for pid in $varnishd_pid $gunicorn_pid; do kill "$pid" 2>/dev/null || true; done
    wait
    rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

# The VCL with its backend on gunicorn's address: the lines an operator edits.
sed -e "s/^\(\s*\.host = \)\"[^\"]*\";/\1\"$host\";/" -e "s/^\(\s*\.port = \)\"[0-9]*\";/\1\"$port\";/" \
    deploy/varnish/newsroom.vcl >"$work/newsroom.vcl"

export EDGE_CACHE_URLS="http://$host:$edge_port"
.venv/bin/gunicorn newsroom.wsgi --bind "$host:$port" --workers "${WORKERS:-2}" --access-logfile - &
gunicorn_pid=$!
# In the foreground of this script, as whoever runs it, with its working files in $work.
"$varnishd" -F -j none -n "$work/varnish" -a "$host:$edge_port" -f "$work/newsroom.vcl" \
    -T none -s malloc,64m &
varnishd_pid=$!
echo "The site through the edge: http://$host:$edge_port/ (gunicorn behind it on $host:$port)"
wait -n
