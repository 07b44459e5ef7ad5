#!/bin/sh
# Make a Kamailio 5.6 source directory for building phonetrust.so, the
# Kamailio module:
#   sh kamailio/fetch-headers.sh DEST
# No Debian package ships Kamailio's module headers.  They come from
# Debian's kamailio source package of the installed version, fetched
# with a private apt configuration: the system's sources and lists are
# left untouched.  `make cfg' then runs with the flags the installed core
# was built with, so that the compile-flags string a module carries
# matches the core's (Kamailio refuses to load a module whose string
# differs).  DEST/src then holds the core's and the tls module's headers
# and DEST/kamailio.defs the defines; pass DEST to
# configure --with-kamailio=DEST.
set -eu

dest=${1:?usage: fetch-headers.sh DEST}
command -v kamailio >/dev/null 2>&1 || [ -x /usr/sbin/kamailio ] ||
    { echo "fetch-headers: install kamailio first" >&2; exit 2; }
dpkg-query -W -f='${Status}' kamailio-tls-modules 2>/dev/null |
    grep -q 'ok installed' ||
    { echo "fetch-headers: install kamailio-tls-modules first" >&2; exit 2; }
version=$(dpkg-query -W -f='${Version}' kamailio)
[ -f "$dest/.version" ] && [ "$(cat "$dest/.version")" = "$version" ] &&
    exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
. /etc/os-release
cat >"$work/sources.list" <<LIST
deb-src http://deb.debian.org/debian $VERSION_CODENAME main
deb-src http://deb.debian.org/debian $VERSION_CODENAME-updates main
deb-src http://deb.debian.org/debian-security $VERSION_CODENAME-security main
LIST
apt_private="-o Dir::Etc::SourceList=$work/sources.list \
-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$work/lists \
-o Dir::Cache=$work/cache -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $apt_private -qq update
# shellcheck disable=SC2086
(cd "$work" && apt-get $apt_private -qq source --download-only \
    "kamailio=$version" >/dev/null)
(cd "$work" && dpkg-source --no-check -x ./*.dsc src >/dev/null)

# `make cfg' as Debian's build runs it (debian/rules: prefix /usr,
# configuration in /etc/kamailio/, VERSION_NODATE), so the defines, and
# with them the compile-flags string, are the installed core's.
(cd "$work/src" && make cfg quiet=verbose prefix=/usr \
    cfg_target=/etc/kamailio/ FLAVOUR=kamailio \
    CC_EXTRA_OPTS="-DVERSION_NODATE" >"$work/cfg.log" 2>&1) ||
    { cat "$work/cfg.log" >&2; echo "fetch-headers: make cfg failed" >&2;
      exit 1; }
mak=$work/src/src/config.mak
defs=$(sed -n 's/^C_DEFS= *//p' "$mak")
pmutex=$(sed -n 's/^CC_PMUTEX_OPTS= *//p' "$mak")

rm -rf "$dest.new"
mkdir -p "$dest.new/src"
(cd "$work/src/src" && find core modules/tls -name '*.h' |
    while read -r h; do
	mkdir -p "$dest.new/src/$(dirname "$h")"
	cp "$h" "$dest.new/src/$h"
    done)
# The defines as a header (-include): no shell quoting on the way to cc.
{
	echo "/* Kamailio $version: the defines of its core (make cfg). */"
	eval "set -- $defs $pmutex"
	for d in "$@"; do
		case $d in
		-D*=*) d=${d#-D}; printf '#define %s %s\n' "${d%%=*}" "${d#*=}" ;;
		-D*) printf '#define %s 1\n' "${d#-D}" ;;
		esac
	done
} >"$dest.new/kamailio-defs.h"

# The module's compile-flags string must be the installed core's.
kam=$(command -v kamailio || echo /usr/sbin/kamailio)
want=$("$kam" -v | sed -n 's/^flags: //p' | sed 's/ *$//')
cat >"$work/flags.c" <<'C'
#include <stdio.h>
#include "core/ver_defs.h"
int main(void) { puts(SER_COMPILE_FLAGS); return 0; }
C
${CC:-cc} -include "$dest.new/kamailio-defs.h" -I"$dest.new/src" \
    -o "$work/flags" "$work/flags.c"
got=$("$work/flags" | sed 's/ *$//')
if [ "$got" != "$want" ]; then
	echo "fetch-headers: compile flags differ from the installed core's:" >&2
	echo "  core:    $want" >&2
	echo "  headers: $got" >&2
	exit 1
fi
echo "$version" >"$dest.new/.version"
rm -rf "$dest"
mv "$dest.new" "$dest"
echo "fetch-headers: $dest ($version)"
