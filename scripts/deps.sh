#!/bin/sh
# Installs procmap's build dependencies from Debian packages when they are
# missing.  Run by the Makefile when pkg-config cannot find a library; safe to
# run by hand.  Needs root (or sudo) and apt-get.
#   sh scripts/deps.sh          the build dependencies
#   sh scripts/deps.sh fuzz     clang and libFuzzer, for `make fuzz` only
#   sh scripts/deps.sh man      scdoc and man, for the man pages (make install)
#   sh scripts/deps.sh leakcheck  valgrind, for make leakcheck
#   sh scripts/deps.sh bench    python3-igraph, the peer make bench runs
set -eu

case "${1:-build}" in
fuzz) pkgs="clang libclang-rt-14-dev" ;;
man) pkgs="scdoc man-db" ;;
leakcheck) pkgs="valgrind" ;;
bench) pkgs="python3-igraph" ;;
*) pkgs="build-essential pkg-config libgraphviz-dev graphviz libyaml-dev libjansson-dev libmicrohttpd-dev libcmark-dev libcriterion-dev neovim python3-jsonschema python3-yaml chromium poppler-utils netpbm mkdocs" ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: missing packages:$missing (no apt-get here: install them by hand)" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
		exit 1
	}
	sudo=sudo
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
