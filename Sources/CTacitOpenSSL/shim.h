#ifndef CTACIT_OPENSSL_SHIM_H
#define CTACIT_OPENSSL_SHIM_H

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

/* Function-like macros do not import into Swift; these wrappers stand in for them. */
static inline void ctacit_openssl_free(void *pointer) { OPENSSL_free(pointer); }

static inline unsigned long ctacit_openssl_version_number(void) { return OpenSSL_version_num(); }

#endif
