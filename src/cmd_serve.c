/*
 * phonetrust serve: a TLS listener that asks each phone for its certificate
 * and tells what the cluster decides, one line per connection (a JSON
 * object per line with --json, and nothing else on standard output: the
 * "listening on" notice goes to standard error then), then closes the
 * connection.  Without
 * --cert it makes a throwaway self-signed EC P-256 certificate in memory.
 * SIGINT and SIGTERM stop it (exit 0).  Exit 2 when it cannot start.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-openssl.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "output.h"
#include "verdict.h"

enum {
	OPT_LISTEN = 256, OPT_CERT, OPT_KEY, OPT_PURPOSE, OPT_DEVICE,
	OPT_JSON, OPT_MAX, OPT_HELP
};

static const struct option longopts[] = {
	{ "listen",		required_argument, NULL, OPT_LISTEN },
	{ "cert",		required_argument, NULL, OPT_CERT },
	{ "key",		required_argument, NULL, OPT_KEY },
	{ "purpose",		required_argument, NULL, OPT_PURPOSE },
	{ "device",		required_argument, NULL, OPT_DEVICE },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "max-connections",	required_argument, NULL, OPT_MAX },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

struct serve_args {
	const char		*listen;
	const char		*cert;
	const char		*key;
	ptrust_cluster_purpose	 purpose;
	const char		*device;
	int			 json;
	int			 max;		/* 0: no limit */
};

static volatile sig_atomic_t serve_stop;

static void
serve_on_signal(int sig)
{
	(void)sig;
	serve_stop = 1;
}

static void
serve_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] serve --listen "
	    "127.0.0.1:PORT [--cert FILE --key FILE]\n    [--purpose PURPOSE] "
	    "[--device NAME] [--json] [--max-connections N]\n");
}

static int
fail(const char *what, const char *msg)
{
	return cli_fail("serve", what, msg);
}

static int
parse_args(int argc, char **argv, struct serve_args *a)
{
	int c;

	a->purpose = PTRUST_CLUSTER_CALLMANAGER_TLS;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			a->listen = optarg;
			break;
		case OPT_CERT:
			a->cert = optarg;
			break;
		case OPT_KEY:
			a->key = optarg;
			break;
		case OPT_PURPOSE:
			if (ptrust_cluster_purpose_from_name(optarg,
			    &a->purpose) == -1)
				return fail("--purpose", "must be "
				    "callmanager-tls, capf, 802.1x or vpn");
			break;
		case OPT_DEVICE:
			a->device = optarg;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_MAX:
			if (cli_parse_int(optarg, 1, 1000000, &a->max) == -1)
				return fail("--max-connections",
				    "expected 1..1000000");
			break;
		case 'h':
		case OPT_HELP:
			serve_usage(stdout);
			exit(CLI_OK);
		default:	/* '?' or ':' */
			return cli_bad_option("serve", c, argv);
		}
	}
	if (optind != argc)
		return fail(argv[optind], "unexpected argument");
	if (a->listen == NULL)
		return fail(NULL, "--listen 127.0.0.1:PORT is required");
	if ((a->cert == NULL) != (a->key == NULL))
		return fail(a->cert == NULL ? "--key" : "--cert",
		    "--cert and --key go together");
	if (a->device != NULL) {
		ptrust_phone *probe = ptrust_phone_new(a->device);

		if (probe == NULL)
			return fail("--device", "not a valid device name");
		ptrust_phone_free(probe);
	}
	return CLI_OK;
}

/* A throwaway self-signed EC P-256 server certificate, in memory. */
static int
throwaway_identity(SSL_CTX *ctx)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	int ok = 0;

	if (key == NULL || x == NULL ||
	    !X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), (long)time(NULL)) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 30) == NULL ||
	    !X509_set_pubkey(x, key) ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"phonetrust serve", -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    !X509_sign(x, key, EVP_sha256()) ||
	    SSL_CTX_use_certificate(ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1)
		goto done;
	ok = 1;
