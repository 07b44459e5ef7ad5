/* Internal: the staged import shared by builder.c and store_dir.c. */
#ifndef PTRUST_BUILDER_H
#define PTRUST_BUILDER_H

#include <sys/types.h>

#include "internal.h"

/* Most anchors in one builder: far beyond any real store. */
#ifndef PT_MAX_ANCHORS
#define PT_MAX_ANCHORS	100000
#endif

/* One certificate to import, with the name and role it comes with. */
struct pt_item {
	X509		*x509;
	char		*alias;		/* NULL: from the subject CN */
	int		 explicit_alias; /* 1: the caller's; a clash is an error */
	ptrust_role	 role;
	char		*what;		/* where it came from, for messages */
};

struct pt_itemlist {
	struct pt_item	*items;
	size_t		 n, cap;
};

int	 pt_itemlist_add(struct pt_itemlist *l, X509 *x, const char *alias,
	    int explicit_alias, ptrust_role role, const char *what);
void	 pt_itemlist_free(struct pt_itemlist *l);
/* known: as for pt_parse_pem_certs (internal.h) */
ptrust_status pt_parse_certs(const unsigned char *data, size_t len,
	    const char *what, STACK_OF(X509) **out, char *err,
	    const struct pt_known *known);
ptrust_status pt_items_from_mem(const unsigned char *data, size_t len,
	    const char *what, const char *alias, int explicit_alias,
	    ptrust_role role, struct pt_itemlist *list, char *err);
ptrust_status pt_items_from_file(const char *path, const char *alias,
	    ptrust_role role, struct pt_itemlist *list, char *err);
ptrust_status pt_builder_begin(ptrust_builder *b, const void *input,
	    const char *missing, const char *alias, ptrust_role role);
ptrust_status pt_builder_finish(ptrust_builder *b, ptrust_status st,
	    struct pt_itemlist *l, int replace_all);
ptrust_status pt_builder_apply(ptrust_builder *b, const struct pt_item *items,
	    size_t n, int replace_all);

#endif
