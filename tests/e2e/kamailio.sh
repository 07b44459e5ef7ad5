# Shared by tests/e2e/kamailio.test and bench/kamailio-latency.sh: a real
# Kamailio 5.6 on 127.0.0.1 and tests/e2e/sip-phone.py playing Cisco IP
# phones (SIP REGISTER over TLS), on a lab made by `phonetrust lab'.
#
# The server's configuration is examples/kamailio with only paths and the
# listen port changed (sed), so the examples are what is tested.  Source
# with top_builddir and top_srcdir set (make check sets them, and
# KAMAILIO, KAMCMD, PYTHON3, OPENSSL), then:
#
#   kam_setup NAME        temporary directory; every server started is
#                         stopped by its PID and the directory removed on
#                         every exit (KAMAILIO_KEEP=1 keeps the directory)
#   kam_lab               lab and cluster (the lab's manufacturing
#                         intermediate added to manufacturing-ca, so a MIC
#                         sent alone is trusted), the server's certificate,
#                         ca-list.pem exported for callmanager-tls
#   kam_start ROUTE       start a server: ROUTE module (tls.cfg and
#                         phonetrust.so), module-nocache (the same with
#                         cache_size 0: every connection judged; bench) or
#                         ca-list (kamailio -A WITH_CA_LIST: OpenSSL
#                         alone); kam_pid, kam_port, kam_log, kam_ctl (its
#                         kamcmd socket)
#   kam_phone ARGS...     sip-phone.py --port $kam_port ARGS
#   kam_stop              stop the server $kam_pid
#
# POSIX sh.  Only 127.0.0.1.

: "${top_builddir:=.}"
: "${top_srcdir:=$top_builddir}"
: "${KAMAILIO:=/usr/sbin/kamailio}"
: "${KAMCMD:=/usr/sbin/kamcmd}"
: "${PYTHON3:=python3}"
kam_pt=$top_builddir/phonetrust
kam_ossl=${OPENSSL:-openssl}
kam_module=$top_builddir/kamailio/.libs/phonetrust.so
kam_examples=$top_srcdir/examples/kamailio
kam_pid=""
kam_pids=""	# every server started and not yet stopped
kam_port=""
kam_tmp=""
kam_n=0

kam_fatal() {
	echo "FAIL: $*"
	exit 1
}

