#!/bin/sh
# Regenerate the fuzzing fixture (fuzz/lab/) and seed corpora
# (fuzz/corpus/<harness>/) from a fresh `phonetrust lab`.  The fixture and
# the seeds must come from the same lab: the seeds' chains are signed by
# the fixture's anchors.  No private key is kept.
#
#   sh fuzz/mkcorpus.sh [PHONETRUST]     (default: _build/phonetrust)
#
# Needs openssl; tcpdump (root) for the capture seeds, python3 for the
# pcapng and nanosecond-pcap variants, jq for the x509-limbo seeds.  What
# it cannot make it skips, saying so.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
pt=${1:-$top/_build/phonetrust}
ossl=${OPENSSL:-openssl}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptfuzz-corpus.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$pt" lab "$tmp/lab" >/dev/null
lab=$tmp/lab
fz=$top/fuzz
c=$fz/corpus
rm -rf "$fz/lab" "$c"
mkdir -p "$fz/lab/anchors" "$fz/lab/chains"
for h in chain differential store_dir cluster_conf capture console trace \
    radius crl; do
	mkdir -p "$c/$h"
done

# --- the fixture: the anchors the harnesses trust, the phones' chains
cp "$lab/cluster/callmanager-trust/CAPF-a6d4c572.pem" "$fz/lab/anchors/"
cp "$lab/cluster/manufacturing-ca/Lab_Root_CA_M2.pem" "$fz/lab/anchors/"
for f in "$lab"/phones/*.pem; do
	cp "$f" "$fz/lab/chains/"
done

# split_pem FILE PREFIX: PREFIX.1.pem, PREFIX.2.pem, ...
split_pem() {
	awk -v p="$2" '/-----BEGIN CERTIFICATE-----/ { n++ }
		n > 0 { print > (p "." n ".pem") }
		/-----END CERTIFICATE-----/ { close(p "." n ".pem") }' "$1"
}
# der_of PEMFILE: the DER of every certificate in it, concatenated
der_of() {
	rm -f "$tmp"/split.*.pem
	split_pem "$1" "$tmp/split"
	for s in "$tmp"/split.*.pem; do
		"$ossl" x509 -in "$s" -outform DER
	done
}
# seed DIR NAME FLAGBYTE(octal) FILE: the flag byte, then FILE
seed() {
	{ printf "\\$3"; cat "$4"; } >"$c/$1/$2"
}

# --- chains: PEM and DER, for fuzz_chain and fuzz_differential
for f in "$lab"/phones/*.pem; do
	n=$(basename "$f" .pem)
	der_of "$f" >"$tmp/$n.der"
	for h in chain differential; do
		seed $h "$n-pem" 000 "$f"
		seed $h "$n-der" 001 "$tmp/$n.der"
	done
done
seed chain lsc-purpose-any 002 "$lab/phones/lsc.pem"
seed chain sha1-mic-allowed 004 "$lab/phones/sha1-mic.pem"
# anchors sent as the leaf (a pinned copy), with a builder role each
seed chain capf-as-leaf-role-capf 010 "$lab/ca/CAPF-a6d4c572.pem"
seed chain root-as-leaf-role-mfg 020 "$lab/ca/lab-root-ca.pem"
cat "$top"/data/cisco/*.pem >"$tmp/cisco.pem"
seed chain cisco-bundle 000 "$tmp/cisco.pem"
seed differential cisco-bundle 000 "$tmp/cisco.pem"
# a MIC sent with its whole chain, root included
cat "$lab/phones/mic.pem" "$lab/ca/lab-root-ca.pem" >"$tmp/mic-root.pem"
seed chain mic-with-root 000 "$tmp/mic-root.pem"
seed differential mic-with-root 000 "$tmp/mic-root.pem"
# PKITS: a few end entities with their CA, DER
for t in ValidCertificatePathTest1EE InvalidCASignatureTest2EE \
    ValidpathLenConstraintTest8EE InvalidNameChainingTest1EE \
    ValidBasicSelfIssuedNewWithOldTest3EE; do
	f=$top/tests/data/pkits/certs/$t.crt
	[ -f "$f" ] || continue
	{ printf '\001'; cat "$f" "$top/tests/data/pkits/certs/GoodCACert.crt"; } \
	    >"$c/chain/pkits-$t"
done
# x509-limbo: a few peers with their intermediates, PEM
if command -v jq >/dev/null 2>&1; then
	jq -r '.testcases[] | select(.untrusted_intermediates | length > 0)
	    | [.peer_certificate] + .untrusted_intermediates | join("\n")
	    | @base64' "$top/tests/data/limbo/limbo-dev.json" 2>/dev/null |
	    awk 'NR % 40 == 1' | head -n 16 | {
		i=0
		while read -r b; do
			i=$((i + 1))
			{ printf '\000'; printf '%s\n' "$b" | base64 -d; } \
			    >"$c/chain/limbo-$i"
		done
	    }
else
	echo "mkcorpus: no jq, no x509-limbo seeds" >&2
fi

# --- store directories: "add" (role in bits 1-3) and "dir" inputs
seed store_dir add-capf-auto 000 "$lab/cluster/callmanager-trust/CAPF-a6d4c572.pem"
seed store_dir add-root-mfg 004 "$lab/ca/lab-root-ca.pem"
seed store_dir add-cisco-auto 000 "$tmp/cisco.pem"
"$ossl" x509 -in "$lab/ca/CAPF-0badcafe.pem" -outform DER >"$tmp/old-capf.der"
seed store_dir add-der-other 010 "$tmp/old-capf.der"
{
	printf '\001'
	for f in "$lab"/cluster/manufacturing-ca/*.pem; do
		printf '=== %s\n' "$(basename "$f")"
		cat "$f"
	done
} >"$c/store_dir/dir-manufacturing-ca"
{
	printf '\001=== CAPF-a6d4c572.pem\n'
	cat "$lab/cluster/callmanager-trust/CAPF-a6d4c572.pem"
	printf '=== old.der\n'
	cat "$tmp/old-capf.der"
	printf '\n=== notes.txt\nnot a certificate\n'
	printf '=== .ptrust-1-abcdef\nleft by a crash\n'
} >"$c/store_dir/dir-mixed"

# --- cluster.conf
cp "$lab/cluster/cluster.conf" "$c/cluster_conf/lab"
printf '# all settings\nmanufacturing-trusted = no\n802.1x = radius-trust\nvpn = callmanager-trust\nstore = callmanager-trust\nstore = radius-trust\nstore = capf-trust\n' \
    >"$c/cluster_conf/settings"
printf 'store = radius-trust\r\n\r\n  # indented comment\r\nmanufacturing-trusted = yes\r\n' \
    >"$c/cluster_conf/crlf"
printf 'store = missing-store\nstore = radius-trust\nvpn=radius-trust\n' \
    >"$c/cluster_conf/missing-store"
printf 'store = a\nstore = a\n' >"$c/cluster_conf/repeated"
printf 'colour = blue\n' >"$c/cluster_conf/unknown-key"

# --- console logs (the forms tests/unit/test_console.c reads)
printf '%s\n' \
  '3469 NOT 00:01:31.935298 SECD: -PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [LSC], cipher [AES256-SHA:AES128-SHA]' \
  '3486 ERR 00:01:31.938954 SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:[unknown CA' \
  >"$c/console/en-refused"
printf '%s\r\n' \
  '4878 WRN 15:47:34.756063 SECD: -PXY_NO_LSC: No LSC for [SCCP], tries MIC.' \
  'SECD: -PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [MIC]' \
  'SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:[certificate expired]' \
  >"$c/console/no-lsc-mic-expired"
printf '%s\n' \
  'boot' \
  'SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], cert [LSC], cipher [ECDHE-RSA-AES128-GCM-SHA256] 10.1.2.3:5061' \
  'SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[warning]:[close notify]' \
  'SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], cert [LSC]' \
  'SECD: -STATE_SSL3_ALERT: SSL3 alert write:fatal:certificate expired' \
  'SECD: -PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [LSC]' \
  'SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:[alert 45]' \
  >"$c/console/mixed"
printf '3469 N\303\203O 00:01:31.935298 SECD: -PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [LSC], cifra [AES256-SHA:AES128-SHA]\n3486 ERRO 00:01:31.938954 SECD: -STATE_SSL3_ALERT: Alerta SSL3 [lido]:[fatal]:[CA desconhecida\n4878 AVI 15:47:34.756063 SECD: -PXY\\_NO\\_LSC: Sem LSC para [SCCP], tenta MIC.\n' \
  >"$c/console/pt"
printf 'SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], Zert [LSC], Chiffre [X]\nSECD: -STATE_SSL3_ALERT: SSL3-Warnmeldung [gelesen]:[schwerwiegend]:[Unbekannte CA]\rSECD: -STATE_SSL3_ALERT: Alerte SSL3 [lu]:[fatale]:[certificat r\303\251voqu\303\251]\r' \
  >"$c/console/de-fr-cr"

# --- CAPF traces: PEM blocks, bare base64, log prefixes
{
	printf '10:21:35.123 |CAPF-7 |debug CAPF: Troubleshoot for SEP001122334455 started\n'
	printf '10:21:35.123 |CAPF-7 |debug LSC follows\n'
	sed 's/^/10:21:35.124 |CAPF-7 |debug /' "$lab/phones/lsc.pem"
	printf '10:21:35.125 |CAPF-7 |debug MIC=\n'
	sed 's/^/2026-01-31 10:21:35,123 [Thread-12] DEBUG CAPF - /' "$lab/phones/mic.pem"
	printf 'CAPF: done\n'
} >"$c/trace/troubleshoot"
{
	printf 'Troubleshoot started\r\nLSC: '
	"$ossl" x509 -in "$lab/phones/migrated-lsc.pem" -outform DER |
	    base64 -w0
	printf '\r\nMIC: -----BEGIN X509 CERTIFICATE----- '
	awk '!/-----/' "$lab/phones/expired-mic.pem" | head -n 40 | tr -d '\n'
	printf ' -----END X509 CERTIFICATE-----\r\n'
} >"$c/trace/bare-base64"
cp "$lab/phones/sha1-mic.pem" "$c/trace/pem-only"

# --- RADIUS: identity, subject, issuer, CN, AKI, expiration, basic
# constraints, device (one line each)
radius_seed() {	# NAME PURPOSE-BYTE CERT IDENTITY DEVICE
	f=$2
	subj=$("$ossl" x509 -in "$3" -noout -subject -nameopt compat | sed 's/^subject=//')
	iss=$("$ossl" x509 -in "$3" -noout -issuer -nameopt compat | sed 's/^issuer=//')
	cn=$(printf '%s\n' "$subj" | sed 's/.*CN=//')
	aki=$("$ossl" x509 -in "$3" -noout -ext authorityKeyIdentifier | sed -n '2p' | tr -d ' ')
	end=$("$ossl" x509 -in "$3" -noout -enddate | sed 's/^notAfter=//')
	exp=$(date -u -d "$end" +%y%m%d%H%M%SZ)
	{ printf "\\$f"; printf '%s\n' "$4" "$subj" "$iss" "$cn" "$aki" "$exp" \
	    "CA:FALSE" "$5"; } >"$c/radius/$1"
}
radius_seed lsc-8021x 002 "$lab/phones/lsc.pem" "CP-8845-SEP001122334455@example.net" SEP001122334455
radius_seed lsc-cm 000 "$lab/phones/lsc.pem" "host/SEP001122334455" "(null)"
radius_seed mic-8021x 002 "$lab/phones/mic.pem" "00:11:22:33:44:55" SEP001122334455
radius_seed migrated 003 "$lab/phones/migrated-lsc.pem" "0011.2233.4455" SEP00AABBCCDDEE
radius_seed expired 002 "$lab/phones/expired-mic.pem" "SEP0011223344FF" SEP0011223344FF

# --- CRLs by the lab CAs, valid on 2026-01-31 (FUZZ_TIME)
mkcrl() {	# NAME CA-FILE-BASE LAST NEXT [CERT-TO-REVOKE]
	d=$tmp/ca-$1
	mkdir -p "$d"
	: >"$d/index.txt"
	echo 1000 >"$d/crlnumber"
	cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = lab
[ lab ]
database = $d/index.txt
crlnumber = $d/crlnumber
default_md = sha256
default_crl_days = 30
EOF
	if [ -n "${5:-}" ]; then
		"$ossl" ca -config "$d/ca.cnf" -cert "$lab/ca/$2.pem" \
		    -keyfile "$lab/ca/$2.key" -revoke "$5" \
		    -crl_reason keyCompromise >/dev/null 2>&1
	fi
	"$ossl" ca -config "$d/ca.cnf" -cert "$lab/ca/$2.pem" \
	    -keyfile "$lab/ca/$2.key" -gencrl -crl_lastupdate "$3" \
	    -crl_nextupdate "$4" -out "$d/crl.pem" 2>/dev/null
}
split_pem "$lab/phones/mic.pem" "$tmp/mic"
mkcrl capf-revokes-lsc CAPF-a6d4c572 20260101000000Z 20260301000000Z "$lab/phones/lsc.pem"
seed crl capf-revokes-lsc 003 "$tmp/ca-capf-revokes-lsc/crl.pem"
mkcrl capf-empty CAPF-a6d4c572 20260101000000Z 20260301000000Z
seed crl capf-empty 001 "$tmp/ca-capf-empty/crl.pem"
mkcrl capf-expired CAPF-a6d4c572 20251201000000Z 20260115000000Z
seed crl capf-expired 001 "$tmp/ca-capf-expired/crl.pem"
mkcrl mfg-revokes-mic lab-manufacturing-ca-sha2 20260101000000Z 20260301000000Z "$tmp/mic.1.pem"
"$ossl" crl -in "$tmp/ca-mfg-revokes-mic/crl.pem" -outform DER >"$tmp/mfg.der"
seed crl mfg-revokes-mic-der 003 "$tmp/mfg.der"
mkcrl root-empty lab-root-ca 20260101000000Z 20260301000000Z
# check all: one CRL for each CA, two CRLs in one input (byte 1 cuts)
cat "$tmp/ca-root-empty/crl.pem" "$tmp/ca-mfg-revokes-mic/crl.pem" \
    "$tmp/ca-capf-empty/crl.pem" >"$tmp/all.pem"
seed crl all-three-check-all 002 "$tmp/all.pem"
{ printf '\006\200'; cat "$tmp/ca-root-empty/crl.pem" "$tmp/ca-capf-empty/crl.pem"; } \
    >"$c/crl/two-inputs"
for t in GoodCACRL RevokedsubCACRL BadCRLSignatureCACRL; do
	f=$top/tests/data/pkits/crls/$t.crl
	[ -f "$f" ] && seed crl "pkits-$t" 003 "$f"
done
# seed() wrote one flag byte; the CRL harness reads two: add the second
for f in "$c"/crl/*; do
	case $(basename "$f") in two-inputs) continue ;; esac
	{ head -c 1 "$f"; printf '\000'; tail -c +2 "$f"; } >"$f.tmp" &&
	    mv "$f.tmp" "$f"
done

# --- packet captures: real TLS handshakes on the loopback
capture_seeds() {
	command -v tcpdump >/dev/null 2>&1 || { echo "mkcorpus: no tcpdump" >&2; return 0; }
	[ "$(id -u)" -eq 0 ] || { echo "mkcorpus: not root, no captures" >&2; return 0; }
	"$ossl" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$tmp/server.key" -out "$tmp/server.pem" -days 30 \
	    -subj "/CN=127.0.0.1" 2>/dev/null
	cat "$lab"/cluster/callmanager-trust/*.pem \
	    "$lab"/cluster/manufacturing-ca/*.pem >"$tmp/bundle.pem"
	port=$((30000 + $$ % 20000))
	tcpdump -i lo -n -U -w "$tmp/real.pcap" "tcp port $port" \
	    2>"$tmp/tcpdump.err" &
	tpid=$!
	pids="$pids $tpid"
	i=0
	until grep -q 'listening on' "$tmp/tcpdump.err"; do
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "mkcorpus: tcpdump silent" >&2; return 0; }
	done
	# s_server quits when its standard input ends: a FIFO held open
	mkfifo "$tmp/stdin"
	exec 7<>"$tmp/stdin"
	one() {	# CLIENT-ARGS...
		timeout 20 "$ossl" s_server -accept "127.0.0.1:$port" -naccept 1 \
		    -cert "$tmp/server.pem" -key "$tmp/server.key" -Verify 2 \
		    -CAfile "$tmp/bundle.pem" >/dev/null 2>&1 <"$tmp/stdin" &
		spid=$!
		sleep 0.5
		echo Q | timeout 10 "$ossl" s_client -connect "127.0.0.1:$port" \
		    "$@" >/dev/null 2>&1 || :
		wait "$spid" 2>/dev/null || :
	}
	one -tls1_2 -cert "$lab/phones/lsc.pem" -key "$lab/phones/lsc.key"
	one -tls1_2 -cert "$tmp/mic.1.pem" -cert_chain "$tmp/mic.2.pem" \
	    -key "$lab/phones/mic.key"
	one -tls1_2 -cert "$lab/phones/migrated-lsc.pem" \
	    -key "$lab/phones/migrated-lsc.key"
	one -tls1_3 -cert "$lab/phones/lsc.pem" -key "$lab/phones/lsc.key"
	sleep 1
	kill -INT "$tpid" 2>/dev/null || :
	wait "$tpid" 2>/dev/null || :
	cp "$tmp/real.pcap" "$c/capture/four-handshakes.pcap"
	command -v python3 >/dev/null 2>&1 ||
	    { echo "mkcorpus: no python3, no pcapng" >&2; return 0; }
	# the same packets as nanosecond pcap, and as big-endian pcapng
	python3 - "$tmp/real.pcap" "$c/capture" <<'EOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
magic, vmaj, vmin, tz, sig, snap, link = struct.unpack('<IHHiIII', data[:24])
pkts, off = [], 24
while off + 16 <= len(data):
    s, us, incl, orig = struct.unpack('<IIII', data[off:off + 16])
    pkts.append((s, us, orig, data[off + 16:off + 16 + incl]))
    off += 16 + incl
with open(sys.argv[2] + '/nanosecond.pcap', 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, snap, link))
    for s, us, orig, p in pkts:
        f.write(struct.pack('<IIII', s, us * 1000, len(p), orig) + p)
def block(t, body):
    n = 12 + len(body) + (-len(body) % 4)
    return struct.pack('>II', t, n) + body + b'\0' * (-len(body) % 4) + struct.pack('>I', n)
with open(sys.argv[2] + '/big-endian.pcapng', 'wb') as f:
    f.write(block(0x0a0d0d0a, struct.pack('>IHHq', 0x1a2b3c4d, 1, 0, -1)))
    f.write(block(1, struct.pack('>HHI', link, 0, snap)))
    for s, us, orig, p in pkts:
        ts = s * 1000000 + us
        f.write(block(6, struct.pack('>IIIII', 0, ts >> 32, ts & 0xffffffff, len(p), orig) + p + b'\0' * (-len(p) % 4)))
EOF
}
capture_seeds

echo "mkcorpus: $(find "$c" -type f | wc -l) seeds, $(du -sk "$c" | cut -f1) KiB"
