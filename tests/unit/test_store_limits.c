/*
 * The builder's limit on anchors, in a program of its own: reaching it
 * takes 100,001 certificates, seconds here and minutes under valgrind,
 * so check-valgrind leaves this one program out (Makefile.am) while
 * make check and the ASan job run it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>

#include "testutil.h"

/*
 * A builder holds at most 100,000 anchors: one more is refused with a
 * message, and the builder keeps what it had.  The certificates are one
 * DER template with a counter in its subject and a key algorithm nobody
 * knows, so decoding each is cheap (the builder checks no signature and
 * needs no key): 100,000 still take seconds, minutes under valgrind
 * (check-valgrind leaves this program out; the sanitize job runs it).
 */
static void
anchor_count_limit_is_100000(void **state)
{
	ptrust_builder *b;
	X509 *t, *x;
	const unsigned char *p;
	unsigned char *der = NULL, *cn = NULL, *oid = NULL;
	static const unsigned char ec_oid[] = { 0x06, 0x07, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x02, 0x01 };
	char digits[9];
	int len, i, k;
	FILE *f;

	(void)state;
	f = fopen(test_srcpath("data/cisco/act2-ecc-sudi-ca.pem"), "r");
	assert_non_null(f);
	t = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(t);
	len = i2d_X509(t, &der);
	assert_true(len > 0);
	X509_free(t);
	/* the subject's CN is the second "ACT2 ECC SUDI CA" of the DER */
	for (k = 0; k + 16 <= len; k++)
		if (memcmp(der + k, "ACT2 ECC SUDI CA", 16) == 0)
			cn = der + k;
		else if (memcmp(der + k, ec_oid, sizeof(ec_oid)) == 0)
			oid = der + k;
	assert_non_null(cn);
	assert_non_null(oid);
	oid[sizeof(ec_oid) - 1] = 0x7f;
	assert_non_null(b = ptrust_builder_new("radius-trust"));
	for (i = 0; i <= 100000; i++) {
		snprintf(digits, sizeof(digits), "%08d", i);
		memcpy(cn + 8, digits, 8);
		p = der;
		assert_non_null(x = d2i_X509(NULL, &p, len));
		if (i < 100000)
			assert_int_equal(ptrust_builder_add_x509(b, x, NULL,
			    PTRUST_ROLE_OTHER), PTRUST_OK);
		else {
			assert_int_equal(ptrust_builder_add_x509(b, x, NULL,
			    PTRUST_ROLE_OTHER), PTRUST_ERR_ARG);
			assert_non_null(strstr(ptrust_builder_error(b),
			    "more than 100000 anchors"));
		}
		X509_free(x);
	}
	assert_int_equal(ptrust_builder_anchor_count(b), 100000);
	OPENSSL_free(der);
	ptrust_builder_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(anchor_count_limit_is_100000),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
