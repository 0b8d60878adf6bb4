#!/usr/bin/env bash
# The system programs the test suite drives, installed from Debian's packages when missing:
# Chromium (axe-core and the browser journeys), Java (the Nu Html Checker), xmllint (feeds
# and sitemaps), Node.js and npm (the validators' packages), redis-server (the fault tests
# start one of their own), varnishd with varnish-modules' xkey (the edge tests start one).
# As root it installs them; otherwise it says what to install.
set -euo pipefail

declare -A package_of=(
    [chromium]=chromium
    [java]=default-jre-headless
    [xmllint]=libxml2-utils
    [npm]=npm
    [redis-server]=redis-server
    [varnishd]=varnish
)
missing=()
for program in "${!package_of[@]}"; do
    # Debian puts varnishd in /usr/sbin, which a user's PATH may leave out.
    PATH="$PATH:/usr/sbin" command -v "$program" >/dev/null || missing+=("${package_of[$program]}")
done
# The xkey module (surrogate keys and purges by key) comes with varnish-modules.
compgen -G "/usr/lib/*/varnish/vmods/libvmod_xkey.so" >/dev/null || missing+=(varnish-modules)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "The test suite needs these system packages: ${missing[*]}" >&2
    echo "Install them (on Debian or Ubuntu: sudo apt-get install ${missing[*]}) and run again." >&2
    exit 1
fi
echo "Installing ${missing[*]}..."
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