done:
	X509_free(x);
	EVP_PKEY_free(key);
	return ok;
}

/* 127.0.0.1:PORT (any IPv4 address literal); PORT 0 picks one. */
static int
open_listener(const char *spec, char *bound, size_t boundlen)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	const char *colon = strrchr(spec, ':');
	char host[INET_ADDRSTRLEN];
	int fd, one = 1, port;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(host)) {
		fail("--listen", "expected ADDRESS:PORT, e.g. 127.0.0.1:5061");
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (cli_parse_int(colon + 1, 0, 65535, &port) == -1 ||
	    inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fail("--listen", "expected an IPv4 ADDRESS:PORT, PORT 0..65535");
		return -1;
	}
	sin.sin_port = htons((unsigned short)port);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
		fail("--listen", strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		fail(spec, strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(bound, boundlen, "%s:%u", host, ntohs(sin.sin_port));
	return fd;
}

static const char *
or_dash(const char *s)
{
	return s != NULL ? s : "-";
}

/* The alert the server sent, NULL when none. */
static const char *
alert_sent(SSL *ssl)
{
	const char *alert = NULL;

	return ptrust_ssl_get_alert(ssl, &alert) != 0 ? alert : NULL;
}

/*
 * One JSON object per connection: the connection's members, then the
 * verdict object of every command (null when the handshake failed before
 * any certificate was judged).
 */
static void
print_json(const char *peer, SSL *ssl, const ptrust_result *r, int completed,
    const char *purpose, const char *error)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "peer");
	json_string(&j, peer);
	json_key(&j, "tls_version");
	json_string(&j, verdict_tls_version(SSL_get_version(ssl)));
	json_key(&j, "handshake");
	json_string(&j, completed ? "completed" : "failed");
	json_key(&j, "error");
	json_string(&j, error);
	json_key(&j, "tls_alert");
	json_string(&j, alert_sent(ssl));
	json_key(&j, "result");
	verdict_json(&j, r, purpose);
	json_object_end(&j);
	fputc('\n', stdout);
}

/*
 * One line per connection, for a log: the verdict line of every command,
 * then the connection and, on a refusal, the reasons and the fix.
 */
static void
print_human(const char *peer, SSL *ssl, const ptrust_result *r,
    const char *error)
{
	const char *version = or_dash(verdict_tls_version(
	    SSL_get_version(ssl)));
	const char *alert = or_dash(alert_sent(ssl)), *fix;
	char summary[2048];
	size_t i;

	if (r == NULL) {
		cli_verdict(stdout, "ERROR", 0, "%s %s handshake failed before "
		    "any certificate was judged: %s", peer, version,
		    or_dash(error));
		return;
	}
	verdict_summary(r, NULL, summary, sizeof(summary));
	if (ptrust_result_trusted(r)) {
		cli_verdict(stdout, verdict_word(r), 1, "%s peer=%s version=%s "
		    "alert=none", summary, peer, version);
		return;
	}
	if (cli_colour(stdout))
		printf("\033[1;31m%s\033[0m", verdict_word(r));
	else
		fputs(verdict_word(r), stdout);
	printf(" %s peer=%s version=%s alert=%s reasons=", summary, peer,
	    version, alert);
	for (i = 0; i < ptrust_result_reason_count(r); i++)
		printf("%s%s", i > 0 ? "," : "", ptrust_reason_name(
		    ptrust_result_reason_code(r, i)));
	if (ptrust_result_reason_count(r) == 0)
		putchar('-');
	fix = ptrust_result_fix(r);
	printf(" fix: %s\n", or_dash(fix));
}

