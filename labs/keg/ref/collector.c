/* collector.c -- deleting rows that others point at [lab 16], as Django's Collector:
 * find every row a delete reaches through foreign keys (CASCADE follows, SET_NULL
 * clears, PROTECT refuses) and the join rows of many-to-many fields, then run it all in
 * one transaction, so a refused or failed delete changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KEG_IN_BATCH 500        /* ids bound in one "IN (...)" */

/* ---- the models a relation may come from [given] ----------------------------------- */

/* The i-th model that may point at m: the registered ones, then m itself when it is not
 * registered (a model may point at itself). NULL past the last. */
static const keg_model *keg_from_model(const keg_model *m, size_t i)
{
    size_t n = 0;
    const keg_model *const *all = keg_registered(&n);
    if (i < n)
        return all[i];
    for (size_t j = 0; j < n; j++)
        if (all[j] == m)
            return NULL;
    return i == n ? m : NULL;
}

int keg_delete_follows(const keg_model *m)
{
/* SOLUTION(16) BEGIN */
    const keg_model *c;
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i].kind == KEG_M2M)
            return 1;
    for (size_t i = 0; (c = keg_from_model(m, i)) != NULL; i++)
        for (size_t j = 0; j < c->nfields; j++)
            if ((c->fields[j].kind == KEG_FK || c->fields[j].kind == KEG_M2M)
                && c->fields[j].to == m)
                return 1;
    return 0;
/* SOLUTION(16) STUB
    (void)m;
    (void)keg_from_model;
    return 0;
   SOLUTION(16) END */
}

/* SOLUTION(16) BEGIN */
/* ---- running a statement over a list of ids ------------------------------------------ */

/* Runs `head` (id) `tail`... for the ids in batches: head "(?, ?, ...)" tail. With found
 * NULL, statements that change rows (their count added to *changed when not NULL); else
 * SELECTs whose first column is appended to *found (*nfound, *capfound). 0 or a status. */
static int keg_in_run(keg_db *db, const char *head, const char *tail, const long long *ids,
                      size_t n, long *changed, long long **found, size_t *nfound,
                      size_t *capfound)
{
    keg_value v[KEG_IN_BATCH];
    int status = KEG_OK;
    for (size_t at = 0; status == KEG_OK && at < n; at += KEG_IN_BATCH) {
        size_t k = n - at < KEG_IN_BATCH ? n - at : KEG_IN_BATCH;
        struct keg_sql q = { 0 };
        keg_sql_add(&q, head);
        for (size_t i = 0; i < k; i++) {
            keg_sql_add(&q, i ? ", ?" : "(?");
            v[i] = keg_int(ids[at + i]);
        }
        keg_sql_add(&q, ")");
        keg_sql_add(&q, tail);
        char *sql = keg_sql_steal(&q);
        keg_rows *r = NULL;
        if (sql == NULL)
            status = keg_db_failf(db, KEG_ENOMEM, "out of memory");
        else if (found == NULL) {
            int rows = keg_db_exec(db, sql, v, k);
            status = rows < 0 ? rows : KEG_OK;
            if (rows > 0 && changed != NULL)
                *changed += rows;
        } else
            status = keg_db_query(db, sql, v, k, &r);
        while (status == KEG_OK && r != NULL && (status = keg_rows_next(r)) == 1) {
            status = KEG_OK;
            if (*nfound == *capfound) {
                size_t cap = *capfound ? *capfound * 2 : 16;
                long long *p = realloc(*found, cap * sizeof *p);
                if (p == NULL) {
                    status = keg_db_failf(db, KEG_ENOMEM, "out of memory");
                    break;
                }
                *found = p;
                *capfound = cap;
            }
            (*found)[(*nfound)++] = keg_rows_int(r, 0);
        }
        keg_rows_close(r);
        free(sql);
    }
    return status;
}

/* ---- collecting ---------------------------------------------------------------------- */

/* The rows of one model to delete. Invariant: ids sorted, no repeats. */
struct keg_doomed {
    const keg_model *m;
    long long *ids;
    size_t n, cap;
};

struct keg_collector {
    keg_db *db;
    struct keg_doomed *del;     /* del[0] is the model the delete started from */
    size_t ndel, capdel;
};

static int keg_id_cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Adds ids to m's rows to delete; the ones not there before go to *fresh (caller frees).
 * 0 or KEG_ENOMEM. */
