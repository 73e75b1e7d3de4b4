#!/usr/bin/env bash
# The Debian packages the build and the tests need, kept in one place. Used by `make site`,
# `make test` and .ci/run.
#
#   bash tools/deps.sh site|test          install what is missing (as root, or with sudo -n),
#                                         or stop with one line that says what to install
#   bash tools/deps.sh site|test --check  never install: exit 1 with that line if anything is missing
set -euo pipefail

# need   what is checked                  Debian packages that provide it
TABLE='
site    lib:libpangoft2-1.0.so.0          libpango-1.0-0 libpangoft2-1.0-0
site    lib:libharfbuzz-subset.so.0       libharfbuzz-subset0
test    cmd:chromium                      chromium
test    cmd:java                          default-jre-headless
test    cmd:npm                           nodejs npm
test    cmd:pdftotext                     poppler-utils
test    cmd:soffice                       libreoffice-calc-nogui
'

goal=${1:-test}
mode=${2:-install}
case "$goal" in site|test) ;; *) echo "usage: tools/deps.sh site|test [--check]" >&2; exit 2;; esac

present() {
  local kind=${1%%:*} name=${1#*:}
  case "$kind" in
    cmd) command -v "$name" >/dev/null 2>&1 ;;
    lib) /sbin/ldconfig -p 2>/dev/null | grep -qF "$name" ;;
  esac
}

missing=()
while read -r need check packages; do
  [ -n "$need" ] || continue
  [ "$goal" = test ] || [ "$need" = site ] || continue
  read -r -a packages <<<"$packages"
  present "$check" || missing+=("${packages[@]}")
done <<<"$TABLE"
[ ${#missing[@]} -eq 0 ] && exit 0

line="make $goal needs the Debian packages: ${missing[*]} — install them with: sudo apt-get install -y ${missing[*]}"
if [ "$mode" = --check ]; then echo "$line" >&2; exit 1; fi
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else
  echo "$line" >&2; exit 1
fi
command -v apt-get >/dev/null 2>&1 || { echo "$line" >&2; exit 1; }
echo "installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
