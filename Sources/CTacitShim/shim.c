#include "CTacitShim.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <malloc.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/prctl.h>

/* Algorithms are fetched from the default provider once: OpenSSL 3's implicit fetch on every
 * one-shot call (HMAC(), EVP_sha256(), EVP_KDF_fetch) costs more than the work on small inputs.
 * Fetched algorithms are immutable and safe to share between threads. */
static EVP_KDF *fetched_hkdf, *fetched_scrypt;
static EVP_MAC *fetched_hmac;
static EVP_MD *fetched_sha256;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_algorithms(void) {
    fetched_hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    fetched_scrypt = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    fetched_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    fetched_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static int derive(EVP_KDF *kdf, OSSL_PARAM *params, uint8_t *out, size_t out_len) {
    if (kdf == NULL) return 0;
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    if (ctx == NULL) return 0;
    int ok = EVP_KDF_derive(ctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(ctx);
    return ok;
}

int ctacit_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t data_len, uint8_t out[32]) {
    static const uint8_t empty = 0;
    pthread_once(&fetch_once, fetch_algorithms);
    if (fetched_hmac == NULL) return 0;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(fetched_hmac);
    if (ctx == NULL) return 0;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t written = 0;
    int ok = EVP_MAC_init(ctx, key_len ? key : &empty, key_len, params) == 1
        && EVP_MAC_update(ctx, data_len ? data : &empty, data_len) == 1
        && EVP_MAC_final(ctx, out, &written, 32) == 1 && written == 32;
    EVP_MAC_CTX_free(ctx);
    return ok;
}

int ctacit_sha256(const uint8_t *data, size_t data_len, uint8_t out[32]) {
    static const uint8_t empty = 0;
    pthread_once(&fetch_once, fetch_algorithms);
    if (fetched_sha256 == NULL) return 0;
    unsigned int written = 0;
    return EVP_Digest(data_len ? data : &empty, data_len, out, &written, fetched_sha256, NULL) == 1 && written == 32;
}

int ctacit_scrypt(const uint8_t *password, size_t password_len,
                  const uint8_t *salt, size_t salt_len,
                  uint64_t n, uint32_t r, uint32_t p, uint64_t maxmem_bytes,
                  uint8_t *out, size_t out_len) {
    static const uint8_t empty = 0;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                          (void *)(password_len ? password : &empty), password_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                          (void *)(salt_len ? salt : &empty), salt_len),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem_bytes),
        OSSL_PARAM_construct_end(),
    };
    pthread_once(&fetch_once, fetch_algorithms);
    return derive(fetched_scrypt, params, out, out_len);
}

int ctacit_hkdf_sha256(const uint8_t *key, size_t key_len,
                       const uint8_t *salt, size_t salt_len,
                       const uint8_t *info, size_t info_len,
                       uint8_t *out, size_t out_len) {
    static const uint8_t empty = 0;
    char digest[] = "SHA256";
    OSSL_PARAM params[5];
    size_t i = 0;
    params[i++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
    params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                                    (void *)(key_len ? key : &empty), key_len);
    /* An absent salt means HashLen zero bytes (RFC 5869 §2.2); OpenSSL does the same when none is given. */
    if (salt_len > 0)
        params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    if (info_len > 0)
        params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
    params[i] = OSSL_PARAM_construct_end();
    pthread_once(&fetch_once, fetch_algorithms);
    return derive(fetched_hkdf, params, out, out_len);
}

int ctacit_disable_dumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
}

int ctacit_is_dumpable(void) {
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
}

int ctacit_limit_malloc_arenas(int arenas) {
    return mallopt(M_ARENA_MAX, arenas);
}

int ctacit_sqlite_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
