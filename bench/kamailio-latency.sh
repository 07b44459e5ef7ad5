#!/bin/sh
# What phonetrust.so adds to the first REGISTER on a new TLS connection in
# a real Kamailio 5.6 on 127.0.0.1: N rounds, each one new connection of a
# MIC phone (SEP001122334455, leaf and intermediate, TLS 1.3 unless
# KAMAILIO_TLS=1.2) to each server in turn, timed by the phone
# (tests/e2e/sip-phone.py --bench) from connect() to the 200 OK of its
# first REGISTER: TCP, TLS handshake, the module's decision, usrloc's
# save.  The servers (tests/e2e/kamailio.sh, from examples/kamailio):
#   ca_list   OpenSSL alone checks the chain against the cluster's export
#             (tls-ca-list.cfg, kamailio -A WITH_CA_LIST)
#   module    phonetrust.so as configured in the example (verdict cache)
#   nocache   phonetrust.so with cache_size 0: every connection judged
# Prints the median, mean, 10th and 90th percentile milliseconds and what
# each module route adds to ca_list (median).  Not part of make check.
#
# usage: sh bench/kamailio-latency.sh BUILDDIR [N]     (N: 30 by default)
# Environment: KAMAILIO, KAMCMD, PYTHON3, OPENSSL as for make check.
# variables come from eval and tests/e2e/kamailio.sh; the statistics
# split into words on purpose
# shellcheck disable=SC2046,SC2154
set -u
case ${1:-} in
"" | -h | --help)
	echo "usage: sh bench/kamailio-latency.sh BUILDDIR [N]"
	exit 2 ;;
esac
top_builddir=$(cd "$1" && pwd) || exit 2
top_srcdir=$(cd "$(dirname "$0")/.." && pwd) || exit 2
n=${2:-30}
case $n in '' | *[!0-9]*) echo "N must be a number"; exit 2 ;; esac
[ "$n" -ge 1 ] || { echo "N must be at least 1"; exit 2; }
tls=${KAMAILIO_TLS:-1.3}
. "$top_srcdir/tests/e2e/kamailio.sh"

kam_setup kamailio-bench
kam_lab
routes="ca_list module nocache"
ports=""
for r in $routes; do
	case $r in
	ca_list) kam_start ca-list ;;
	nocache) kam_start module-nocache ;;
	*) kam_start "$r" ;;
	esac
	eval "port_$r=$kam_port ctl_$r=$kam_ctl"
	ports="$ports${ports:+,}$kam_port"
done
# a few connections each first: every worker process has judged once
kam_port=$ports
kam_phone --bench 8 --tls "$tls" --cert "$ph/mic.pem" --key "$ph/mic.key" \
	>/dev/null || kam_fatal "the phone is not accepted by every server"
echo "kamailio-latency: $n connections per server, in turns, TLS $tls, MIC with its intermediate"
kam_phone --bench "$n" --tls "$tls" --cert "$ph/mic.pem" --key "$ph/mic.key" \
	>"$kam_tmp/times" || kam_fatal "bench: $(tail -n 1 "$kam_tmp/times")"

# stats FILE: "median mean p10 p90" in ms (3 decimals)
stats() {
	sort -n "$1" | awk '{ v[NR] = $1; s += $1 }
	END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		p10 = v[int((NR - 1) * 0.1) + 1]
		p90 = v[int((NR - 1) * 0.9) + 1]
		printf "%.3f %.3f %.3f %.3f\n", m, s / NR, p10, p90
	}'
}

printf '%-8s %10s %10s %10s %10s\n' route "median ms" "mean ms" "p10 ms" "p90 ms"
for r in $routes; do
	eval "p=\$port_$r"
	awk -v p="$p" '$1 == "time-ms" && $2 == p { print $3 }' \
		"$kam_tmp/times" >"$kam_tmp/$r.ms"
	[ "$(wc -l <"$kam_tmp/$r.ms")" -eq "$n" ] ||
		kam_fatal "$r: $(wc -l <"$kam_tmp/$r.ms") times, expected $n"
	set -- $(stats "$kam_tmp/$r.ms")
	eval "median_$r=$1"
	printf '%-8s %10s %10s %10s %10s\n' "$r" "$1" "$2" "$3" "$4"
done
# shellcheck disable=SC2154
awk -v c="$median_ca_list" -v m="$median_module" -v x="$median_nocache" \
    'BEGIN {
	printf "added to ca_list (difference of the medians): module %+.3f ms, nocache %+.3f ms\n",
	    m - c, x - c
}'
# the same round by round: each round's three connections were made one
# right after the other, so a slow spell of the machine hits all three
for r in module nocache; do
	eval "p=\$port_$r"
	awk -v c="$port_ca_list" -v p="$p" '$1 == "time-ms" {
		if ($2 == c) base = $3
		else if ($2 == p) mine = $3
		if (++k % 3 == 0) print mine - base }' "$kam_tmp/times" |
		sort -n >"$kam_tmp/$r.diff"
	set -- $(stats "$kam_tmp/$r.diff")
	echo "added to ca_list (median of the $n rounds' differences): $r $1 ms"
done
# the module's own CPU time (thread CPU clock, the log line included),
# unaffected by waiting for the CPU: phonetrust.stats
for r in module nocache; do
	eval "ctl=\$ctl_$r"
	echo "$r: $("$KAMCMD" -s "$ctl" phonetrust.stats)"
done
