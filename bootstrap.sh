#!/bin/sh
# Set up a Debian 12 machine for libphonetrust, build it, and run one job.
#
#   sh bootstrap.sh demo       install what is missing, build, run `phonetrust demo`
#   sh bootstrap.sh check      ... then the whole test suite and `make distcheck`
#   sh bootstrap.sh sanitize   ... the test suite built with ASan + UBSan
#   sh bootstrap.sh valgrind   ... the test programs under valgrind, leaks fatal
#   sh bootstrap.sh tsan       ... the threaded tests under ThreadSanitizer
#   sh bootstrap.sh fuzz       ... clang + libFuzzer, every fuzz harness briefly
#                              (fuzz/run.sh --smoke, see fuzz/README)
#
# Builds happen out of tree, in _build/ (plain), _build-san/ (ASan+UBSan),
# _build-tsan/ (ThreadSanitizer) and _build-fuzz/ (libFuzzer).
set -eu

job=${1:-demo}
top=$(cd "$(dirname "$0")" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

packages="build-essential autoconf automake libtool pkg-config openssl \
libssl-dev libcmocka-dev mandoc valgrind jq python3-jsonschema \
tcpdump freeradius freeradius-utils eapoltest libfreeradius-dev \
libtalloc-dev libpcre3-dev dpkg-dev"
# the fuzz job's compiler and runtimes, on top
fuzz_packages="clang-14 libfuzzer-14-dev libclang-rt-14-dev"
[ "$job" = fuzz ] && packages="$packages $fuzz_packages"

install_missing() {
	missing=""
	for p in $packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "bootstrap: installing$missing"
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 ||
		    { echo "bootstrap: need root to install:$missing" >&2; exit 2; }
		sudo=sudo
	else
		sudo=
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# build DIR [configure options...]
build() {
	dir=$1
	shift
	if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ] ||
	    [ "$top/Makefile.am" -nt "$top/Makefile.in" ]; then
		(cd "$top" && mkdir -p m4 && autoreconf -fi)
	fi
	mkdir -p "$top/$dir"
	cd "$top/$dir"
	# configure again when the options differ from the last run's
	if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ] ||
	    [ "$(cat .bootstrap-options 2>/dev/null)" != "$*" ]; then
		"$top/configure" -q --enable-werror "$@"
		echo "$*" >.bootstrap-options
	fi
	make -s -j"$jobs"
}

# run the suite; on failure show the logs of the tests that failed
check() {
	if ! make -s -j"$jobs" check; then
		for log in tests/*.log; do
			grep -qE '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null &&
			    { echo "==== $log"; tail -n 60 "$log"; }
		done
		exit 1
	fi
}

install_missing
case $job in
demo)
	build _build
	./phonetrust demo
	;;
check)
	# rlm_phonetrust and the RADIUS end-to-end tests need FreeRADIUS's
	# headers, completed from its Debian source package.
	sh "$top/freeradius/fetch-headers.sh" "$top/_freeradius"
	build _build --with-freeradius="$top/_freeradius"
	check
	make -s distcheck DISTCHECK_CONFIGURE_FLAGS="--enable-werror \
	    --with-freeradius=$top/_freeradius"
	echo "bootstrap: make check and make distcheck passed"
	;;
sanitize)
	build _build-san --with-sanitizer=address,undefined
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	check
	echo "bootstrap: the suite passed under ASan + UBSan"
	;;
valgrind)
	sh "$top/freeradius/fetch-headers.sh" "$top/_freeradius"
	build _build --with-freeradius="$top/_freeradius"
	make -s check-valgrind
	;;
tsan)
	build _build-tsan --with-sanitizer=thread
	export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
	make -s -j"$jobs" check \
	    TESTS="tests/test_reload tests/test_threads tests/test_cache" ||
	    { tail -n 60 tests/test_reload.log tests/test_threads.log \
	    tests/test_cache.log; exit 1; }
	echo "bootstrap: the threaded tests passed under ThreadSanitizer"
	;;
fuzz)
	FUZZ_BUILD="$top/_build-fuzz" FUZZ_CC=clang-14 \
	    sh "$top/fuzz/run.sh" --smoke
	echo "bootstrap: every fuzz harness ran without a finding"
	;;
*)
	echo "usage: sh bootstrap.sh demo|check|sanitize|valgrind|tsan|fuzz" >&2
	exit 2
	;;
esac
