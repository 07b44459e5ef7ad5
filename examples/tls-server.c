/*
 * tls-server: a call-control-style TLS server that lets libphonetrust
 * decide which phones get in.  The code a vendor would copy: attach the
 * cluster to the SSL_CTX once, bind each connection to the device it
 * registers as, read the result after the handshake.
 *
 *   tls-server --cluster DIR --listen 127.0.0.1:PORT --cert F --key F
 *       [--purpose P] [--device NAME] [--max-connections N]
 *       [--insecure-complete-handshake]
 *
 * One line per connection on standard output; SIGINT or SIGTERM stops it.
 * PORT 0 picks a free port; the first line says which.
 */
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
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-openssl.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
usage(void)
{
	fprintf(stderr, "usage: tls-server --cluster DIR --listen "
	    "127.0.0.1:PORT --cert FILE --key FILE\n    [--purpose PURPOSE] "
	    "[--device NAME] [--max-connections N]\n    "
	    "[--insecure-complete-handshake]\n");
	return 2;
}

/* 127.0.0.1:PORT only: a lab server. */
static int
listen_on(const char *spec)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	const char *colon = strrchr(spec, ':');
	char host[64], *end;
	long port;
	int fd, one = 1;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(host))
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || colon[1] == '\0' || port < 0 || port > 65535)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		return -1;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		close(fd);
		return -1;
	}
	printf("listening on %s:%u\n", host, ntohs(sin.sin_port));
	fflush(stdout);
	return fd;
}

/* One phone: handshake, verdict line, goodbye. */
static void
serve_one(SSL_CTX *ctx, int fd, const char *peer, const char *device)
{
	struct timeval tv = { 10, 0 };
	const ptrust_result *r;
	const char *alert;
	SSL *ssl;
	int ok;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if ((ssl = SSL_new(ctx)) == NULL || !SSL_set_fd(ssl, fd) ||
	    (device != NULL &&
	    ptrust_ssl_set_device(ssl, device) != PTRUST_OK)) {
		printf("%s ERROR cannot set up the connection\n", peer);
		SSL_free(ssl);
		return;
	}
	ok = SSL_accept(ssl) == 1;
	r = ptrust_ssl_get_result(ssl);
	ptrust_ssl_get_alert(ssl, &alert);
	if (r == NULL)		/* the handshake failed before any verdict */
		printf("%s %s ERROR handshake failed: %s\n", peer,
		    SSL_get_version(ssl), ERR_reason_error_string(
		    ERR_peek_last_error()) != NULL ? ERR_reason_error_string(
		    ERR_peek_last_error()) : "connection closed");
	else if (ptrust_result_trusted(r))
		printf("%s %s %s %s TRUSTED\n", peer, SSL_get_version(ssl),
		    ptrust_result_device(r) != NULL ?
		    ptrust_result_device(r) : "-",
		    ptrust_kind_name(ptrust_result_kind(r)));
	else
		printf("%s %s %s %s REFUSED %s reason=%s alert=%s%s fix: %s\n",
		    peer, SSL_get_version(ssl), ptrust_result_device(r) != NULL ?
		    ptrust_result_device(r) : "-",
		    ptrust_kind_name(ptrust_result_kind(r)),
		    ptrust_diagnosis_name(ptrust_result_diagnosis(r)),
		    ptrust_reason_name(ptrust_result_reason_code(r, 0)), alert,
		    ok ? " (insecure: handshake completed)" : "",
		    ptrust_result_fix(r) != NULL ? ptrust_result_fix(r) : "-");
	fflush(stdout);
	if (ok)
		(void)SSL_shutdown(ssl);
	SSL_free(ssl);
	ERR_clear_error();
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'C' },
		{ "listen", required_argument, NULL, 'l' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "device", required_argument, NULL, 'd' },
		{ "max-connections", required_argument, NULL, 'n' },
		{ "insecure-complete-handshake", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *listen_spec = NULL, *cert = NULL, *key = NULL;
	const char *device = NULL;
	ptrust_cluster_purpose purpose = PTRUST_CLUSTER_CALLMANAGER_TLS;
	ptrust_cluster *cluster = NULL;
	struct sigaction sa;
	SSL_CTX *ctx = NULL;
	long max = 0, served = 0;
	int c, lfd = -1, flags = 0, rc = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'C': dir = optarg; break;
		case 'l': listen_spec = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'd': device = optarg; break;
		case 'I': flags |= PTRUST_SSL_INSECURE_COMPLETE_HANDSHAKE; break;
		case 'p':
			if (ptrust_cluster_purpose_from_name(optarg,
			    &purpose) == -1)
				return usage();
			break;
		case 'n':
			max = strtol(optarg, NULL, 10);
			if (max <= 0)
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (optind != argc || dir == NULL || listen_spec == NULL ||
	    cert == NULL || key == NULL)
		return usage();

	/* 1. The cluster, and a server context that trusts what it trusts. */
	if ((cluster = ptrust_cluster_new()) == NULL ||
	    ptrust_cluster_load_dir(cluster, dir) != PTRUST_OK) {
		fprintf(stderr, "tls-server: %s: %s\n", dir, cluster != NULL ?
		    ptrust_cluster_error(cluster) : "out of memory");
		goto done;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		fprintf(stderr, "tls-server: %s, %s: %s\n", cert, key,
		    ERR_reason_error_string(ERR_peek_last_error()));
		goto done;
	}
	/* Phones still on TLS 1.0 get in only if the security level allows. */
	(void)SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	if (ptrust_ssl_ctx_attach(ctx, cluster, purpose, NULL, flags) !=
	    PTRUST_OK) {
		fprintf(stderr, "tls-server: %s: %s\n", dir,
		    ptrust_cluster_error(cluster));
		goto done;
	}

	/* 2. Signals stop the loop; a phone hanging up is no reason to die. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((lfd = listen_on(listen_spec)) < 0) {
		fprintf(stderr, "tls-server: cannot listen on %s\n",
		    listen_spec);
		goto done;
	}

	/* 3. One phone at a time. */
	while (!stop && (max == 0 || served < max)) {
		struct pollfd pfd = { lfd, POLLIN, 0 };
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		char name[64], addr[INET_ADDRSTRLEN];
		int fd;

		if (poll(&pfd, 1, 200) <= 0)
			continue;	/* timeout, or a signal: check stop */
		if ((fd = accept(lfd, (struct sockaddr *)&peer, &plen)) < 0)
			continue;
		snprintf(name, sizeof(name), "%s:%u", inet_ntop(AF_INET,
		    &peer.sin_addr, addr, sizeof(addr)) != NULL ? addr : "?",
		    ntohs(peer.sin_port));
		serve_one(ctx, fd, name, device);
		close(fd);
		served++;
	}
	rc = 0;
done:
	if (lfd >= 0)
		close(lfd);
	SSL_CTX_free(ctx);	/* frees the attachment and its snapshot */
	ptrust_cluster_free(cluster);
	return rc;
}
