# Shared by tests/e2e/radius-hook.test, tests/e2e/radius-module.test and
# bench/radius-latency.sh: a real FreeRADIUS on 127.0.0.1 and eapol_test
# playing Cisco IP phones (EAP-TLS), on a lab made by `phonetrust lab'.
#
# The server's configuration is made from examples/freeradius, with only
# paths, the port and the route changed (sed), so the examples are what
# is tested.  Source with top_builddir and top_srcdir set (make check sets
# them, and FREERADIUS, EAPOL_TEST, OPENSSL), then:
#
#   rad_setup NAME        temporary directory; the server is stopped and the
#                         directory removed on every exit (RADIUS_KEEP=1
#                         keeps the directory, for debugging)
#   rad_lab               lab, the cluster's 802.1x store radius-trust, its
#                         CA file, the RADIUS server's certificate
#   rad_config ROUTE      $raddb for ROUTE: plain (ca_file alone), hook
#                         (verify hook + phonetrust-explain), module
#                         (rlm_phonetrust)
#   rad_start             start the server on a free port; rad_pid, rad_port
#   rad_phone PHONE IDENTITY
#                         EAP-TLS with phones/PHONE.pem, .key; rad_rc (0:
#                         accepted), rad_out (eapol_test's output), rad_log
#                         (the server's log of this authentication)
#   rad_phone_conf PHONE IDENTITY, then rad_eapol
#                         the same without the server's log (bench)
#   rad_stop              stop the server by its PID, $rad_pid (a caller
#                         may start several, keeping each rad_pid, rad_port
#                         and rad_log_file; all are stopped on exit)
#
# RADIUS_FLAGS: how FreeRADIUS runs, -X (debug, one thread) by default;
# rad_phone needs the debug log.
#
# POSIX sh.  Only 127.0.0.1.

: "${top_builddir:=.}"
: "${top_srcdir:=$top_builddir}"
: "${FREERADIUS:=/usr/sbin/freeradius}"
: "${EAPOL_TEST:=eapol_test}"
rad_pt=$top_builddir/phonetrust
rad_ossl=${OPENSSL:-openssl}
rad_examples=$top_srcdir/examples/freeradius
rad_secret=phonetrust-test-secret
rad_pid=""
rad_pids=""	# every server started and not yet stopped
rad_port=""
rad_tmp=""

# rad_fatal MESSAGE: the harness itself failed; the trap cleans up
rad_fatal() {
	echo "FAIL: $*"
	exit 1
}

rad_cleanup() {
	for rad_p in $rad_pids; do
		rad_pid=$rad_p
		rad_stop
	done
	if [ -n "$rad_tmp" ] && [ -z "${RADIUS_KEEP:-}" ]; then
		rm -rf "$rad_tmp"
	elif [ -n "$rad_tmp" ]; then
		echo "kept $rad_tmp"
	fi
}

rad_setup() {
	rad_tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptrust-$1.XXXXXX") ||
		rad_fatal "mktemp"
	trap rad_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	unset PHONETRUST_CLUSTER
	[ -x "$FREERADIUS" ] || rad_fatal "no FreeRADIUS at $FREERADIUS"
	command -v "$EAPOL_TEST" >/dev/null 2>&1 ||
		rad_fatal "no eapol_test ($EAPOL_TEST)"
	command -v timeout >/dev/null 2>&1 || rad_fatal "timeout(1) is needed"
	[ -d "$rad_examples/mods-available" ] ||
		rad_fatal "no examples in $rad_examples"
}

rad_lab() {
	lab=$rad_tmp/lab
	cl=$lab/cluster
	ph=$lab/phones
	"$rad_pt" lab "$lab" >/dev/null || rad_fatal "phonetrust lab"
	# the 802.1x store: this cluster's CAPF (LSCs), the manufacturing
	# root and intermediate (MICs)
	"$rad_pt" --cluster "$cl" store add radius-trust \
		"$lab/ca/CAPF-a6d4c572.pem" >/dev/null &&
	"$rad_pt" --cluster "$cl" store add radius-trust --role manufacturing \
		"$lab/ca/lab-root-ca.pem" "$lab/ca/lab-manufacturing-ca-sha2.pem" \
		>/dev/null || rad_fatal "phonetrust store add radius-trust"
	echo '802.1x = radius-trust' >>"$cl/cluster.conf"

	rad_certs=$rad_tmp/certs
	mkdir "$rad_certs" || rad_fatal "mkdir"
	# what FreeRADIUS's OpenSSL trusts: exported from the store
	"$rad_pt" --cluster "$cl" export radius-trust --format pem-bundle \
		"$rad_certs/phonetrust-ca.pem" >/dev/null ||
		rad_fatal "phonetrust export radius-trust"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$rad_certs/phonetrust-ca.pem")" -eq 3 ] ||
		rad_fatal "the exported CA file does not hold the 3 anchors"
	# the RADIUS server's certificate, issued by a CA of its own that
	# the phones (eapol_test) trust
	$rad_ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$rad_certs/radius-ca.key" -out "$rad_certs/radius-ca.pem" \
		-days 30 -subj "/CN=RADIUS Test CA" 2>/dev/null &&
	$rad_ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$rad_certs/radius-server.key" -out "$rad_certs/radius-server.csr" \
		-subj "/CN=radius.test" 2>/dev/null &&
	printf '%s\n' "basicConstraints = CA:FALSE" \
		"keyUsage = digitalSignature" "extendedKeyUsage = serverAuth" \
		"subjectAltName = DNS:radius.test" >"$rad_certs/server.ext" &&
	$rad_ossl x509 -req -in "$rad_certs/radius-server.csr" \
		-CA "$rad_certs/radius-ca.pem" -CAkey "$rad_certs/radius-ca.key" \
		-CAcreateserial -days 30 -extfile "$rad_certs/server.ext" \
		-out "$rad_certs/radius-server.pem" 2>/dev/null ||
		rad_fatal "openssl: the RADIUS server's certificate"
}

