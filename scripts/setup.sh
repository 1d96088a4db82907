#!/bin/sh
# setup.sh — installs the Debian packages jirga needs to build and test, when they are
# missing. Runs apt-get only as root; otherwise prints the command to run.
set -eu
PACKAGES="gcc make libc6-dev pkg-config libutf8proc-dev libjansson-dev libsqlite3-dev libcmocka-dev wordnet-base libgeonames-dev iso-codes python3 diffutils clang-14 libclang-rt-14-dev llvm-14 time postgresql libpq-dev parallel"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "setup: run as root: apt-get install$missing" >&2
    exit 1
fi
