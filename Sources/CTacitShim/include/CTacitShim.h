#ifndef CTACIT_SHIM_H
#define CTACIT_SHIM_H

#include <stddef.h>
#include <stdint.h>

/* OSSL_PARAM arrays keep raw pointers to their keys and values, so they are built here in C,
 * where every pointer outlives the call, and Swift passes only plain pointers and lengths.
 * Each returns 1 on success and 0 on failure (the OpenSSL error queue says why). */

/* scrypt through EVP_KDF "SCRYPT"; maxmem_bytes is passed so r=8, N>=2^15 works. */
int ctacit_scrypt(const uint8_t *password, size_t password_len,
                  const uint8_t *salt, size_t salt_len,
                  uint64_t n, uint32_t r, uint32_t p, uint64_t maxmem_bytes,
                  uint8_t *out, size_t out_len);

/* HKDF-SHA256 (extract then expand) through EVP_KDF "HKDF". */
int ctacit_hkdf_sha256(const uint8_t *key, size_t key_len,
                       const uint8_t *salt, size_t salt_len,
                       const uint8_t *info, size_t info_len,
                       uint8_t *out, size_t out_len);

/* HMAC-SHA256 and SHA-256 with algorithms fetched once (see shim.c). */
int ctacit_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t data_len, uint8_t out[32]);
int ctacit_sha256(const uint8_t *data, size_t data_len, uint8_t out[32]);

/* prctl is variadic, which Swift cannot call: turn off core dumps and ptrace attach by others. */
int ctacit_disable_dumpable(void);

/* PR_GET_DUMPABLE: 1 when the process may dump core and be attached to, 0 when not. */
int ctacit_is_dumpable(void);

/* mallopt(M_ARENA_MAX, arenas) (malloc.h is not in Swift's Glibc module): 1 when glibc accepted it. */
int ctacit_limit_malloc_arenas(int arenas);

/* sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) (variadic): SQLite then takes no process-wide mutex
 * around each of its allocations. Only before SQLite is initialized; returns SQLite's result code. */
int ctacit_sqlite_disable_memstatus(void);

#endif
