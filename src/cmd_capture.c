/*
 * phonetrust capture: the certificates phones presented in the TLS
 * handshakes of a packet capture (pcap or pcapng), per connection, with
 * the cluster's verdict on each client chain when there is a cluster.
 * Without one, the kind is a guess from the issuer's name, labelled so.
 * Exit 0 when the capture was read and holds at least one TLS connection
 * (whatever the verdicts), 1 when it holds none, 2 when it cannot be read.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-capture.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "output.h"
#include "verdict.h"

static void
capture_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] capture [--purpose "
	    "PURPOSE] [--device NAME] [--json] FILE\n"
	    "  the TLS connections of a pcap or pcapng file: addresses, "
	    "version, the\n  chains client and server presented, alerts; with "
	    "a cluster, the verdict on\n  each client chain for PURPOSE "
	    "(callmanager-tls, capf, 802.1x, vpn;\n  default callmanager-tls), "
	    "else a guessed LSC/MIC kind from names; --device: the device the\n"
	    "  phones claim to be, whose name their certificate must carry\n");
}

static int
fail(const char *what, const char *msg)
{
	return cli_fail("capture", what, msg);
}

static const char *
alert_desc_name(int d, char *buf, size_t len)
{
	const char *n = ptrust_capture_alert_name(d);

	if (n != NULL)
		return n;
	snprintf(buf, len, "alert %d", d);
	return buf;
}

static void
print_json_conn(struct json *j, const ptrust_capture *cap, size_t i,
    int classified, const char *purpose)
{
	ptrust_capture_side from;
	const ptrust_result *r = ptrust_capture_result(cap, i);
	ptrust_kind kind;
	size_t k, n;
	char buf[32];
	int guess, level, desc, side;

	json_object_begin(j);
	json_key(j, "connection");
	json_number(j, (long long)i + 1);
	json_key(j, "start");
	json_number(j, (long long)ptrust_capture_start_time(cap, i));
	for (side = 0; side < 2; side++) {
		json_key(j, side == 0 ? "client" : "server");
		json_object_begin(j);
		json_key(j, "address");
		json_string(j, ptrust_capture_address(cap, i,
		    (ptrust_capture_side)side));
		json_key(j, "port");
		json_number(j, ptrust_capture_port(cap, i,
		    (ptrust_capture_side)side));
		json_key(j, "certificate_sent");
		json_bool(j, ptrust_capture_certificate_sent(cap, i,
		    (ptrust_capture_side)side));
		json_key(j, "chain");
		json_array_begin(j);
		n = ptrust_capture_chain_count(cap, i,
		    (ptrust_capture_side)side);
		for (k = 0; k < n; k++)
			json_string(j, ptrust_capture_chain_subject(cap, i,
			    (ptrust_capture_side)side, k));
		json_array_end(j);
		json_key(j, "issuer");
		json_string(j, n > 0 ? ptrust_capture_chain_issuer(cap, i,
		    (ptrust_capture_side)side, 0) : NULL);
		json_object_end(j);
	}
	json_key(j, "tls_version");
	json_string(j, verdict_tls_version(ptrust_capture_version(cap, i)));
	json_key(j, "encrypted");
	json_bool(j, ptrust_capture_encrypted(cap, i));
	json_key(j, "certificate_requested");
	json_bool(j, ptrust_capture_certificate_requested(cap, i));
	json_key(j, "device");
	json_string(j, ptrust_capture_device(cap, i));
	kind = ptrust_capture_kind(cap, i, &guess);
	json_key(j, "kind");
	json_string(j, ptrust_kind_name(kind));
	json_key(j, "guess");
	json_bool(j, guess);
	json_key(j, "result");
	verdict_json(j, classified ? r : NULL, purpose);
	json_key(j, "alerts");
	json_array_begin(j);
	for (k = 0; k < ptrust_capture_alert_count(cap, i); k++) {
		int readable = ptrust_capture_alert(cap, i, k, &from, &level,
		    &desc);

		json_object_begin(j);
		json_key(j, "from");
		json_string(j, from == PTRUST_CAPTURE_CLIENT ? "client" :
		    "server");
		json_key(j, "encrypted");
		json_bool(j, !readable);
		json_key(j, "level");
		json_string(j, !readable ? NULL : level == 2 ? "fatal" :
		    level == 1 ? "warning" : "unknown");
		json_key(j, "description");
		json_string(j, !readable ? NULL : alert_desc_name(desc, buf,
		    sizeof(buf)));
		json_key(j, "code");
		if (readable)
			json_number(j, desc);
		else
			json_null(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "notes");
	json_array_begin(j);
	for (k = 0; k < ptrust_capture_note_count(cap, i); k++)
		json_string(j, ptrust_capture_note(cap, i, k));
	json_array_end(j);
	json_object_end(j);
}

static void
print_json(const ptrust_capture *cap, const char *file, const char *dir,
    const char *purpose)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "file");
	json_string(&j, file);
	json_key(&j, "format");
	json_string(&j, ptrust_capture_format(cap));
	json_key(&j, "packets");
	json_number(&j, (long long)ptrust_capture_packet_count(cap));
	json_key(&j, "cluster");
	json_string(&j, dir);
	json_key(&j, "purpose");
	json_string(&j, purpose);
	json_key(&j, "warnings");
	json_array_begin(&j);
	for (i = 0; i < ptrust_capture_warning_count(cap); i++)
		json_string(&j, ptrust_capture_warning(cap, i));
	json_array_end(&j);
	json_key(&j, "connections");
	json_array_begin(&j);
	for (i = 0; i < ptrust_capture_count(cap); i++)
		print_json_conn(&j, cap, i, dir != NULL, purpose);
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', stdout);
}

/* A TLS version in the one form of every command, as read when unknown. */
static const char *
version_words(const ptrust_capture *cap, size_t i)
{
	const char *v = verdict_tls_version(ptrust_capture_version(cap, i));

	return v != NULL ? v : ptrust_capture_version(cap, i);
}

