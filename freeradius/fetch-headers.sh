#!/bin/sh
# Make a FreeRADIUS 3.2 header directory for building rlm_phonetrust:
#   sh freeradius/fetch-headers.sh DEST
# Debian's libfreeradius-dev lacks headers a module needs (log.h, xlat.h,
# tmpl.h, ...).  They come from Debian's freeradius source package of the
# installed version, fetched with a private apt configuration: the
# system's sources and lists are left untouched.  DEST/freeradius/ then
# holds the installed headers plus the missing ones; pass DEST to
# configure --with-freeradius=DEST.
set -eu

dest=${1:?usage: fetch-headers.sh DEST}
installed=/usr/include/freeradius
[ -f "$installed/radiusd.h" ] ||
    { echo "fetch-headers: install libfreeradius-dev first" >&2; exit 2; }
version=$(dpkg-query -W -f='${Version}' libfreeradius-dev)
[ -f "$dest/freeradius/.version" ] &&
    [ "$(cat "$dest/freeradius/.version")" = "$version" ] && exit 0

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
    "freeradius=$version" >/dev/null)
(cd "$work" && dpkg-source --no-check -x ./*.dsc src >/dev/null)

mkdir -p "$dest/freeradius"
cp "$installed"/*.h "$dest/freeradius/"
# The source's headers say freeradius-devel/, Debian's say freeradius/.
for h in "$work"/src/src/include/*.h; do
	name=$(basename "$h")
	[ -f "$dest/freeradius/$name" ] && continue
	sed 's|freeradius-devel/|freeradius/|g' "$h" >"$dest/freeradius/$name"
done
echo "$version" >"$dest/freeradius/.version"
echo "fetch-headers: $dest/freeradius ($version)"
