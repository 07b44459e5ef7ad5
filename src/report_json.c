/*
 * The report as one JSON object (phonetrust(1), report): the numbers the
 * HTML page draws, under the paths its data-v attributes name.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "report.h"

static void
kinds(struct json *j, const size_t k[REPORT_NKINDS])
{
	int i;

	json_object_begin(j);
	for (i = 0; i < REPORT_NKINDS; i++) {
		json_key(j, report_kind_name(i));
		json_number(j, (long long)k[i]);
	}
	json_object_end(j);
}

static void
time_or_null(struct json *j, time_t t)
{
	if (t != 0)
		json_time(j, t);
	else
		json_null(j);
}

static void
change_lines(struct json *j, const char *s)
{
	const char *nl;
	char *line;

	json_array_begin(j);
	for (; *s != '\0'; s = *nl != '\0' ? nl + 1 : nl) {
		nl = s + strcspn(s, "\n");
		if (nl == s)
			continue;
		if ((line = strndup(s, (size_t)(nl - s))) != NULL) {
			json_string(j, line);
			free(line);
		} else
			json_string(j, "(out of memory)");
	}
	json_array_end(j);
}

int
report_write_json(FILE *f, const struct report *r)
{
	struct json j;
	char month[16];
	size_t i, needing;
	int change = r->change != NULL;

	if (report_phones_needing_action(r, &needing) != 0)
		return -1;
	json_init(&j, f);
	json_object_begin(&j);
	json_key(&j, "schema");
	json_number(&j, REPORT_SCHEMA);
	json_key(&j, "generated");
	time_or_null(&j, r->generated);
	json_key(&j, "at");
	time_or_null(&j, r->at);
	json_key(&j, "cluster");
	json_string(&j, r->cluster);
	json_key(&j, "fleet");
	json_string(&j, r->fleet);
	/* one string a step, as phonetrust plan's "change" */
	json_key(&j, "change");
	if (change)
		change_lines(&j, r->change);
	else
		json_null(&j);
	json_key(&j, "phones");
	json_number(&j, (long long)r->phones);
	json_key(&j, "problems");
	json_number(&j, (long long)r->problems);
	json_key(&j, "phones_needing_action");
	json_number(&j, (long long)needing);
	json_key(&j, "broken");
	if (change)
		json_number(&j, (long long)report_broken(r));
	else
		json_null(&j);
	json_key(&j, "blocking");
	if (change)
		json_number(&j, (long long)r->blocking);
	else
		json_null(&j);

	json_key(&j, "purposes");
	json_array_begin(&j);
	for (i = 0; i < r->npurposes; i++) {
		const struct report_purpose *p = &r->purposes[i];

		json_object_begin(&j);
		json_key(&j, "name");
		json_string(&j, p->name);
		json_key(&j, "before");
		kinds(&j, p->before);
		json_key(&j, "after");
		if (change)
			kinds(&j, p->after);
		else
			json_null(&j);
		json_key(&j, "broken");
		if (change)
			json_number(&j, (long long)p->broken);
		else
			json_null(&j);
		json_key(&j, "fixed");
		if (change)
			json_number(&j, (long long)p->fixed);
		else
			json_null(&j);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "expiry");
	json_array_begin(&j);
	for (i = 0; i < r->nmonths; i++) {
		const struct report_month *m = &r->months[i];

		json_object_begin(&j);
		snprintf(month, sizeof(month), "%04d-%02d", m->year,
		    m->month);
		json_key(&j, "month");
		json_string(&j, month);
		json_key(&j, "lsc");
		json_number(&j, (long long)m->lsc);
		json_key(&j, "mic");
		json_number(&j, (long long)m->mic);
		json_key(&j, "anchors");
		json_number(&j, (long long)m->anchors);
		json_key(&j, "intermediates");
		json_number(&j, (long long)m->intermediates);
		json_key(&j, "phones_lost");
		json_number(&j, (long long)m->phones_lost);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "steps");
	json_array_begin(&j);
	for (i = 0; i < r->nsteps; i++) {
		const struct report_step *s = &r->steps[i];

		json_object_begin(&j);
		json_key(&j, "kind");
		json_string(&j, s->kind);
		json_key(&j, "text");
		json_string(&j, s->text);
		json_key(&j, "store");
		json_string(&j, s->store);
		json_key(&j, "anchor");
		json_string(&j, s->anchor);
		json_key(&j, "blocking");
		json_number(&j, (long long)s->blocking);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "diagnoses");
	json_array_begin(&j);
	for (i = 0; i < r->ndiags; i++) {
		const struct report_diag *d = &r->diags[i];
		size_t k;

		json_object_begin(&j);
		json_key(&j, "diagnosis");
		json_string(&j, d->diagnosis);
		json_key(&j, "counts");
		json_array_begin(&j);
		for (k = 0; k < r->npurposes; k++)
			json_number(&j, (long long)d->counts[k]);
		json_array_end(&j);
		json_key(&j, "total");
		json_number(&j, (long long)d->total);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "actions");
	json_array_begin(&j);
	for (i = 0; i < r->nactions; i++) {
		const struct report_phone *p = &r->actions[i];

		json_object_begin(&j);
		json_key(&j, "device");
		json_string(&j, p->device);
		json_key(&j, "purpose");
		json_string(&j, p->purpose);
		json_key(&j, "before");
		json_string(&j, report_kind_name(p->before));
		json_key(&j, "after");
		json_string(&j, change ? report_kind_name(p->after) : NULL);
		json_key(&j, "diagnosis");
		json_string(&j, p->diagnosis);
		json_key(&j, "fix");
		json_string(&j, p->fix);
		json_key(&j, "evidence");
		json_string(&j, p->evidence);
		json_key(&j, "last_usable");
		time_or_null(&j, p->last_usable);
		json_key(&j, "blocks");
		json_bool(&j, p->blocks);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}
