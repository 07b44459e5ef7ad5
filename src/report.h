/*
 * phonetrust report: what a fleet report says, once, whatever it is
 * written as (HTML, JSON, CSV).  cmd_report.c fills it from the fleet
 * library's answers only -- nothing here judges a certificate -- and the
 * writers print it, so every number of the HTML page is the number of
 * the JSON (tests/e2e/report-chromium.test holds them to that).
 */
#ifndef PHONETRUST_REPORT_H
#define PHONETRUST_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* The version of the report's JSON shape, its "schema" member. */
#define REPORT_SCHEMA	1

/* What a phone presents where it is trusted; "none": refused there. */
enum report_kind { REPORT_LSC, REPORT_MIC, REPORT_NONE, REPORT_NKINDS };

/* One purpose (callmanager-tls, capf under one mode, 802.1x, vpn). */
struct report_purpose {
	char	*name;
	/* phones trusted with their LSC, with their MIC, refused */
	size_t	 before[REPORT_NKINDS];
	size_t	 after[REPORT_NKINDS];	/* with a change only */
	size_t	 broken;	/* trusted before, refused after */
	size_t	 fixed;		/* refused before, trusted after */
};

/* What ends in one calendar month (UTC). */
struct report_month {
	int	 year, month;		/* month 1..12 */
	size_t	 lsc, mic;		/* phones' certificates */
	size_t	 anchors;		/* anchors of the cluster's stores */
	size_t	 intermediates;	/* CAs between the phones and anchors */
	size_t	 phones_lost;	/* phones left without a usable one */
};

/* A phone that needs something done, for one purpose. */
struct report_phone {
	char	*device;
	char	*purpose;
	enum report_kind before, after;	/* after: with a change only */
	char	*diagnosis;	/* why refused (before, else after) */
	char	*fix;		/* what to do */
	char	*evidence;	/* "certificate" or "record" */
	time_t	 last_usable;	/* the end of its last usable certificate; 0 unknown */
	int	 blocks;	/* keeps the old CAPF certificate in a store */
};

/* One step of the change, in the safe order, and who still blocks it. */
struct report_step {
	char	*kind;		/* "add-anchor", "reissue-lsc", "remove-anchor", ... */
	char	*text;		/* the step in words */
	char	*store;		/* NULL when none */
	char	*anchor;	/* NULL when none */
	size_t	 blocking;	/* phones that would stop working if done now */
};

/* Why phones need action: one diagnosis, counted per purpose. */
struct report_diag {
	char	*diagnosis;
	size_t	*counts;	/* one per purpose, in the report's order */
	size_t	 total;
};

/*
 * The page lists at most this many rows of phones needing action, the
 * most urgent first (a browser does not open 100,000 rows); the JSON and
 * the CSV hold them all.
 */
#define REPORT_HTML_ROWS	2000

struct report {
	time_t	 generated;	/* when the report was made */
	time_t	 at;		/* the time the fleet was judged at */
	char	*cluster;	/* the cluster directory */
	char	*fleet;		/* what the fleet was read from */
	char	*change;	/* the planned change in words; NULL: none */
	size_t	 phones;	/* phones in the fleet */
	size_t	 problems;	/* what loading the inventory reported */
	size_t	 blocking;	/* phones blocking a step of the change */

	struct report_purpose	*purposes;
	size_t			 npurposes;
	struct report_month	*months;	/* non-empty months, in order */
	size_t			 nmonths;
	struct report_phone	*actions;
	size_t			 nactions;
	struct report_step	*steps;		/* with a change only */
	size_t			 nsteps;
	struct report_diag	*diags;		/* report_summarise() */
	size_t			 ndiags;
};

const char	*report_kind_name(enum report_kind kind); /* "lsc", "mic", "none" */

/* An empty report; NULL when memory ran out. */
struct report	*report_new(void);
void		 report_free(struct report *r);
/*
 * Append an element, zeroed, and return it; NULL when memory ran out
 * (the report unchanged).  Strings put in them belong to the report.
 */
struct report_purpose	*report_add_purpose(struct report *r, const char *name);
struct report_month	*report_month_at(struct report *r, int year, int month);
struct report_phone	*report_add_phone(struct report *r);
struct report_step	*report_add_step(struct report *r);
/* The month that holds time t, kept in order; NULL when memory ran out. */
struct report_month	*report_month_of(struct report *r, time_t t);
/*
 * The diagnoses of the actions counted per purpose, in order of first
 * appearance: counting only, every diagnosis is the library's.  0, or -1
 * when memory ran out.
 */
int		 report_summarise(struct report *r);
/* Refusals the change causes, over the purposes. */
size_t		 report_broken(const struct report *r);
/* Distinct devices among the actions into *n; -1 when memory ran out. */
int		 report_phones_needing_action(const struct report *r,
		    size_t *n);

/*
 * The writers: 0, or -1 when the stream failed (errno then set by
 * stdio).  Everything taken from a certificate or a file is escaped for
 * the format: subjects are chosen by whoever asked a CA for one.
 */
int	report_write_html(FILE *f, const struct report *r);
int	report_write_json(FILE *f, const struct report *r);
int	report_write_csv(FILE *f, const struct report *r);

#endif
