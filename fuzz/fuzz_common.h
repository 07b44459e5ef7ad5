/*
 * Shared set-up of the libFuzzer harnesses (fuzz/README): one fixed lab
 * store, a lab cluster and fixed-time options, made once in
 * LLVMFuzzerInitialize, and the checks every harness applies to a
 * verdict.  A violated invariant prints what it saw and abort()s, which
 * libFuzzer reports as a crash with the input that caused it.
 */
#ifndef PTRUST_FUZZ_COMMON_H
#define PTRUST_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>

/*
 * The validation time of every harness: 2026-01-31T00:00:00Z, thirty days
 * after the lab's reference time (lab/lab.h LAB_T0), when the fixture
 * chains (fuzz/lab/) are valid, except expired-mic.
 */
#define FUZZ_TIME	((time_t)1769817600)

/* What fuzz_init made; read-only afterwards. */
struct fuzz_world {
	ptrust_store	*store;		/* "callmanager-trust": lab + fixture + Cisco anchors */
	ptrust_cluster	*cluster;	/* the same anchors in a cluster */
	ptrust_options	*options;	/* defaults, time FUZZ_TIME */
	/* chains to validate: the lab's own (LSC, MIC), then fuzz/lab/chains/ */
	ptrust_chain	*chains[16];
	const char	*chain_names[16];
	size_t		 n_chains;
	/* their verdicts against store with options (no CRL) */
	ptrust_result	*baseline[16];
	const char	*srcdir;
};

extern struct fuzz_world fuzz;

/* Once per process, from LLVMFuzzerInitialize. */
void	fuzz_init(void);

/*
 * 1 when FUZZ_IGNORE (names separated by ',' or ' ') names this check: a
 * known bug, reported, whose check would stop every run (fuzz/README).
 */
int	fuzz_ignored(const char *check);

/* Print the message (printf-like) and abort. */
void	fuzz_fail(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
#define FUZZ_REQUIRE(cond, what) \
	do { if (!(cond)) fuzz_fail("invariant failed: %s -- %s (%s:%d)", \
	    #cond, (what), __FILE__, __LINE__); } while (0)

/*
 * The invariants of any verdict.  store: the snapshot validated against
 * (NULL: unknown, the anchor is then not looked up).  st: the status the
 * call returned.
 */
void	fuzz_check_result(const ptrust_store *store, ptrust_status st,
	    const ptrust_result *r, const char *what);
/* ... for a verdict on no chain (ptrust_radius_decide): chain length 0 */
void	fuzz_check_result_no_chain(const ptrust_store *store,
	    ptrust_status st, const ptrust_result *r, const char *what);
/* 1 when a and b give the same verdict: trust, kind, anchor, alert,
 * reasons (code and depth), chain length. */
int	fuzz_same_verdict(const ptrust_result *a, const ptrust_result *b);
void	fuzz_print_result(const char *label, const ptrust_result *r);
/* The same anchors (fingerprint, alias, role, DER) in a and b, or abort. */
void	fuzz_same_anchors(const ptrust_builder *a, const ptrust_builder *b,
	    const char *what);

/*
 * Split concatenated DER: each piece one outer TLV by its length; what is
 * left that is no complete TLV is one last piece.  At most max pieces
 * (the last takes the rest).  Returns the number of pieces.
 */
size_t	fuzz_split_der(const uint8_t *data, size_t len, const uint8_t **piece,
	    size_t *piece_len, size_t max);

/*
 * The chain input format of fuzz_chain and fuzz_differential: byte 0
 * flags (bit 0: DER, else PEM), the rest a PEM bundle or concatenated
 * DER, leaf first.  *raw/raw_len/n_raw: the DER pieces (DER input only).
 * share: a store whose anchors the chain shares (NULL: none).
 */
#define FUZZ_MAX_CERTS	12
ptrust_chain *fuzz_parse_chain(const uint8_t *data, size_t len, int *all_ok,
	    const uint8_t **raw, size_t *raw_len, size_t *n_raw,
	    ptrust_store *share);

/* A fresh directory under $TMPDIR (or /tmp); abort when impossible. */
char	*fuzz_mkdtemp(void);
/* rm -rf path (no symbolic links followed); path is freed. */
void	fuzz_rmtree_free(char *path);
/* Write a file; 0 or -1. */
int	fuzz_write_file(const char *path, const void *data, size_t len);

#endif
