/*
 * verify-chain: validate the chain a phone presented against a trust-store
 * directory, the smallest complete use of libphonetrust.
 *
 *   verify-chain STORE-DIR CHAIN-FILE [UNIX-TIME]
 *
 * Build it against an installed library with
 *   cc verify-chain.c $(pkg-config --cflags --libs libphonetrust)
 * Exit status: 0 trusted, 1 not trusted, 2 the inputs could not be used.
 */
#include <stdio.h>
#include <stdlib.h>

#include <phonetrust.h>

int
main(int argc, char **argv)
{
	ptrust_builder *builder = NULL;
	ptrust_store *store = NULL;
	ptrust_chain *chain = NULL;
	ptrust_options *options = NULL;
	ptrust_result *result = NULL;
	size_t i;
	int rc = 2;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: verify-chain STORE-DIR CHAIN-FILE "
		    "[UNIX-TIME]\n");
		return 2;
	}
	if ((builder = ptrust_builder_new("callmanager-trust")) == NULL ||
	    (chain = ptrust_chain_new()) == NULL ||
	    (options = ptrust_options_new()) == NULL) {
		fprintf(stderr, "verify-chain: out of memory\n");
		goto out;
	}
	if (ptrust_builder_load_dir(builder, argv[1]) != PTRUST_OK ||
	    ptrust_builder_build(builder, &store) != PTRUST_OK) {
		fprintf(stderr, "verify-chain: %s\n",
		    ptrust_builder_error(builder));
		goto out;
	}
	if (ptrust_chain_add_file(chain, argv[2]) != PTRUST_OK) {
		fprintf(stderr, "verify-chain: %s\n", ptrust_chain_error(chain));
		goto out;
	}
	if (argc == 4)
		ptrust_options_set_time(options, (time_t)strtoll(argv[3],
		    NULL, 10));
	if (ptrust_verify(store, chain, options, &result) != PTRUST_OK) {
		fprintf(stderr, "verify-chain: %s\n",
		    ptrust_result_error(result));
		goto out;
	}
	if (ptrust_result_trusted(result)) {
		printf("TRUSTED %s via %s/%s\n",
		    ptrust_kind_name(ptrust_result_kind(result)),
		    ptrust_result_store_name(result),
		    ptrust_anchor_alias(ptrust_result_anchor(result)));
		rc = 0;
	} else {
		printf("REFUSED (TLS alert %s)\n",
		    ptrust_tls_alert_name(ptrust_result_tls_alert(result)));
		for (i = 0; i < ptrust_result_reason_count(result); i++)
			printf("  %s at depth %d: %s\n",
			    ptrust_reason_name(
			    ptrust_result_reason_code(result, i)),
			    ptrust_result_reason_depth(result, i),
			    ptrust_result_reason_message(result, i));
		rc = 1;
	}
out:
	ptrust_result_free(result);
	ptrust_options_free(options);
	ptrust_chain_free(chain);
	ptrust_store_unref(store);
	ptrust_builder_free(builder);
	return rc;
}
