#!/bin/sh
# Make the lab's checked-in test keys again (see README):
#   sh lab/keys/mkkeys.sh [DIR]
# Each file: unencrypted PKCS #8 keys of one kind, as many as lab/lab.c's
# key_files table says.  Only for replacing the set on purpose: the suites
# expect the same keys every run.
set -eu
dir=${1:-$(dirname "$0")}
ossl=${OPENSSL:-openssl}

make_file() {	# FILE COUNT ALGORITHM OPTION
	file=$1 count=$2
	shift 2
	echo "TEST KEYS, PUBLIC: for the test suites only (lab/keys/README)" \
	    >"$dir/$file.new"
	i=0
	while [ $i -lt "$count" ]; do
		"$ossl" genpkey -quiet -algorithm "$@" >>"$dir/$file.new"
		i=$((i + 1))
	done
	mv "$dir/$file.new" "$dir/$file"
}
make_file rsa-1024.pem 64 RSA -pkeyopt rsa_keygen_bits:1024
make_file rsa-2048.pem 64 RSA -pkeyopt rsa_keygen_bits:2048
make_file ec-p256.pem 128 EC -pkeyopt ec_paramgen_curve:P-256
make_file ec-p384.pem 32 EC -pkeyopt ec_paramgen_curve:P-384
make_file ec-p521.pem 32 EC -pkeyopt ec_paramgen_curve:P-521