static void
print_human_conn(const ptrust_capture *cap, size_t i, int classified)
{
	const ptrust_result *r = ptrust_capture_result(cap, i);
	const char *device = ptrust_capture_device(cap, i);
	ptrust_capture_side from;
	ptrust_kind kind;
	size_t k, n;
	char buf[32];
	int guess, level, desc, side;

	kind = ptrust_capture_kind(cap, i, &guess);
	if (device == NULL)
		device = "-";
	if (ptrust_capture_encrypted(cap, i))
		cli_verdict(stdout, "ENCRYPTED", 1, "%s: certificates not "
		    "visible in a capture", version_words(cap, i));
	else if (ptrust_capture_chain_count(cap, i,
	    PTRUST_CAPTURE_CLIENT) == 0)
		cli_verdict(stdout, "NO-CERT", 1, "the client presented no "
		    "certificate (%s)", version_words(cap, i));
	else if (classified && r != NULL)
		verdict_print_head(stdout, r, "", device);
	else
		cli_verdict(stdout, "SEEN", 1, "%s%s %s (no cluster: not "
		    "validated)", ptrust_kind_name(kind),
		    guess ? " (guess from the issuer name)" : "", device);
	printf("  connection: %zu\n", i + 1);
	printf("  client:     %s port %u\n", ptrust_capture_address(cap, i,
	    PTRUST_CAPTURE_CLIENT), ptrust_capture_port(cap, i,
	    PTRUST_CAPTURE_CLIENT));
	printf("  server:     %s port %u\n", ptrust_capture_address(cap, i,
	    PTRUST_CAPTURE_SERVER), ptrust_capture_port(cap, i,
	    PTRUST_CAPTURE_SERVER));
	printf("  version:    %s%s\n", version_words(cap, i),
	    ptrust_capture_encrypted(cap, i) ? " (certificates encrypted)" :
	    "");
	printf("  kind:       %s%s\n", ptrust_kind_name(kind),
	    guess ? " (guess from the issuer name)" : "");
	for (side = 0; side < 2; side++) {
		n = ptrust_capture_chain_count(cap, i,
		    (ptrust_capture_side)side);
		for (k = 0; k < n; k++)
			printf("  %s  %s\n", k > 0 ? "          " : side == 0 ?
			    "client chain:" : "server chain:",
			    ptrust_capture_chain_subject(cap, i,
			    (ptrust_capture_side)side, k));
	}
	if (classified && r != NULL)
		verdict_print_details(stdout, r, "");
	for (k = 0; k < ptrust_capture_alert_count(cap, i); k++) {
		if (ptrust_capture_alert(cap, i, k, &from, &level, &desc) == 1)
			printf("  alert:      %s %s from the %s\n", level == 2 ?
			    "fatal" : "warning", alert_desc_name(desc, buf,
			    sizeof(buf)), from == PTRUST_CAPTURE_CLIENT ?
			    "client" : "server");
		else
			printf("  alert:      encrypted, from the %s\n",
			    from == PTRUST_CAPTURE_CLIENT ? "client" :
			    "server");
	}
	for (k = 0; k < ptrust_capture_note_count(cap, i); k++)
		printf("  note: %s\n", ptrust_capture_note(cap, i, k));
}