static void
serve_one(SSL_CTX *ctx, int fd, const char *peer, const struct serve_args *a)
{
	struct timeval tv = { 10, 0 };
	const ptrust_result *r;
	const char *error = NULL;
	unsigned long e;
	SSL *ssl;
	int ok;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if ((ssl = SSL_new(ctx)) == NULL || !SSL_set_fd(ssl, fd) ||
	    (a->device != NULL &&
	    ptrust_ssl_set_device(ssl, a->device) != PTRUST_OK)) {
		fprintf(stderr, "phonetrust serve: %s: out of memory\n", peer);
		SSL_free(ssl);
		return;
	}
	ok = SSL_accept(ssl) == 1;
	if (!ok)
		error = (e = ERR_peek_last_error()) != 0 ?
		    ERR_reason_error_string(e) : "connection closed";
	r = ptrust_ssl_get_result(ssl);
	if (a->json)
		print_json(peer, ssl, r, ok, ptrust_cluster_purpose_name(
		    a->purpose), error);
	else
		print_human(peer, ssl, r, error);
	fflush(stdout);
	if (ok)
		(void)SSL_shutdown(ssl);
	SSL_free(ssl);
	ERR_clear_error();
}

int
cmd_serve(int argc, char **argv, const char *cluster_dir)
{
	struct serve_args a;
	struct sigaction sa, old_int, old_term;
	ptrust_cluster *c = NULL;
	SSL_CTX *ctx = NULL;
	const char *dir;
	char bound[64];
	ptrust_status st;
	int rc, lfd = -1, served = 0;

	memset(&a, 0, sizeof(a));
	if ((rc = parse_args(argc, argv, &a)) != CLI_OK)
		return rc;
	if ((rc = cli_open_cluster("serve", cluster_dir, &c, &dir)) != CLI_OK)
		return rc;
	rc = CLI_USAGE;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		fail(NULL, "out of memory");
		goto done;
	}
	/* TLS 1.0 to 1.3, as far as the security level allows */
	(void)SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	if (a.cert != NULL) {
		if (SSL_CTX_use_certificate_chain_file(ctx, a.cert) != 1) {
			fail(a.cert, "cannot load a PEM certificate (chain)");
			goto done;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, a.key,
		    SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(ctx) != 1) {
			fail(a.key, "cannot load a PEM private key matching "
			    "the certificate");
			goto done;
		}
	} else if (!throwaway_identity(ctx)) {
		fail(NULL, "cannot make a server certificate");
		goto done;
	}
	if ((st = ptrust_ssl_ctx_attach(ctx, c, a.purpose, NULL, 0)) !=
	    PTRUST_OK) {
		fail(dir, st == PTRUST_ERR_NOMEM ? "out of memory" :
		    ptrust_cluster_error(c));
		goto done;
	}
	if ((lfd = open_listener(a.listen, bound, sizeof(bound))) < 0)
		goto done;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = serve_on_signal;
	sigemptyset(&sa.sa_mask);
	serve_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	signal(SIGPIPE, SIG_IGN);
	/* with --json, standard output holds JSON lines only */
	fprintf(a.json ? stderr : stdout, "listening on %s\n", bound);
	fflush(a.json ? stderr : stdout);
	while (!serve_stop && (a.max == 0 || served < a.max)) {
		struct pollfd pfd = { lfd, POLLIN, 0 };
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		char name[64], addr[INET_ADDRSTRLEN];
		int fd;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((fd = accept(lfd, (struct sockaddr *)&peer, &plen)) < 0)
			continue;
		snprintf(name, sizeof(name), "%s:%u", inet_ntop(AF_INET,
		    &peer.sin_addr, addr, sizeof(addr)) != NULL ? addr : "?",
		    ntohs(peer.sin_port));
		serve_one(ctx, fd, name, &a);
		close(fd);
		served++;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	rc = CLI_OK;
done:
	if (lfd >= 0)
		close(lfd);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
	if (rc == CLI_OK && fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust serve: standard output: %s\n",
		    strerror(errno));
		rc = CLI_USAGE;
	}
	return rc;
}
