#!/bin/sh
# setup.sh — installs the Debian packages jirga needs to build and test, when they are
# missing. Runs apt-get only as root; otherwise prints the command to run.
set -eu
PACKAGES="gcc make libc6-dev pkg-config libutf8proc-dev libjansson-dev libsqlite3-dev libcmocka-dev wordnet-base libgeonames-dev iso-codes python3 diffutils clang-14 libclang-rt-14-dev llvm-14 time libmicrohttpd-dev wrk nodejs postgresql libpq-dev parallel"
# chromium only for the browser test of `jirga serve`, which is skipped (with a message)
# without it; valgrind only for `make bench-cost`.
OPTIONAL="chromium valgrind"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
optional=""
for p in $OPTIONAL; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || optional="$optional $p"
done
[ -z "$missing$optional" ] && exit 0
echo "setup: installing:$missing$optional"
if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    [ -z "$missing" ] || apt-get install -y -qq --no-install-recommends $missing
    # shellcheck disable=SC2086
    [ -z "$optional" ] || apt-get install -y -qq --no-install-recommends $optional ||
        echo "setup: could not install$optional: the browser test or bench-cost will be skipped" >&2
else
    echo "setup: run as root: apt-get install$missing$optional" >&2
    [ -z "$missing" ] || exit 1
fi
