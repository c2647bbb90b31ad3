/* serve-token.c -- learners' bearer tokens and their SHA-256, with OpenSSL's libcrypto. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "serve-token.h"

static void token_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

int token_new(char out[TOKEN_HEX + 1])
{
    unsigned char bytes[TOKEN_HEX / 2];
    out[0] = '\0';
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return -1;
    token_hex(bytes, sizeof bytes, out);
    return 0;
}

int token_hash(const char *text, char out[TOKEN_HEX + 1])
{
    out[0] = '\0';
    if (strlen(text) != TOKEN_HEX || strspn(text, "0123456789abcdef") != TOKEN_HEX)
        return -1;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(text, TOKEN_HEX, md, &n, EVP_sha256(), NULL) != 1 || n != TOKEN_HEX / 2)
        return -1;
    token_hex(md, n, out);
    return 0;
}
