#include "CTacitShim.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <sys/prctl.h>

static int derive(const char *algorithm, OSSL_PARAM *params, uint8_t *out, size_t out_len) {
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, algorithm, NULL);
    if (kdf == NULL) return 0;
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (ctx == NULL) return 0;
    int ok = EVP_KDF_derive(ctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(ctx);
    return ok;
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
    return derive("SCRYPT", params, out, out_len);
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
    return derive("HKDF", params, out, out_len);
}

int ctacit_disable_dumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
}

int ctacit_is_dumpable(void) {
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
}