static int keg_collect_add(struct keg_collector *c, const keg_model *m, const long long *ids,
                           size_t n, long long **fresh, size_t *nfresh)
{
    struct keg_doomed *d = NULL;
    for (size_t i = 0; i < c->ndel && d == NULL; i++)
        if (c->del[i].m == m)
            d = &c->del[i];
    if (d == NULL) {
        if (c->ndel == c->capdel) {
            size_t cap = c->capdel ? c->capdel * 2 : 4;
            struct keg_doomed *p = realloc(c->del, cap * sizeof *p);
            if (p == NULL)
                return KEG_ENOMEM;
            c->del = p;
            c->capdel = cap;
        }
        d = &c->del[c->ndel++];
        *d = (struct keg_doomed){ .m = m };
    }
    *nfresh = 0;
    *fresh = malloc((n ? n : 1) * sizeof **fresh);
    long long *grown = d->n + n > d->cap ? realloc(d->ids, (d->n + n) * sizeof *grown) : d->ids;
    if (*fresh == NULL || grown == NULL) {
        free(*fresh);
        *fresh = NULL;
        return KEG_ENOMEM;
    }
    d->ids = grown;
    d->cap = d->n + n > d->cap ? d->n + n : d->cap;
    memcpy(*fresh, ids, n * sizeof *ids);
    qsort(*fresh, n, sizeof **fresh, keg_id_cmp);
    for (size_t i = 0; i < n; i++)      /* keep the ones new to d, once each */
        if ((i == 0 || (*fresh)[i] != (*fresh)[i - 1])
            && bsearch(&(*fresh)[i], d->ids, d->n, sizeof *d->ids, keg_id_cmp) == NULL)
            (*fresh)[(*nfresh)++] = (*fresh)[i];
    memcpy(d->ids + d->n, *fresh, *nfresh * sizeof **fresh);
    d->n += *nfresh;
    qsort(d->ids, d->n, sizeof *d->ids, keg_id_cmp);
    return KEG_OK;
}

/* Collects the rows ids[0..n) of m and, following on_delete, the rows that point at them
 * (Django's Collector.collect). A PROTECT found here or deeper is KEG_EPROTECTED with
 * the message naming m and its foreign keys that lead to protected rows. */
static int keg_collect(struct keg_collector *c, const keg_model *m, const long long *ids,
                       size_t n)
{
    long long *fresh = NULL;
    size_t nfresh = 0;
    if (keg_collect_add(c, m, ids, n, &fresh, &nfresh) < 0)
        return keg_db_failf(c->db, KEG_ENOMEM, "out of memory");
    struct keg_sql keys = { 0 };
    const keg_model *from;
    char head[3 * KEG_IDENT_MAX + 64], col[KEG_IDENT_MAX + 4];
    int status = KEG_OK;
    for (size_t i = 0; nfresh > 0 && status == KEG_OK && (from = keg_from_model(m, i)); i++)
        for (size_t j = 0; status == KEG_OK && j < from->nfields; j++) {
            const keg_field *g = &from->fields[j];
            if (g->kind != KEG_FK || g->to != m || g->on_delete == KEG_SET_NULL
                || keg_field_column(g, col, sizeof col) < 0 || !keg_ident_ok(from->table))
                continue;   /* SET_NULL is done while deleting: nothing to find */
            long long *sub = NULL;
            size_t nsub = 0, capsub = 0;
            snprintf(head, sizeof head, "SELECT \"%s\".\"id\" FROM \"%s\" WHERE \"%s\".\"%s\" IN ",
                     from->table, from->table, from->table, col);
            status = keg_in_run(c->db, head, g->on_delete == KEG_PROTECT ? " LIMIT 1" : "",
                                fresh, nfresh, NULL, &sub, &nsub, &capsub);
            if (status == KEG_OK && nsub > 0 && g->on_delete == KEG_CASCADE)
                status = keg_collect(c, from, sub, nsub);
            if ((status == KEG_OK && nsub > 0 && g->on_delete == KEG_PROTECT)
                || status == KEG_EPROTECTED) {
                keg_sql_printf(&keys, "%s'%s.%s'", keys.len ? ", " : "", from->name, g->name);
                status = KEG_OK;
            }
            free(sub);
        }
    free(fresh);
    if (status == KEG_OK && keys.len > 0)
        status = keg_db_failf(c->db, KEG_EPROTECTED, "Cannot delete some instances of model "
                              "'%s' because they are referenced through protected foreign "
                              "keys: %s.", m->name, keys.buf);
    keg_sql_free(&keys);
    return status;
}

/* ---- deleting ------------------------------------------------------------------------ */

/* For the rows d of one model: SET_NULL on every foreign key pointing at them, the join
 * rows of many-to-many fields from or to their model, then the rows. *deleted gets the
 * rows of d->m deleted. */