# kam_stop_pid PID: SIGTERM, then SIGKILL after 5 s; -DD keeps the main
# process in the foreground, and it stops its children
kam_stop_pid() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	kam_i=0
	while kill -0 "$1" 2>/dev/null && [ $kam_i -lt 50 ]; do
		sleep 0.1
		kam_i=$((kam_i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	kam_rest=""
	for kam_p in $kam_pids; do
		[ "$kam_p" = "$1" ] || kam_rest="$kam_rest $kam_p"
	done
	kam_pids=$kam_rest
}

kam_stop() {
	kam_stop_pid "$kam_pid"
	kam_pid=""
}

kam_cleanup() {
	for kam_p in $kam_pids; do
		kam_stop_pid "$kam_p"
	done
	if [ -n "$kam_tmp" ] && [ -z "${KAMAILIO_KEEP:-}" ]; then
		rm -rf "$kam_tmp"
	elif [ -n "$kam_tmp" ]; then
		echo "kept $kam_tmp"
	fi
}

kam_setup() {
	kam_tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptrust-$1.XXXXXX") ||
		kam_fatal "mktemp"
	trap kam_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	unset PHONETRUST_CLUSTER
	[ -x "$KAMAILIO" ] || kam_fatal "no Kamailio at $KAMAILIO"
	[ -x "$KAMCMD" ] || kam_fatal "no kamcmd at $KAMCMD"
	command -v "$PYTHON3" >/dev/null 2>&1 || kam_fatal "no $PYTHON3"
	[ -f "$kam_module" ] || kam_fatal "phonetrust.so is not built"
	[ -f "$kam_examples/kamailio.cfg" ] ||
		kam_fatal "no examples in $kam_examples"
}

kam_lab() {
	lab=$kam_tmp/lab
	cl=$lab/cluster
	ph=$lab/phones
	"$kam_pt" lab "$lab" >/dev/null || kam_fatal "phonetrust lab"
	"$kam_pt" --cluster "$cl" store add manufacturing-ca --role \
		manufacturing "$lab/ca/lab-manufacturing-ca-sha2.pem" \
		>/dev/null || kam_fatal "phonetrust store add manufacturing-ca"
	kam_certs=$kam_tmp/certs
	mkdir "$kam_certs" || kam_fatal "mkdir"
	# what OpenSSL in the ca-list route trusts: exported from the cluster
	"$kam_pt" --cluster "$cl" export --purpose callmanager-tls \
		--format pem-bundle "$kam_certs/ca-list.pem" >/dev/null ||
		kam_fatal "phonetrust export"
	"$kam_ossl" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$kam_certs/server.key" \
		-out "$kam_certs/server.pem" -days 30 -subj "/CN=sip.test" \
		2>/dev/null || kam_fatal "openssl: the server's certificate"
}

# kam_free_port: a port free on 127.0.0.1 now
kam_free_port() {
	"$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# kam_config DIR PORT [CACHE-SIZE]: the examples for a server in DIR on PORT
kam_config() {
	sed -e "s|^listen=tls:0\.0\.0\.0:5061\$|listen=tls:127.0.0.1:$2|" \
	    -e "s|\"cache_size\", 16384)|\"cache_size\", ${3:-16384})|" \
	    -e "s|/usr/local/lib/kamailio/modules/phonetrust\.so|$kam_module|" \
	    -e "s|/etc/kamailio/tls\.cfg|$1/tls.cfg|" \
	    -e "s|/etc/kamailio/tls-ca-list\.cfg|$1/tls-ca-list.cfg|" \
	    -e "s|unix:/run/kamailio/kamailio_ctl|unix:$1/run/ctl|" \
	    -e "s|/usr/local/etc/phonetrust/cluster|$cl|" \
	    "$kam_examples/kamailio.cfg" >"$1/kamailio.cfg" &&
	sed -e "s|/etc/kamailio/phonetrust/|$kam_certs/|" \
	    "$kam_examples/tls.cfg" >"$1/tls.cfg" &&
	sed -e "s|/etc/kamailio/phonetrust/|$kam_certs/|" \
	    "$kam_examples/tls-ca-list.cfg" >"$1/tls-ca-list.cfg" ||
		kam_fatal "sed: the examples"
	grep -q "^listen=tls:127.0.0.1:$2\$" "$1/kamailio.cfg" ||
		kam_fatal "kamailio.cfg: no listen line to change"
}

# kam_start ROUTE: a new server, up and listening
kam_start() {
	kam_cache=16384
	case $1 in
	module) set -- ;;
	module-nocache) kam_cache=0; set -- ;;
	ca-list) set -- -A WITH_CA_LIST ;;
	*) kam_fatal "kam_start: route $1" ;;
	esac
	kam_try=0
	while :; do
		kam_n=$((kam_n + 1))
		kam_dir=$kam_tmp/server-$kam_n
		mkdir -p "$kam_dir/run" || kam_fatal "mkdir"
		kam_port=$(kam_free_port) || kam_fatal "no free port"
		kam_config "$kam_dir" "$kam_port" "$kam_cache"
		kam_log=$kam_dir/kamailio.log
		kam_ctl=unix:$kam_dir/run/ctl
		LD_LIBRARY_PATH=$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
		    "$KAMAILIO" -f "$kam_dir/kamailio.cfg" "$@" -DD -E \
		    --atexit=no -Y "$kam_dir/run" -w "$kam_dir/run" -m 64 -M 8 \
		    >"$kam_log" 2>&1 &
		kam_pid=$!
		kam_pids="$kam_pids $kam_pid"
		kam_i=0
		while kill -0 "$kam_pid" 2>/dev/null && [ $kam_i -lt 100 ]; do
			# up: its control socket answers, its port accepts
			"$KAMCMD" -s "$kam_ctl" core.version >/dev/null 2>&1 &&
			    "$PYTHON3" -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
			    "$kam_port" 2>/dev/null && return 0
			sleep 0.1
			kam_i=$((kam_i + 1))
		done
		kam_stop
		kam_try=$((kam_try + 1))
		# another program may have taken the port meanwhile: again
		[ $kam_try -lt 3 ] || {
			tail -n 20 "$kam_log"
			kam_fatal "kamailio did not start"
		}
	done
}

kam_phone() {
	"$PYTHON3" "$top_srcdir/tests/e2e/sip-phone.py" --port "$kam_port" "$@"
}
