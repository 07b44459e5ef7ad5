/* A tiny JSON writer to a FILE *: commas and escaping handled here. */
#ifndef PHONETRUST_JSON_H
#define PHONETRUST_JSON_H

#include <stdio.h>
#include <time.h>

#define JSON_MAX_DEPTH	16

struct json {
	FILE	*f;
	int	 depth;
	int	 after_key;
	int	 need_comma[JSON_MAX_DEPTH];
};

void	json_init(struct json *, FILE *);
void	json_object_begin(struct json *);
void	json_object_end(struct json *);
void	json_array_begin(struct json *);
void	json_array_end(struct json *);
void	json_key(struct json *, const char *);
void	json_string(struct json *, const char *);	/* NULL: null */
void	json_number(struct json *, long long);
void	json_bool(struct json *, int);
void	json_null(struct json *);
/* t as an ISO 8601 UTC string, "2026-01-31T00:00:00Z". */
void	json_time(struct json *, time_t);

#endif
