#ifndef ESCO_CCRYPTO_SHIM_H
#define ESCO_CCRYPTO_SHIM_H
#include <openssl/evp.h>

// A tiny streaming SHA-256 over OpenSSL's EVP interface (the low-level SHA256_* calls are deprecated in 3.x).
static inline EVP_MD_CTX *esco_sha256_new(void) {
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) { EVP_MD_CTX_free(c); return NULL; }
    return c;
}
static inline int esco_sha256_update(EVP_MD_CTX *c, const void *p, size_t n) { return EVP_DigestUpdate(c, p, n); }
static inline int esco_sha256_final(EVP_MD_CTX *c, unsigned char out[32]) {
    unsigned int len = 0; int ok = EVP_DigestFinal_ex(c, out, &len); EVP_MD_CTX_free(c); return ok && len == 32;
}
static inline void esco_sha256_free(EVP_MD_CTX *c) { EVP_MD_CTX_free(c); }
#endif
