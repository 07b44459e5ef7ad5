/* Human output shared by the commands: the verdict line, colour on a tty. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

int
cli_colour(FILE *f)
{
	const char *term = getenv("TERM");
	const char *no = getenv("NO_COLOR");

	if (no != NULL && *no != '\0')
		return 0;
	if (term == NULL || strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(f));
}

void
cli_verdict(FILE *f, const char *word, int good, const char *fmt, ...)
{
	va_list ap;
	int colour = cli_colour(f);

	fprintf(f, "%s%s%s", colour ? (good ? "\033[1;32m" : "\033[1;31m") :
	    "", word, colour ? "\033[0m" : "");
	if (fmt != NULL && *fmt != '\0') {
		fputc(' ', f);
		va_start(ap, fmt);
		vfprintf(f, fmt, ap);
		va_end(ap);
	}
	fputc('\n', f);
}
