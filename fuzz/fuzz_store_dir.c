/*
 * Store directories: what was saved loads back identical.
 *
 * Input byte 0, bit 0 clear: "add" -- the rest goes to
 * ptrust_builder_add_mem with role (byte 0 >> 1) % 5; the builder is saved
 * (ptrust_builder_save_dir) into a fresh directory and loaded back.
 * Bit 0 set: "dir" -- the rest is a directory, files introduced by lines
 * "=== NAME" (NAME: letters, digits, '.', '-', '_'; the bytes up to the
 * next such line are the file), loaded with ptrust_builder_load_dir into
 * a builder holding one anchor beforehand; when it loads, the builder is
 * saved into a second directory and over the first, each loaded back.
 *
 * Invariants: a failed load leaves the builder as it was; a load after a
 * save gives the same anchors (fingerprint, alias, role, DER) in the same
 * number; a second add of the same bytes changes nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* save b into dir, load it into a new builder, compare */
static void
round_trip(ptrust_builder *b, const char *dir, const char *what)
{
	ptrust_builder *c;
	ptrust_status st;

	if ((st = ptrust_builder_save_dir(b, dir)) != PTRUST_OK)
		fuzz_fail("%s: save_dir failed: %s: %s", what,
		    ptrust_status_name(st), ptrust_builder_error(b));
	if ((c = ptrust_builder_new("round-trip")) == NULL)
		return;
	if ((st = ptrust_builder_load_dir(c, dir)) != PTRUST_OK)
		fuzz_fail("%s: what save_dir wrote does not load: %s: %s",
		    what, ptrust_status_name(st), ptrust_builder_error(c));
	fuzz_same_anchors(b, c, what);
	ptrust_builder_free(c);
}

static void
mode_add(const uint8_t *data, size_t size, ptrust_role role)
{
	ptrust_builder *b = ptrust_builder_new("fuzz-trust");
	char *dir;
	size_t i, n;

	if (b == NULL)
		return;
	if (ptrust_builder_add_mem(b, data, size, NULL, role) != PTRUST_OK) {
		ptrust_builder_free(b);
		return;
	}
	n = ptrust_builder_anchor_count(b);
	if (ptrust_builder_add_mem(b, data, size, NULL, role) != PTRUST_OK ||
	    ptrust_builder_anchor_count(b) != n)
		fuzz_fail("adding the same bytes twice changed the store");
	for (i = 0; i < ptrust_builder_change_count(b); i++)
		if (ptrust_builder_change(b, i, NULL, NULL) ==
		    PTRUST_CHANGE_ADDED)
			fuzz_fail("a second add added anchor %zu again", i);
	dir = fuzz_mkdtemp();
	round_trip(b, dir, "add, save, load");
	fuzz_rmtree_free(dir);
	ptrust_builder_free(b);
}

static int
name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64 || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

/* Write the "=== NAME" files into dir. */
static void
write_dir(const char *dir, const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *next, *nl;
	char path[4096], name[65];
	int files = 0;

	while (p < end && files < 16) {
		if (end - p < 4 || memcmp(p, "=== ", 4) != 0) {
			/* skip to the next header */
			next = memmem(p, (size_t)(end - p), "\n=== ", 5);
			p = next != NULL ? next + 1 : end;
			continue;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		if (!name_ok(p + 4, (size_t)(nl - p - 4))) {
			p = nl + 1;
			continue;
		}
		memcpy(name, p + 4, (size_t)(nl - p - 4));
		name[nl - p - 4] = '\0';
		p = nl + 1;
		next = memmem(p, (size_t)(end - p), "\n=== ", 5);
		next = next != NULL ? next + 1 : end;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (fuzz_write_file(path, p, (size_t)(next - p)) == 0)
			files++;
		p = next;
	}
}

static void
mode_dir(const uint8_t *data, size_t size)
{
	ptrust_builder *b = ptrust_builder_new("fuzz-trust");
	const ptrust_anchor *first;
	char *dir = fuzz_mkdtemp(), *dir2, sha[65];
	ptrust_status st;

	if (b == NULL)
		goto done;
	/* one anchor beforehand, to see that a failed load keeps it */
	first = ptrust_store_anchor(fuzz.store, 0);
	{
		size_t len;
		const unsigned char *der = ptrust_anchor_der(first, &len);

		if (ptrust_builder_add_mem(b, der, len, "before",
		    PTRUST_ROLE_OTHER) != PTRUST_OK)
			fuzz_fail("cannot add an anchor of the lab store");
	}
	memcpy(sha, ptrust_anchor_sha256(first), sizeof(sha));
	write_dir(dir, data, size);
	st = ptrust_builder_load_dir(b, dir);
	if (st != PTRUST_OK) {
		const ptrust_anchor *a = ptrust_builder_anchor(b, 0);

		if (ptrust_builder_anchor_count(b) != 1 || a == NULL ||
		    strcmp(ptrust_anchor_sha256(a), sha) != 0 ||
		    strcmp(ptrust_anchor_alias(a), "before") != 0 ||
		    ptrust_anchor_role(a) != PTRUST_ROLE_OTHER)
			fuzz_fail("a failed load_dir (%s) changed the builder",
			    ptrust_builder_error(b));
		goto done;
	}
	dir2 = fuzz_mkdtemp();
	round_trip(b, dir2, "load, save elsewhere, load");
	fuzz_rmtree_free(dir2);
	/* saving over the loaded directory replaces what was there */
	round_trip(b, dir, "load, save in place, load");
done:
	fuzz_rmtree_free(dir);
	ptrust_builder_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	if (data[0] & 1)
		mode_dir(data + 1, size - 1);
	else
		mode_add(data + 1, size - 1, (ptrust_role)((data[0] >> 1) % 5));
	return 0;
}
