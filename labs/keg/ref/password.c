/* password.c -- Django's PBKDF2 password hasher: "pbkdf2_sha256$<iterations>$<salt>$<hash>"
 * made and checked with libcrypto, so hashes move between keg and Django either way
 * [lab 22]. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "internal.h"

#define PASSWORD_ALGORITHM "pbkdf2_sha256"
#define PASSWORD_SALT_LEN 22            /* Django: 128 bits of [a-zA-Z0-9] */
#define PASSWORD_HASH_LEN 32            /* SHA-256's output */
#define PASSWORD_B64_LEN 44             /* base64 of 32 bytes, padding included */

/* SOLUTION(22) BEGIN */
/* The parts of an encoded hash; the salt points into the text it was read from. */
struct keg_password_parts {
    unsigned long iterations;
    const char *salt;
    size_t salt_len;
    const char *hash;
};

/* Splits encoded; 0 when it is well formed (see keg.h), else -1. */
static int keg_password_parse(const char *encoded, struct keg_password_parts *p)
{
    static const char prefix[] = PASSWORD_ALGORITHM "$";
    if (encoded == NULL || strncmp(encoded, prefix, sizeof prefix - 1) != 0)
        return -1;
    const char *it = encoded + sizeof prefix - 1;
    size_t digits = strspn(it, "0123456789");
    if (digits == 0 || digits > 10 || it[digits] != '$' || it[0] == '0')
        return -1;
    p->iterations = strtoul(it, NULL, 10);
    if (p->iterations > INT_MAX)
        return -1;
    p->salt = it + digits + 1;
    p->salt_len = strcspn(p->salt, "$");
    if (p->salt_len == 0 || p->salt[p->salt_len] != '$')
        return -1;
    p->hash = p->salt + p->salt_len + 1;
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    if (strlen(p->hash) != PASSWORD_B64_LEN || strspn(p->hash, b64) != PASSWORD_B64_LEN)
        return -1;      /* a hash of another length is not one keg (or Django) made */
    return 0;
}

/* The encoded text of password under salt and iterations. Caller frees; NULL on failure. */
static char *keg_password_encode(const char *password, const char *salt, size_t salt_len,
                                 unsigned long iterations)
{
    unsigned char dk[PASSWORD_HASH_LEN];
    unsigned char b64[PASSWORD_B64_LEN + 1];
    if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), (const unsigned char *)salt,
                          (int)salt_len, (int)iterations, EVP_sha256(), sizeof dk, dk) != 1)
        return NULL;
    EVP_EncodeBlock(b64, dk, sizeof dk);
    size_t cap = sizeof PASSWORD_ALGORITHM + 12 + salt_len + PASSWORD_B64_LEN + 2;
    char *out = malloc(cap);
    if (out != NULL)
        snprintf(out, cap, PASSWORD_ALGORITHM "$%lu$%.*s$%s", iterations, (int)salt_len,
                 salt, (const char *)b64);
    return out;
}
/* SOLUTION(22) END */

char *keg_password_make(const char *password, unsigned iterations)
{
/* SOLUTION(22) BEGIN */
    static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char salt[PASSWORD_SALT_LEN + 1];
    size_t n = 0;
    if (password == NULL)
        return NULL;
    if (iterations == 0)
        iterations = KEG_PASSWORD_ITERATIONS;
    if (iterations > INT_MAX)
        return NULL;
    while (n < PASSWORD_SALT_LEN) {
        unsigned char b[32];
        if (RAND_bytes(b, sizeof b) != 1)
            return NULL;
        for (size_t i = 0; i < sizeof b && n < PASSWORD_SALT_LEN; i++)
            if (b[i] < 248)             /* 248 = 4 * 62: every character as likely */
                salt[n++] = set[b[i] % 62];
    }
    salt[n] = '\0';
    return keg_password_encode(password, salt, n, iterations);
/* SOLUTION(22) STUB
    (void)password;
    (void)iterations;
    return NULL;
   SOLUTION(22) END */
}

int keg_password_check(const char *password, const char *encoded)
{
/* SOLUTION(22) BEGIN */
    struct keg_password_parts p;
    if (password == NULL || keg_password_parse(encoded, &p) != 0)
        return 0;
    char *again = keg_password_encode(password, p.salt, p.salt_len, p.iterations);
    if (again == NULL)
        return 0;
    size_t len = strlen(again);
    int same = strlen(encoded) == len && CRYPTO_memcmp(again, encoded, len) == 0;
    free(again);
    return same;
/* SOLUTION(22) STUB
    (void)password;
    (void)encoded;
    return 0;
   SOLUTION(22) END */
}

int keg_password_must_update(const char *encoded, unsigned iterations)
{
/* SOLUTION(22) BEGIN */
    struct keg_password_parts p;
    if (iterations == 0)
        iterations = KEG_PASSWORD_ITERATIONS;
    return keg_password_parse(encoded, &p) != 0 || p.iterations != iterations;
/* SOLUTION(22) STUB
    (void)encoded;
    (void)iterations;
    return 0;
   SOLUTION(22) END */
}
