# Sourced by the tests of phonetrust check and report (tests/cli/cli-check.test,
# tests/cli/cli-report.test, tests/e2e/report-chromium.test): a lab fleet
# with known answers, made from `phonetrust lab` and certificates minted
# with chosen dates by its CAs (`openssl ca`, whose -startdate/-enddate
# set exact times).  Needs $pt, $ossl and $tmp.

# mint CA DEVICE NOT_BEFORE NOT_AFTER OUT: a phone certificate for DEVICE
# (CN) issued by the lab CA named CA (ca/CA.pem and ca/CA.key), valid
# between the two times (YYYYMMDDHHMMSSZ), written to OUT; a MIC with
# its issuing CA after it, as phones send them (the lab's own do too).
mint() {
	_ca=$1 _dev=$2 _nb=$3 _na=$4 _out=$5
	_d=$tmp/mint
	mkdir -p "$_d/new"
	[ -f "$_d/index.txt" ] || : >"$_d/index.txt"
	[ -f "$_d/serial" ] || echo 1000 >"$_d/serial"
	[ -f "$_d/openssl.cnf" ] || cat >"$_d/openssl.cnf" <<-EOF
	[ca]
	default_ca = lab
	[lab]
	database = $_d/index.txt
	serial = $_d/serial
	new_certs_dir = $_d/new
	default_md = sha256
	policy = any
	unique_subject = no
	copy_extensions = none
	x509_extensions = phone
	[any]
	commonName = supplied
	organizationName = optional
	[phone]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature,keyEncipherment
	extendedKeyUsage = clientAuth,serverAuth
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	EOF
	$ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$_d/key.pem" -out "$_d/req.pem" -subj "/CN=$_dev" \
		2>/dev/null || { echo "mint: openssl req failed"; exit 99; }
	$ossl ca -batch -config "$_d/openssl.cnf" -cert "$lab/ca/$_ca.pem" \
		-keyfile "$lab/ca/$_ca.key" -in "$_d/req.pem" -out "$_d/cert.pem" \
		-startdate "$_nb" -enddate "$_na" -notext 2>"$_d/err" ||
		{ echo "mint: openssl ca failed: $(cat "$_d/err")"; exit 99; }
	case $_ca in
	CAPF-*) cat "$_d/cert.pem" >"$_out" ;;
	*) cat "$_d/cert.pem" "$lab/ca/$_ca.pem" >"$_out" ;;
	esac
}

# make_lab: $lab, a fresh `phonetrust lab`, and $fleet, a directory of
# phones' certificates (no keys) with these answers, judged on 2027-01-01:
#   SEP001122334455  LSC and MIC, both to 2035-12-30          fine
#   SEP00AABBCCDDEE  LSC of another cluster, MIC to 2035       LSC refused
#   SEP0011223344FF  MIC expired 2026-01-21                    no certificate usable
#   SEP0000000000A1  LSC only, to 2027-01-20                   loses it in 2027-01
#   SEP0000000000A2  MIC only, to 2027-02-10                   loses it in 2027-02
#   SEP0000000000A3  LSC to 2027-01-05, MIC to 2035-12-30      keeps its MIC
make_lab() {
	lab=$tmp/lab
	"$pt" lab "$lab" >/dev/null || { echo "phonetrust lab failed"; exit 99; }
	fleet=$tmp/fleet
	mkdir -p "$fleet"
	for f in lsc mic migrated-lsc migrated-mic expired-mic; do
		cp "$lab/phones/$f.pem" "$fleet/" || exit 99
	done
	mint CAPF-a6d4c572 SEP0000000000A1 20260101000000Z 20270120000000Z \
		"$fleet/a1-lsc.pem"
	mint lab-manufacturing-ca-sha2 SEP0000000000A2 20260101000000Z \
		20270210000000Z "$fleet/a2-mic.pem"
	mint CAPF-a6d4c572 SEP0000000000A3 20260101000000Z 20270105000000Z \
		"$fleet/a3-lsc.pem"
	mint lab-manufacturing-ca-sha2 SEP0000000000A3 20260101000000Z \
		20351230000000Z "$fleet/a3-mic.pem"
}
