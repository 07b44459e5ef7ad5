#!/bin/sh
# Build the libFuzzer harnesses with clang straight from the library's
# sources, and run them.  Not part of `make check` (see fuzz/README).
#
#   sh fuzz/run.sh            every harness for FUZZ_SECONDS (60) each
#   sh fuzz/run.sh --smoke    every harness over its regressions and seed
#                             corpus plus a short mutation run (FUZZ_SMOKE_SECONDS,
#                             3 s each: under a minute for all of them)
#   sh fuzz/run.sh --build    build only
#
# Environment: FUZZ_TARGETS (e.g. "chain crl"; default: all), FUZZ_SECONDS,
# FUZZ_BUILD (build and scratch directory, default ./_build-fuzz),
# FUZZ_CC (default clang-14, else clang), FUZZ_JOBS (parallel libFuzzer
# workers per harness, default 1), FUZZ_ARGS (more libFuzzer options).
# New corpus entries and crash artifacts go to FUZZ_BUILD, never into the
# source tree; copy a reproducer into fuzz/regressions/<harness>/ by hand.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
mode=run
case ${1:-} in
--smoke) mode=smoke ;;
--build) mode=build ;;
"") ;;
*) echo "usage: sh fuzz/run.sh [--smoke|--build]" >&2; exit 2 ;;
esac

all="chain differential store_dir cluster_conf capture console trace radius crl fleet_csv fleet_json fleet_dir"
targets=${FUZZ_TARGETS:-$all}
[ -n "$targets" ] || targets=$all
seconds=${FUZZ_SECONDS:-60}
[ $mode = smoke ] && seconds=${FUZZ_SMOKE_SECONDS:-3}
B=${FUZZ_BUILD:-$PWD/_build-fuzz}
jobs=${FUZZ_JOBS:-1}
parallel=""
[ "$jobs" -gt 1 ] && parallel="-jobs=$jobs -workers=$jobs"

if [ -n "${FUZZ_CC:-}" ]; then
	cc=$FUZZ_CC
elif command -v clang-14 >/dev/null 2>&1; then
	cc=clang-14
else
	cc=clang
fi
command -v "$cc" >/dev/null 2>&1 || {
	echo "fuzz: no $cc: apt-get install clang-14 libfuzzer-14-dev libclang-rt-14-dev" >&2
	exit 2
}

mkdir -p "$B/obj" "$B/bin" "$B/corpus" "$B/artifacts" "$B/logs"
B=$(cd "$B" && pwd)

# ---------------------------------------------------------------- build
# config.h: what the library's sources need of configure's
version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$src/configure.ac")
cat >"$B/config.h.new" <<EOF
/* made by fuzz/run.sh */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif
#define PACKAGE_VERSION "$version"
EOF
if cmp -s "$B/config.h.new" "$B/config.h"; then rm -f "$B/config.h.new"; else
	mv "$B/config.h.new" "$B/config.h"; fi

ssl_cflags=$(pkg-config --cflags libssl libcrypto)
ssl_libs=$(pkg-config --libs libssl libcrypto)
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=gnu11 -g -O1 -fno-omit-frame-pointer $san -fsanitize=fuzzer-no-link \
-Wall -Wextra -Wno-unused-parameter -I$B -I$src/include -I$src/lib -I$src/lib/core -I$src/lib/common -I$src/lab \
-I$src/fuzz -DFUZZ_SRCDIR=\"$src\" $ssl_cflags"

# Rebuild everything when a header or the flags changed.
stamp=$B/obj/.flags
if [ "$(cat "$stamp" 2>/dev/null)" != "$cc $cflags" ]; then
	rm -f "$B"/obj/*.o
	echo "$cc $cflags" >"$stamp"
fi
for h in "$src"/include/*.h "$src"/lib/*.h "$src"/lib/*/*.h "$src"/lab/*.h "$src"/fuzz/*.h; do
	[ "$h" -nt "$stamp" ] && { rm -f "$B"/obj/*.o; touch "$stamp"; break; }
done

compile() {	# SOURCE OBJECT
	if [ ! -f "$2" ] || [ "$1" -nt "$2" ]; then
		echo "  CC       ${1#"$src"/}"
		$cc $cflags -c "$1" -o "$2"
	fi
}
libobjs=""
for f in "$src"/lib/*/*.c "$src"/lab/*.c; do
	o=$B/obj/$(basename "$(dirname "$f")")_$(basename "$f" .c).o
	compile "$f" "$o"
	libobjs="$libobjs $o"
done
compile "$src/fuzz/fuzz_common.c" "$B/obj/fuzz_common.o"
for t in $targets; do
	[ -f "$src/fuzz/fuzz_$t.c" ] || { echo "fuzz: no harness $t" >&2; exit 2; }
	compile "$src/fuzz/fuzz_$t.c" "$B/obj/fuzz_$t.o"
	bin=$B/bin/fuzz_$t
	need=0
	for o in $libobjs "$B/obj/fuzz_common.o" "$B/obj/fuzz_$t.o"; do
		[ ! -f "$bin" ] || [ "$o" -nt "$bin" ] && need=1
	done
	if [ $need = 1 ]; then
		echo "  CCLD     fuzz_$t"
		# shellcheck disable=SC2086
		$cc $san -fsanitize=fuzzer -o "$bin" "$B/obj/fuzz_$t.o" \
		    "$B/obj/fuzz_common.o" $libobjs $ssl_libs -lpthread
	fi
done
[ $mode = build ] && { echo "fuzz: built in $B/bin"; exit 0; }

# ---------------------------------------------------------------- run
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TMPDIR="$B/tmp"
mkdir -p "$TMPDIR"
cd "$B"		# libFuzzer's own files (fuzz-N.log with FUZZ_JOBS) land here
failed=""
printf '%-14s %6s %10s %7s %7s  %s\n' harness secs execs cov ft result
for t in $targets; do
	bin=$B/bin/fuzz_$t
	log=$B/logs/$t.log
	art=$B/artifacts/$t
	work=$B/corpus/$t
	mkdir -p "$art" "$work"
	: >"$log"
	rc=0
	# the regressions first: each must pass as it is
	reg=$src/fuzz/regressions/$t
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null | grep -v '\.txt$' || :)" ]; then
		# shellcheck disable=SC2046
		"$bin" -artifact_prefix="$art/" $(ls -d "$reg"/* | grep -v '\.txt$') \
		    >>"$log" 2>&1 || rc=$?
	fi
	start=$(date +%s)
	if [ $rc -eq 0 ]; then
		# shellcheck disable=SC2086
		"$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
		    -print_final_stats=1 -artifact_prefix="$art/" \
		    $parallel ${FUZZ_ARGS:-} \
		    "$work" "$src/fuzz/corpus/$t" >>"$log" 2>&1 || rc=$?
	fi
	[ "$jobs" -gt 1 ] && cat fuzz-*.log >>"$log" 2>/dev/null && rm -f fuzz-*.log
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$log" | tail -n 1)
	ft=$(sed -n 's/.* ft: \([0-9]*\) .*/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then res=ok; else
		res="FAILED (log: $log, artifacts: $art)"
		failed="$failed $t"
	fi
	printf '%-14s %6s %10s %7s %7s  %s\n' "$t" $((end - start)) \
	    "${execs:--}" "${cov:--}" "${ft:--}" "$res"
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed" >&2
	for t in $failed; do
		echo "==== $t" >&2
		grep -E '==ERROR|libphonetrust fuzz|SUMMARY|Test unit written' \
		    "$B/logs/$t.log" | head -n 20 >&2
	done
	exit 1
fi
echo "fuzz: no crash, leak or broken invariant"
