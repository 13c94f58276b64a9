#ifndef CTACIT_SHIM_H
#define CTACIT_SHIM_H

#include <spawn.h>
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

/* glibc's posix_spawn file actions that its headers declare only under _GNU_SOURCE, which Swift's
 * Glibc module does not define: close every descriptor from `from` up (2.34), and change directory
 * (2.29) in the child. Each returns 0 or an errno value, as posix_spawn_file_actions_* do. */
int ctacit_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);
int ctacit_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* POSIX_SPAWN_SETSID (glibc 2.26, also _GNU_SOURCE only): the child leads a new session. */
short ctacit_spawn_setsid_flag(void);

/* pipe2(fds, O_CLOEXEC) (_GNU_SOURCE): both ends close on exec. 0 or -1 with errno set. */
int ctacit_pipe_cloexec(int fds[2]);

#endif
