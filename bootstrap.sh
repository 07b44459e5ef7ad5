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
#   sh bootstrap.sh prepare    every job's packages, FreeRADIUS's headers and
#                              configure, nothing built: what .ci/run does
#                              before it runs the jobs side by side
#
# Builds happen out of tree, in _build/ (plain), _build-valgrind/ (plain,
# for valgrind), _build-san/ (ASan+UBSan), _build-tsan/ (ThreadSanitizer)
# and _build-fuzz/ (libFuzzer).  The suites
# use the checked-in test keys of lab/keys (make check points the lab at
# them), so they make certificates, not keys.
set -eu

job=${1:-demo}
top=$(cd "$(dirname "$0")" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# Each job installs the Debian packages it needs and no more: the demo a
# compiler and OpenSSL's headers; FreeRADIUS (whose package starts its
# daemon on a real host), eapol_test, valgrind and tcpdump only the jobs
# whose tests run them.
build_packages="build-essential autoconf automake libtool pkg-config \
libssl-dev"
# what the test suite runs (make check)
suite_packages="openssl libcmocka-dev mandoc jq python3-jsonschema tcpdump \
chromium"
# rlm_phonetrust and the RADIUS end-to-end tests (--with-freeradius)
radius_packages="freeradius freeradius-utils eapoltest libfreeradius-dev \
libtalloc-dev libpcre3-dev dpkg-dev"
# phonetrust.so and the Kamailio end-to-end tests (--with-kamailio): the
# server, its tls module, the test phone's python3, and what
# kamailio/fetch-headers.sh needs (dpkg-source; `make cfg')
kamailio_packages="kamailio kamailio-tls-modules python3 dpkg-dev make"
# the fuzz job's compiler and runtimes
fuzz_packages="clang-14 libfuzzer-14-dev libclang-rt-14-dev"
case ${job#deps-} in
demo)	packages=$build_packages ;;
check)	packages="$build_packages $suite_packages valgrind $radius_packages \
$kamailio_packages" ;;
valgrind) packages="$build_packages openssl libcmocka-dev valgrind" ;;
sanitize) packages="$build_packages $suite_packages" ;;
tsan)	packages="$build_packages libcmocka-dev" ;;
fuzz)	packages="build-essential pkg-config libssl-dev $fuzz_packages" ;;
*)	packages="" ;;
esac

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

# check [TARGET [make arguments...]]: run the suite (make check, or TARGET)
# in parallel; on failure show the logs of the tests that failed
check() {
	target=${1:-check}
	[ $# -gt 0 ] && shift
	if ! make -s -j"$jobs" "$target" "$@"; then
		# distcheck's own build keeps its logs in the unpacked tarball
		for log in tests/*/*.log tests/*.log \
		    libphonetrust-*/_build/sub/tests/*/*.log; do
			grep -qE '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null &&
			    { echo "==== $log"; tail -n 60 "$log"; }
		done
		exit 1
	fi
}

install_missing
case $job in
prepare)
	# for .ci/run, which then runs the jobs side by side: every job's
	# packages installed, FreeRADIUS's headers fetched, configure made
	for j in check valgrind sanitize tsan fuzz; do
		sh "$top/bootstrap.sh" deps-$j
	done
	sh "$top/freeradius/fetch-headers.sh" "$top/_freeradius"
	sh "$top/kamailio/fetch-headers.sh" "$top/_kamailio"
	(cd "$top" && mkdir -p m4 && autoreconf -fi)
	;;
deps-*)
	;;
demo)
	build _build
	./phonetrust demo
	;;
check)
	# rlm_phonetrust and the RADIUS end-to-end tests need FreeRADIUS's
	# headers, completed from its Debian source package.
	sh "$top/freeradius/fetch-headers.sh" "$top/_freeradius"
	# phonetrust.so and the Kamailio end-to-end tests: Kamailio's
	# headers, from its Debian source package, and its core's defines
	sh "$top/kamailio/fetch-headers.sh" "$top/_kamailio"
	build _build --with-freeradius="$top/_freeradius" \
	    --with-kamailio="$top/_kamailio"
	check
	# the tarball, built and tested again out of tree, installed and
	# uninstalled: in parallel like the rest
	check distcheck DISTCHECK_CONFIGURE_FLAGS="--enable-werror \
	    --with-freeradius=$top/_freeradius --with-kamailio=$top/_kamailio"
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
	# a build of its own, so that .ci/run runs it beside the check job
	build _build-valgrind
	# through the test harness, -j$jobs programs at a time
	check check-valgrind
	echo "bootstrap: the test programs passed under valgrind"
	;;
tsan)
	build _build-tsan --with-sanitizer=thread
	export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
	# the programs that start threads (the TLS attachment's handshakes,
	# the fleet's workers, RADIUS decisions, reloads, the cache), built
	# and run
	tsan_tests="tests/unit/test_reload tests/unit/test_threads tests/unit/test_cache tests/unit/test_ssl tests/unit/test_fleet tests/unit/test_radius"
	check check TESTS="$tsan_tests" check_PROGRAMS="$tsan_tests"
	echo "bootstrap: the threaded tests passed under ThreadSanitizer"
	;;
fuzz)
	FUZZ_BUILD="$top/_build-fuzz" FUZZ_CC=clang-14 \
	    sh "$top/fuzz/run.sh" --smoke
	echo "bootstrap: every fuzz harness ran without a finding"
	;;
*)
	echo "usage: sh bootstrap.sh demo|check|sanitize|valgrind|tsan|fuzz|prepare" >&2
	exit 2
	;;
esac
