/* serve-token.h -- learners' bearer tokens: drawn from OpenSSL's RAND_bytes, shown to the
 * learner once, kept by the server only as their SHA-256 (docs/server.md). Prefix:
 * token_. */
#ifndef STACKLAB_SERVE_TOKEN_H
#define STACKLAB_SERVE_TOKEN_H

/* Characters of a token and of its hash, both lowercase hex; buffers hold one more. */
#define TOKEN_HEX 64

/* Writes a fresh token (32 random bytes as hex) into out. Returns 0, or -1 when no
 * random bytes could be had (out is then ""). */
int token_new(char out[TOKEN_HEX + 1]);

/* Writes the SHA-256 of the token's text into out as hex. Returns 0, or -1 when text is
 * not a token (TOKEN_HEX lowercase hex characters): such text is never looked up. */
int token_hash(const char *text, char out[TOKEN_HEX + 1]);

#endif
