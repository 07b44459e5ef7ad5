/*
 * The name of a key's algorithm as administrators read it ("RSA", "EC",
 * "Ed25519"): one table for the library's anchors and the tool's inspect
 * (libptcommon).
 */
#ifndef PTRUST_KEY_TYPE_H
#define PTRUST_KEY_TYPE_H

#include <openssl/evp.h>

/* "unknown" for a NULL key or another algorithm. */
const char *pt_key_type_name(const EVP_PKEY *key);

#endif