# rad_example FILE ROUTE: examples/freeradius/FILE for ROUTE, on stdout:
# the other route's blocks deleted, paths and the listener changed
rad_example() {
	case $2 in
	plain) rad_del='/# -- route [12],.*: begin$/,/# -- route [12]: end$/d' ;;
	hook) rad_del='/# -- route 2,.*: begin$/,/# -- route 2: end$/d' ;;
	module) rad_del='/# -- route 1,.*: begin$/,/# -- route 1: end$/d' ;;
	*) rad_fatal "rad_example: route $2" ;;
	esac
	sed -e "$rad_del" \
	    -e "s|/usr/local/bin/phonetrust|$rad_pt|g" \
	    -e "s|/usr/local/etc/phonetrust/cluster|$cl|g" \
	    -e "s|/var/tmp/radiusd|$rad_tmp/verify|g" \
	    -e "s|^\([[:space:]]*ipaddr = \)\*|\1127.0.0.1|" \
	    -e "s|^\([[:space:]]*port = \)1812|\1@PORT@|" \
	    "$rad_examples/$1" || rad_fatal "sed $1"
}

# rad_config ROUTE: the server's configuration directory, $raddb
rad_config() {
	rad_route=$1
	raddb=$rad_tmp/raddb-$1
	rm -rf "$raddb"
	mkdir -p "$raddb/mods-enabled" "$raddb/sites-enabled" "$rad_tmp/run" \
		"$rad_tmp/log" || rad_fatal "mkdir"
	mkdir -p "$rad_tmp/verify" && chmod 700 "$rad_tmp/verify" ||
		rad_fatal "mkdir verify"
	ln -s "$rad_certs" "$raddb/certs" || rad_fatal "ln"
	rad_libdir=/usr/lib/freeradius
	[ "$1" = module ] && rad_libdir=$top_builddir/.libs:$rad_libdir
	# a minimal radiusd.conf of our own: no Debian site, module or
	# client, nothing on another port
	cat >"$raddb/radiusd.conf" <<EOF || rad_fatal "radiusd.conf"
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = $rad_tmp/log
raddbdir = $raddb
radacctdir = $rad_tmp/log
name = freeradius
confdir = \${raddbdir}
modconfdir = \${confdir}/mods-config
certdir = \${confdir}/certs
cadir = \${confdir}/certs
run_dir = $rad_tmp/run
db_dir = \${raddbdir}
libdir = $rad_libdir
pidfile = \${run_dir}/radiusd.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
log {
	destination = stdout
	colourise = no
	auth = yes
	auth_badpass = no
	auth_goodpass = no
}
security {
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 0
	status_server = no
}
proxy_requests = no
client localhost {
	ipaddr = 127.0.0.1
	secret = $rad_secret
	require_message_authenticator = no
}
thread pool {
	start_servers = 2
	max_servers = 4
	min_spare_servers = 1
	max_spare_servers = 2
	max_requests_per_server = 0
}
modules {
	\$INCLUDE mods-enabled/
}
instantiate {
}
policy {
}
\$INCLUDE sites-enabled/
EOF
	rad_example mods-available/eap-phonetrust "$1" \
		>"$raddb/mods-enabled/eap-phonetrust"
	case $1 in
	hook) rad_example mods-available/phonetrust-explain "$1" \
		>"$raddb/mods-enabled/phonetrust-explain" ;;
	module) rad_example mods-available/phonetrust "$1" \
		>"$raddb/mods-enabled/phonetrust" ;;
	esac
	rad_example sites-available/phonetrust "$1" \
		>"$rad_tmp/site-$rad_route.in"
	# the route's lines are kept, the other route's are gone
	rad_active=$(cat "$raddb/mods-enabled/eap-phonetrust" \
		"$rad_tmp/site-$rad_route.in" | grep -v '^[[:space:]]*#')
	rad_has() { printf '%s\n' "$rad_active" | grep -Eq "$1"; }
	case $1 in
	plain) ! rad_has 'verify \{|check-eap-tls|phonetrust-explain$|^[[:space:]]*phonetrust$' ;;
	hook) rad_has 'verify \{' && rad_has '^[[:space:]]*phonetrust-explain$' &&
		! rad_has 'check-eap-tls|^[[:space:]]*phonetrust$' ;;
	module) rad_has 'virtual_server = check-eap-tls' &&
		rad_has '^[[:space:]]*phonetrust$' &&
		! rad_has 'verify \{|phonetrust-explain$' ;;
	esac || rad_fatal "rad_config $1: the route markers of the examples did not apply"
	# only 127.0.0.1, on the port rad_start picks, and nothing of an
	# installation left
	rad_has '^[[:space:]]*ipaddr = 127\.0\.0\.1$' &&
		rad_has '^[[:space:]]*port = @PORT@$' &&
		! rad_has '^[[:space:]]*(ipaddr|ipv6addr|ipv4addr) = [^1]' ||
		rad_fatal "rad_config $1: the example's listen section is not as expected"
	if grep -v '^[[:space:]]*#' "$raddb"/mods-enabled/* |
	    grep -Eq '/usr/local|/var/tmp|/etc/freeradius'; then
		rad_fatal "rad_config $1: installation paths left in the configuration"
	fi
}

# rad_random_port: a port in 20000-59999
rad_random_port() {
	rad_n=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -d ' ')
	[ -n "$rad_n" ] || rad_n=$$
	echo $((20000 + (rad_n + $$) % 40000))
}

# rad_start: the server on a free port, ready; up to 8 ports tried
rad_start() {
	rad_log_file=$rad_tmp/log/radiusd-$rad_route.log
	rad_try=0
	while [ $rad_try -lt 8 ]; do
		rad_try=$((rad_try + 1))
		rad_port=$(rad_random_port)
		sed "s|@PORT@|$rad_port|" "$rad_tmp/site-$rad_route.in" \
			>"$raddb/sites-enabled/phonetrust" || rad_fatal "sed"
		: >"$rad_log_file"
		LD_LIBRARY_PATH=$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
			"$FREERADIUS" -d "$raddb" -n radiusd ${RADIUS_FLAGS:--X} \
			>"$rad_log_file" 2>&1 </dev/null &
		rad_pid=$!
		rad_pids="$rad_pids $rad_pid"
		rad_i=0
		while [ $rad_i -lt 200 ]; do
			if grep -q 'Ready to process requests' "$rad_log_file"; then
				return 0
			fi
			kill -0 "$rad_pid" 2>/dev/null || break
			sleep 0.1
			rad_i=$((rad_i + 1))
		done
		if kill -0 "$rad_pid" 2>/dev/null; then
			rad_stop
			tail -n 30 "$rad_log_file"
			rad_fatal "FreeRADIUS ($rad_route) not ready after 20 s"
		fi
		rad_stop
		if grep -q 'Address already in use' "$rad_log_file"; then
			echo "port $rad_port in use, another"
			continue
		fi
		tail -n 30 "$rad_log_file"
		rad_fatal "FreeRADIUS ($rad_route) did not start"
	done
	rad_fatal "FreeRADIUS ($rad_route): no free port in $rad_try tries"
}

# rad_stop: SIGTERM to $rad_pid, SIGKILL after 5 s
rad_stop() {
	[ -n "$rad_pid" ] || return 0
	rad_rest=""
	for rad_p in $rad_pids; do
		[ "$rad_p" = "$rad_pid" ] || rad_rest="$rad_rest $rad_p"
	done
	rad_pids=$rad_rest
	kill -TERM "$rad_pid" 2>/dev/null
	rad_i=0
	while kill -0 "$rad_pid" 2>/dev/null && [ $rad_i -lt 50 ]; do
		sleep 0.1
		rad_i=$((rad_i + 1))
	done
	kill -0 "$rad_pid" 2>/dev/null && kill -KILL "$rad_pid" 2>/dev/null
	wait "$rad_pid" 2>/dev/null
	rad_pid=""
	return 0
}

# rad_phone_conf PHONE IDENTITY: eapol_test's configuration for
# phones/PHONE.pem and .key (a MIC file holds its intermediate too)
# presented as IDENTITY, in $rad_conf
rad_phone_conf() {
	rad_conf=$rad_tmp/phone-$1-$2.conf
	cat >"$rad_conf" <<EOF || rad_fatal "phone conf"
network={
	key_mgmt=IEEE8021X
	eap=TLS
	identity="$2"
	ca_cert="$rad_certs/radius-ca.pem"
	client_cert="$ph/$1.pem"
	private_key="$ph/$1.key"
	eapol_flags=0
}
EOF
}

# rad_eapol: one authentication with $rad_conf; rad_rc, rad_out
rad_eapol() {
	rad_out=$(timeout 20 "$EAPOL_TEST" -c "$rad_conf" -a 127.0.0.1 \
		-p "$rad_port" -s "$rad_secret" -t 10 -r 0 2>&1)
	rad_rc=$?
}

# rad_phone PHONE IDENTITY: the phone authenticates; rad_rc, rad_out and
# rad_log, the server's (debug) log of this authentication
rad_phone() {
	rad_phone_conf "$1" "$2"
	rad_from=$(($(wc -c <"$rad_log_file") + 1))
	rad_eapol
	# the server's final answer is logged once it is sent
	rad_i=0
	while [ $rad_i -lt 30 ]; do
		rad_log=$(tail -c "+$rad_from" "$rad_log_file")
		case $rad_log in
		*"Sent Access-Accept"* | *"Sent Access-Reject"*) break ;;
		esac
		sleep 0.1
		rad_i=$((rad_i + 1))
	done
}

# --- assertions on the last rad_phone; rad_failed is 1 after any failure
rad_failed=0
rad_fail() {
	echo "FAIL: $*"
	rad_failed=1
}

# rad_accepted WHAT: eapol_test got an Access-Accept and EAP-Success
rad_accepted() {
	if [ "$rad_rc" -eq 0 ] &&
	    printf '%s\n' "$rad_out" | grep -q 'code=2 (Access-Accept)' &&
	    [ "$(printf '%s\n' "$rad_out" | tail -n 1)" = SUCCESS ] &&
	    printf '%s\n' "$rad_log" | grep -q 'Sent Access-Accept'; then
		echo "ok: $1: accepted"
	else
		rad_fail "$1: not accepted (eapol_test exit $rad_rc: $(printf '%s\n' "$rad_out" | tail -n 1))"
		printf '%s\n' "$rad_log" | grep -E 'ERROR|phonetrust|Program returned' | tail -n 15
	fi
}

# rad_refused WHAT: eapol_test got an Access-Reject (not a timeout)
rad_refused() {
	if [ "$rad_rc" -ne 0 ] &&
	    printf '%s\n' "$rad_out" | grep -q 'code=3 (Access-Reject)' &&
	    ! printf '%s\n' "$rad_out" | grep -q 'code=2 (Access-Accept)' &&
	    [ "$(printf '%s\n' "$rad_out" | tail -n 1)" = FAILURE ] &&
	    printf '%s\n' "$rad_log" | grep -q 'Sent Access-Reject' &&
	    ! printf '%s\n' "$rad_log" | grep -q 'Sent Access-Accept'; then
		echo "ok: $1: refused"
	else
		rad_fail "$1: not refused with an Access-Reject (eapol_test exit $rad_rc: $(printf '%s\n' "$rad_out" | tail -n 1))"
	fi
}

# rad_log_line WHAT STRING...: one line of this authentication's server
# log holds every STRING; the line is in $rad_line
rad_log_line() {
	rad_what=$1
	shift
	rad_lines=$(printf '%s\n' "$rad_log")
	for rad_s in "$@"; do
		rad_lines=$(printf '%s\n' "$rad_lines" | grep -F -- "$rad_s")
	done
	rad_line=$(printf '%s\n' "$rad_lines" | sed -n 1p)
	if [ -n "$rad_line" ]; then
		echo "ok: $rad_what: $(printf '%s\n' "$rad_line" | cut -c1-200)"
	else
		rad_fail "$rad_what: no server log line with all of:$(printf ' [%s]' "$@")"
	fi
}

# rad_log_lacks WHAT STRING: no line of this authentication's log has it
rad_log_lacks() {
	if printf '%s\n' "$rad_log" | grep -qF -- "$2"; then
		rad_fail "$1: the server log has \"$2\": $(printf '%s\n' "$rad_log" | grep -F -- "$2" | sed -n 1p)"
	fi
}

# rad_reply_attr NUMBER: the value (hex) of attribute NUMBER in the
# Access-Accept eapol_test received, as eapol_test printed it; empty if none
rad_reply_attr() {
	printf '%s\n' "$rad_out" | awk -v n="$1" '
		/^RADIUS message: code=2 \(Access-Accept\)/ { in_accept = 1; next }
		/^[^ ]/ { in_accept = 0; want = 0 }
		in_accept && $1 == "Attribute" && $2 == n { want = 1; next }
		in_accept && want && $1 == "Value:" { print $2; exit }'
}

# rad_hex STRING: STRING in lower-case hex, as eapol_test prints values
rad_hex() {
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
}
