/* Key algorithm names (key_type.h). */
#include "config.h"

#include "key_type.h"

const char *
pt_key_type_name(const EVP_PKEY *key)
{
	if (key == NULL)
		return "unknown";
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:	return "RSA";
	case EVP_PKEY_RSA_PSS:	return "RSA-PSS";
	case EVP_PKEY_EC:	return "EC";
	case EVP_PKEY_DSA:	return "DSA";
	case EVP_PKEY_ED25519:	return "Ed25519";
	case EVP_PKEY_ED448:	return "Ed448";
	default:		return "unknown";
	}
}
