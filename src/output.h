/* Human output shared by the commands: the verdict line, colour on a tty. */
#ifndef PHONETRUST_OUTPUT_H
#define PHONETRUST_OUTPUT_H

#include <stdio.h>

/* 1 when f is a terminal and neither NO_COLOR nor TERM=dumb says no. */
int	cli_colour(FILE *f);
/*
 * The first line of a verdict: word ("TRUSTED", "REFUSED", "SUCCESS",
 * "ERROR", ...) coloured green when good, red otherwise (on a terminal
 * only), then the rest formatted as printf would, then a newline.
 */
void	cli_verdict(FILE *f, const char *word, int good, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