static int keg_delete_doomed(keg_db *db, const struct keg_doomed *d, long *deleted)
{
    char head[4 * KEG_IDENT_MAX + 64], col[KEG_IDENT_MAX + 4];
    char t[KEG_IDENT_MAX + 4], near[KEG_IDENT_MAX + 4], far[KEG_IDENT_MAX + 4];
    const keg_model *from;
    int status = KEG_OK;
    for (size_t i = 0; status == KEG_OK && (from = keg_from_model(d->m, i)) != NULL; i++)
        for (size_t j = 0; status == KEG_OK && j < from->nfields; j++) {
            const keg_field *g = &from->fields[j];
            if (g->kind == KEG_FK && g->to == d->m && g->on_delete == KEG_SET_NULL
                && keg_field_column(g, col, sizeof col) == 0 && keg_ident_ok(from->table)) {
                snprintf(head, sizeof head, "UPDATE \"%s\" SET \"%s\" = NULL WHERE \"%s\" IN ",
                         from->table, col, col);
                status = keg_in_run(db, head, "", d->ids, d->n, NULL, NULL, NULL, NULL);
            }
            if (g->kind == KEG_M2M && g->to == d->m && keg_m2m_names(from, g, t, near, far) == 0) {
                snprintf(head, sizeof head, "DELETE FROM \"%s\" WHERE \"%s\" IN ", t, far);
                status = keg_in_run(db, head, "", d->ids, d->n, NULL, NULL, NULL, NULL);
            }
        }
    for (size_t j = 0; status == KEG_OK && j < d->m->nfields; j++) {
        const keg_field *g = &d->m->fields[j];
        if (g->kind == KEG_M2M && keg_m2m_names(d->m, g, t, near, far) == 0) {
            snprintf(head, sizeof head, "DELETE FROM \"%s\" WHERE \"%s\" IN ", t, near);
            status = keg_in_run(db, head, "", d->ids, d->n, NULL, NULL, NULL, NULL);
        }
    }
    snprintf(head, sizeof head, "DELETE FROM \"%s\" WHERE \"%s\".\"id\" IN ", d->m->table,
             d->m->table);
    if (status == KEG_OK)
        status = keg_in_run(db, head, "", d->ids, d->n, deleted, NULL, NULL, NULL);
    return status;
}

/* Runs one transaction-control statement (never counted). */
static int keg_delete_txn(keg_db *db, const char *sql)
{
    int rc = keg_db_exec(db, sql, NULL, 0);
    return rc < 0 ? rc : KEG_OK;
}

/* Ends the transaction or savepoint of a delete: keeps the work when status is OK (a
 * failed COMMIT, say a deferred foreign key, undoes it), undoes it otherwise. Returns
 * status, or the failure of keeping. The message of a failure is kept on db. */
static int keg_delete_end(keg_db *db, int outer, int status)
{
    if (status == KEG_OK)
        status = keg_delete_txn(db, outer ? "COMMIT" : "RELEASE keg_delete");
    if (status == KEG_OK)
        return KEG_OK;
    char *why = strdup(keg_db_error(db));
    if (outer)
        sqlite3_exec(db->sq, "ROLLBACK", NULL, NULL, NULL);
    else {
        sqlite3_exec(db->sq, "ROLLBACK TO keg_delete", NULL, NULL, NULL);
        sqlite3_exec(db->sq, "RELEASE keg_delete", NULL, NULL, NULL);
    }
    keg_db_failf(db, status, "%s", why != NULL ? why : "out of memory");
    free(why);
    return status;
}
/* SOLUTION(16) END */

int keg_delete_ids(keg_db *db, const keg_model *m, const long long *ids, size_t n)
{
/* SOLUTION(16) BEGIN */
    /* Django's delete runs in atomic(): a transaction of its own, or a savepoint here so
     * that a refusal inside the caller's transaction changes nothing either */
    int outer = sqlite3_get_autocommit(db->sq) != 0;
    int status = keg_delete_txn(db, outer ? "BEGIN IMMEDIATE" : "SAVEPOINT keg_delete");
    if (status < 0)
        return status;
    struct keg_collector c = { .db = db };
    long root = 0;
    status = keg_collect(&c, m, ids, n);
    for (size_t i = 0; status == KEG_OK && i < c.ndel; i++) {
        long deleted = 0;
        status = keg_delete_doomed(db, &c.del[i], &deleted);
        if (i == 0)
            root = deleted;
    }
    if (status == KEG_OK && root == 0)
        status = KEG_ENOTFOUND;     /* nothing of m was there: undo, say 0 */
    for (size_t i = 0; i < c.ndel; i++)
        free(c.del[i].ids);
    free(c.del);
    status = keg_delete_end(db, outer, status);
    if (status == KEG_ENOTFOUND)
        return 0;
    return status < 0 ? status : (int)root;
/* SOLUTION(16) STUB
    (void)m;
    (void)ids;
    (void)n;
    return keg_db_failf(db, KEG_ERROR, "keg_delete_ids is not written yet");
   SOLUTION(16) END */
}