int
cmd_capture(int argc, char **argv, const char *cluster_dir)
{
	static const struct option longopts[] = {
		{ "purpose", required_argument, NULL, 'p' },
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ptrust_cluster_purpose purpose = PTRUST_CLUSTER_CALLMANAGER_TLS;
	ptrust_cluster *cl = NULL;
	ptrust_capture *cap = NULL;
	ptrust_options *o = NULL;
	const char *path, *dir = NULL, *purpose_name = "callmanager-tls";
	const char *device = NULL;
	size_t i, n;
	int c, json = 0, rc = CLI_USAGE;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (ptrust_cluster_purpose_from_name(optarg,
			    &purpose) == -1)
				return fail("--purpose", "must be "
				    "callmanager-tls, capf, 802.1x or vpn");
			purpose_name = ptrust_cluster_purpose_name(purpose);
			break;
		case 'd':
			device = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			capture_usage(stdout);
			return CLI_OK;
		default:	/* '?' or ':' */
			return cli_bad_option("capture", c, argv);
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "phonetrust capture: %s (try --help)\n",
		    argc == optind ? "no capture FILE given" :
		    "only one FILE may be given");
		return CLI_USAGE;
	}
	path = argv[optind];
	/* the library checks each certificate names the device */
	if (device != NULL && ((o = ptrust_options_new()) == NULL ||
	    ptrust_options_set_device(o, device) != PTRUST_OK)) {
		rc = fail("--device", o != NULL ? ptrust_options_error(o) :
		    "out of memory");
		ptrust_options_free(o);
		return rc;
	}
	if (cli_cluster_dir(cluster_dir) != NULL &&
	    cli_open_cluster("capture", cluster_dir, &cl, &dir) != CLI_OK) {
		ptrust_options_free(o);
		return CLI_USAGE;
	}
	if (ptrust_capture_read_file(path, &cap) != PTRUST_OK) {
		fail(path, cap != NULL ? ptrust_capture_error(cap) :
		    "out of memory");
		goto done;
	}
	if (cl != NULL && ptrust_capture_classify(cap, cl, purpose, o) !=
	    PTRUST_OK) {
		fail(dir, ptrust_capture_error(cap));
		goto done;
	}
	n = ptrust_capture_count(cap);
	if (json)
		print_json(cap, path, dir, purpose_name);
	else if (n == 0)
		printf("NONE no TLS connection in %s (%zu packets)\n", path,
		    ptrust_capture_packet_count(cap));
	else {
		for (i = 0; i < n; i++) {
			if (i > 0)
				putchar('\n');
			print_human_conn(cap, i, cl != NULL);
		}
	}
	if (!json)
		for (i = 0; i < ptrust_capture_warning_count(cap); i++)
			printf("%swarning: %s\n", i == 0 ? "\n" : "",
			    ptrust_capture_warning(cap, i));
	rc = n > 0 ? CLI_OK : CLI_REFUSED;
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust capture: standard output: %s\n",
		    strerror(errno));
		rc = CLI_USAGE;
	}
done:
	ptrust_capture_free(cap);
	ptrust_cluster_free(cl);
	ptrust_options_free(o);
	return rc;
}
