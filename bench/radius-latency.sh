#!/bin/sh
# What libphonetrust adds to a phone's EAP-TLS authentication in a real
# FreeRADIUS on 127.0.0.1: N authentications of an accepted MIC phone
# (CP-7975G-SEP001122334455, leaf and intermediate) by eapol_test against
# each configuration the tests use (tests/e2e/radius.sh, from
# examples/freeradius):
#   plain   ca_file alone (the export of the 802.1x store), no libphonetrust
#   hook    the verify hook: FreeRADIUS runs `phonetrust verify' per phone
#   module  rlm_phonetrust in the check-eap-tls virtual server
# The servers run as in production (threads, no debug output; RADIUS_FLAGS
# overrides "-f -l stdout", e.g. "-f -s -l stdout" for one thread).
# Prints the median, mean, 10th and 90th percentile milliseconds per
# authentication (eapol_test's own start included, the same for every
# route) and what the hook and the module add to plain.  In the build tree
# the hook runs phonetrust through libtool's wrapper script, a cost an
# installed phonetrust does not have: it is measured and subtracted too.
# With threads, FreeRADIUS reaps the hook's process by polling every
# 100 ms (rad_waitpid), so the hook's figures are bimodal there: the p10
# and p90 columns show it; with one thread (-s) it waits for it directly.
# Not part of make check.
#
# usage: sh bench/radius-latency.sh BUILDDIR [N]     (N: 30 by default)
# Environment: FREERADIUS, EAPOL_TEST, OPENSSL as for make check.
set -u
case ${1:-} in
"" | -h | --help)
	echo "usage: sh bench/radius-latency.sh BUILDDIR [N]"
	exit 2 ;;
esac
top_builddir=$(cd "$1" && pwd) || exit 2
top_srcdir=$(cd "$(dirname "$0")/.." && pwd) || exit 2
n=${2:-30}
case $n in '' | *[!0-9]*) echo "N must be a number"; exit 2 ;; esac
[ "$n" -ge 1 ] || { echo "N must be at least 1"; exit 2; }
FREERADIUS=${FREERADIUS:-/usr/sbin/freeradius}
EAPOL_TEST=${EAPOL_TEST:-eapol_test}
# production-like: threads, no debug output
RADIUS_FLAGS=${RADIUS_FLAGS:-"-f -l stdout"}
. "$top_srcdir/tests/e2e/radius.sh"

case $(date +%s%N) in
*N | *[!0-9]*) rad_fatal "date +%s%N gives no nanoseconds here" ;;
esac
now_us() { echo $(($(date +%s%N) / 1000)); }

[ -x "$top_builddir/phonetrust" ] || rad_fatal "no phonetrust in $top_builddir"
[ -f "$top_builddir/.libs/rlm_phonetrust.so" ] ||
	rad_fatal "no rlm_phonetrust in $top_builddir/.libs"

rad_setup radius-bench
rad_lab

# stats FILE: "median mean p10 p90" in ms (3 decimals) of the
# microseconds in FILE
stats() {
	sort -n "$1" | awk '{ v[NR] = $1; s += $1 }
		END {
			if (NR % 2) m = v[(NR + 1) / 2]
			else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			p10 = v[int((NR - 1) * 0.1) + 1]
			p90 = v[int((NR - 1) * 0.9 + 0.5) + 1]
			printf "%.3f %.3f %.3f %.3f\n", m / 1000, s / NR / 1000,
			    p10 / 1000, p90 / 1000
		}'
}

routes="plain hook module"
echo "FreeRADIUS $("$FREERADIUS" -v 2>/dev/null | sed -n 's/.*Version \([0-9.]*\).*/\1/p;q') ($RADIUS_FLAGS), $n authentications of a MIC phone per route, in turns"
# the three servers side by side, each on its port
for r in $routes; do
	rad_config "$r"
	rad_start
	eval "port_$r=$rad_port pid_$r=$rad_pid"
	: >"$rad_tmp/$r.us"
done
rad_phone_conf mic CP-7975G-SEP001122334455
# auth ROUTE: one authentication, accepted, its microseconds in ROUTE.us
auth() {
	eval "rad_port=\$port_$1"
	t0=$(now_us)
	rad_eapol
	t1=$(now_us)
	[ "$rad_rc" -eq 0 ] ||
		rad_fatal "$1: the MIC phone was not accepted: $(printf '%s\n' "$rad_out" | tail -n 3)"
	echo $((t1 - t0)) >>"$rad_tmp/$1.us"
}
# two untimed rounds, then N rounds taking the routes in turn, so that
# whatever else the machine does weighs on all three alike
for r in $routes; do auth "$r"; auth "$r"; : >"$rad_tmp/$r.us"; done
i=0
while [ $i -lt "$n" ]; do
	for r in $routes; do auth "$r"; done
	i=$((i + 1))
done
for r in $routes; do
	eval "rad_pid=\$pid_$r"
	rad_stop
done
printf '%-8s %10s %10s %10s %10s\n' route "median ms" "mean ms" "p10 ms" "p90 ms"
for r in $routes; do
	set -- $(stats "$rad_tmp/$r.us")
	eval "median_$r=$1 mean_$r=$2"
	printf '%-8s %10s %10s %10s %10s\n' "$r" "$1" "$2" "$3" "$4"
done

# the libtool wrapper: phonetrust --version through it and without it
: >"$rad_tmp/wrapper.us"
: >"$rad_tmp/direct.us"
i=0
while [ $i -lt "$n" ]; do
	t0=$(now_us)
	"$top_builddir/phonetrust" --version >/dev/null
	t1=$(now_us)
	LD_LIBRARY_PATH=$top_builddir/.libs "$top_builddir/.libs/phonetrust" --version >/dev/null
	t2=$(now_us)
	echo $((t1 - t0)) >>"$rad_tmp/wrapper.us"
	echo $((t2 - t1)) >>"$rad_tmp/direct.us"
	i=$((i + 1))
done
set -- $(stats "$rad_tmp/wrapper.us") $(stats "$rad_tmp/direct.us")
wrapper=$(awk -v a="$1" -v b="$5" 'BEGIN { printf "%.3f", a - b }')

echo
awk -v pm="$median_plain" -v pa="$mean_plain" \
    -v hm="$median_hook" -v ha="$mean_hook" \
    -v mm="$median_module" -v ma="$mean_module" -v w="$wrapper" 'BEGIN {
	printf "added to plain    median ms  mean ms\n"
	printf "hook              %9.3f %8.3f\n", hm - pm, ha - pa
	printf "  of which the libtool wrapper script (median %.3f ms):\n", w
	printf "  hook with an installed phonetrust  %9.3f\n", hm - pm - w
	printf "module            %9.3f %8.3f\n", mm - pm, ma - pa
}'
