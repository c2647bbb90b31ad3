/* ops.h -- lab 02's driver code, shared by driver.c (built with your vial/ into the
 * program the checker talks to) and checker.c (which runs it on the reference vial): the
 * response operations of wire_vial.h, plus "cstring", which reads the body as a C string
 * (step 5 keeps a NUL after it, so strlen stops there at the latest). */
#ifndef LAB02_OPS_H
#define LAB02_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"
#include "wire_vial.h"

/* "cstring": the body's length as strlen reads it. */
static void lab02_cstring(struct wire_buf *out, const vial_response *res)
{
    char line[64];
    if (res->body == NULL)
        snprintf(line, sizeof line, "strlen(body) (no body)\n");
    else
        snprintf(line, sizeof line, "strlen(body) %zu\n", strlen(res->body));
    wire_buf_str(out, line);
}

/* Runs every operation frame of ops[0..len) and returns the text (caller frees). */
static char *lab02_exec(const char *ops, size_t len, size_t *out_len)
{
    struct wire_buf out = {0};
    vial_request req;
    vial_response res;
    char name[WIRE_MAX_NAME];
    const char *p = ops, *d;
    size_t n;
    vial_request_init(&req);
    vial_response_init(&res);
    wire_buf_add(&out, "", 0);
    while (wire_next(&p, ops + len, name, sizeof name, &d, &n) == 1) {
        char *copy = malloc(n + 1);
        if (copy == NULL)
            break;
        memcpy(copy, d, n);
        copy[n] = '\0';
        if (strcmp(name, "cstring") == 0)
            lab02_cstring(&out, &res);
        else
            wire_vial_op(&out, name, copy, n, &req, &res);
        free(copy);
    }
    vial_request_free(&req);
    vial_response_free(&res);
    *out_len = out.len;
    return out.data;
}

#endif
