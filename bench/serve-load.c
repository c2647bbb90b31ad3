/* serve-load.c -- bench/serve.sh's simulated class: N submissions of one archive posted to
 * a class server at once by L learners (submission i by learner i mod L), each polled
 * until done as `stacklab submit` polls (0.2 s, then 1.5 times longer, 2 s at most) or at
 * a fixed interval, all over one libcurl multi handle in one thread.
 *   serve-load URL LAB TOKENS ARCHIVE N POLL_MS LATENCIES
 * TOKENS holds one learner token a line; POLL_MS 0 polls as submit does. Each line of
 * LATENCIES (written) is `ID SECONDS VERDICT`, SECONDS from the post's start to the poll
 * that saw it done. stdout gets one line of key=value figures (epoch: when the posts
 * started, in seconds since the epoch); exit 0 when every
 * submission was accepted and done, 1 otherwise (the causes on stderr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#define LOAD_BODY_MAX (16L << 20)  /* bytes of an answer kept, as the learner's client */
#define LOAD_GIVE_UP 3600.0         /* seconds before the run is abandoned */
#define LOAD_POLL_FIRST 0.2         /* submit's polls: 0.2 s, x1.5 each, 2 s at most */
#define LOAD_POLL_MAX 2.0
#define LOAD_TOKENS_MAX 10000

enum load_state { LOAD_POSTING, LOAD_WAITING, LOAD_POLLING, LOAD_DONE, LOAD_FAILED };

/* One submission. Its handle is in the multi handle while POSTING or POLLING, and hdr
 * (owned) lives as long as that transfer; id is 0 until the post is answered. */
struct load_sub {
    CURL *h;
    struct curl_slist *hdr;
    enum load_state state;
    char auth[256];
    char *body;                     /* the answer so far (owned) */
    size_t len;
    long id;
    double start, post_time, next, delay, latency;
    char verdict[32];
};

struct load {
    const char *url, *lab;
    char *archive;
    long archive_len;
    double poll_fixed;              /* seconds between polls; 0: submit's backoff */
    double epoch;                   /* the time since the epoch the posts started at */
    struct load_sub *subs;
    int n, left, failed;
    long polls;
    CURLM *m;
};

static double load_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The whole of a file, NUL-terminated, its length in *len; NULL when it cannot be read.
 * Caller frees. */
static char *load_slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (*len = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)*len + 1)) != NULL) {
        if (fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
            free(buf);
            buf = NULL;
        } else {
            buf[*len] = '\0';
        }
    }
    if (f != NULL)
        fclose(f);
    return buf;
}

/* libcurl's write callback: appends to the submission's answer, refusing one over
 * LOAD_BODY_MAX (the transfer then fails). */
static size_t load_write(char *data, size_t size, size_t nmemb, void *arg)
{
    struct load_sub *s = arg;
    size_t n = size * nmemb;
    if (s->len + n > (size_t)LOAD_BODY_MAX)
        return 0;
    char *grown = realloc(s->body, s->len + n + 1);
    if (grown == NULL)
        return 0;
    memcpy(grown + s->len, data, n);
    s->body = grown;
    s->len += n;
    s->body[s->len] = '\0';
    return n;
}

/* Starts s's next request on the multi handle: the post while s has no id, else a
 * poll. Returns 0, or -1 when libcurl refused (s unchanged but its answer). */
static int load_send(struct load *l, struct load_sub *s)
{
    char url[512];
    free(s->body);
    s->body = NULL;
    s->len = 0;
    curl_easy_reset(s->h);
    curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, load_write);
    curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
    curl_easy_setopt(s->h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(s->h, CURLOPT_TIMEOUT, 60L);
    s->hdr = curl_slist_append(NULL, s->auth);
    if (s->id == 0) {
        snprintf(url, sizeof url, "%s/api/v1/submissions?lab=%s", l->url, l->lab);
        s->hdr = curl_slist_append(s->hdr, "Content-Type: application/gzip");
        curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, l->archive);
        curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, l->archive_len);
        s->state = LOAD_POSTING;
    } else {
        snprintf(url, sizeof url, "%s/api/v1/submissions/%ld", l->url, s->id);
        s->state = LOAD_POLLING;
        l->polls++;
    }
    curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, s->hdr);
    curl_easy_setopt(s->h, CURLOPT_URL, url);
    return curl_multi_add_handle(l->m, s->h) == CURLM_OK ? 0 : -1;
}

/* Marks s failed, saying why on stderr. */
static void load_fail(struct load *l, struct load_sub *s, const char *what, long status)
{
    fprintf(stderr, "serve-load: submission %ld (%s): HTTP %ld: %.200s\n", s->id, what,
            status, s->body != NULL ? s->body : "(no answer)");
    s->state = LOAD_FAILED;
    l->left--;
    l->failed++;
}

/* The answer to a post: an id and the first poll's time, or a failure. */
static void load_posted(struct load *l, struct load_sub *s, long status, double now)
{
    cJSON *o = status == 202 ? cJSON_Parse(s->body) : NULL;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    if (cJSON_IsNumber(id) && id->valuedouble >= 1) {
        s->id = (long)id->valuedouble;
        s->post_time = now - s->start;
        s->delay = l->poll_fixed > 0 ? l->poll_fixed : LOAD_POLL_FIRST;
        s->next = now + s->delay;
        s->state = LOAD_WAITING;
    } else {
        load_fail(l, s, "post", status);
    }
    cJSON_Delete(o);
}

/* The answer to a poll: done (its latency and verdict kept), or the next poll's time. */
static void load_polled(struct load *l, struct load_sub *s, long status, double now)
{
    cJSON *o = status == 200 ? cJSON_Parse(s->body) : NULL;
    const cJSON *state = cJSON_GetObjectItemCaseSensitive(o, "state");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "result");
    cJSON *inner = cJSON_IsString(res) ? cJSON_Parse(res->valuestring) : NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(inner != NULL ? inner : res, "verdict");
    if (!cJSON_IsString(state)) {
        if (status >= 500) {        /* a server that restarts is waited out, as submit does */
            s->next = now + s->delay;
            s->state = LOAD_WAITING;
        } else {
            load_fail(l, s, "poll", status);
        }
    } else if (strcmp(state->valuestring, "done") == 0) {
        s->latency = now - s->start;
        snprintf(s->verdict, sizeof s->verdict, "%s", cJSON_IsString(v) ? v->valuestring : "?");
        s->state = LOAD_DONE;
        l->left--;
    } else {
        if (l->poll_fixed <= 0)
            s->delay = s->delay * 1.5 > LOAD_POLL_MAX ? LOAD_POLL_MAX : s->delay * 1.5;
        s->next = now + s->delay;
        s->state = LOAD_WAITING;
    }
    cJSON_Delete(inner);
    cJSON_Delete(o);
}

/* Reads the transfers libcurl finished and moves their submissions on. */
static void load_reap(struct load *l)
{
    CURLMsg *msg;
    int queued;
    while ((msg = curl_multi_info_read(l->m, &queued)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct load_sub *s;
        long status = 0;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        CURLcode rc = msg->data.result;
        curl_multi_remove_handle(l->m, s->h);
        curl_slist_free_all(s->hdr);
        s->hdr = NULL;
        double now = load_now();
        if (rc != CURLE_OK) {
            fprintf(stderr, "serve-load: %s\n", curl_easy_strerror(rc));
            load_fail(l, s, s->state == LOAD_POSTING ? "post" : "poll", status);
        } else if (s->state == LOAD_POSTING) {
            load_posted(l, s, status, now);
        } else {
            load_polled(l, s, status, now);
        }
    }
}

/* Drives every submission to done or failed; milliseconds until the next poll is due
 * bound each wait. Returns 0, or -1 when the run was abandoned. */
static int load_run(struct load *l)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    l->epoch = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    double t0 = load_now();
    for (int i = 0; i < l->n; i++) {
        l->subs[i].start = t0;
        if (load_send(l, &l->subs[i]) < 0)
            return -1;
    }
    while (l->left > 0) {
        int running;
        curl_multi_perform(l->m, &running);
        load_reap(l);
        double now = load_now(), soonest = now + 0.1;
        for (int i = 0; i < l->n; i++) {
            struct load_sub *s = &l->subs[i];
            if (s->state == LOAD_WAITING && s->next <= now && load_send(l, s) < 0)
                load_fail(l, s, "poll", 0);
            else if (s->state == LOAD_WAITING && s->next < soonest)
                soonest = s->next;
        }
        if (now - t0 > LOAD_GIVE_UP) {
            fprintf(stderr, "serve-load: %d submissions not done after %.0f s\n", l->left,
                    LOAD_GIVE_UP);
            return -1;
        }
        int ms = (int)((soonest - now) * 1000) + 1;
        curl_multi_poll(l->m, NULL, 0, ms > 0 ? ms : 1, NULL);
    }
    return 0;
}

static int load_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-th quantile of the n sorted values v (nearest rank). */
static double load_quantile(const double *v, int n, double q)
{
    int k = (int)(q * n + 0.999999);
    return n == 0 ? 0 : v[k < 1 ? 0 : k > n ? n - 1 : k - 1];
}

/* Writes the latencies file and the figures line. Returns 0, or -1 on a write error. */
static int load_report(const struct load *l, const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    double *lat = calloc((size_t)l->n + 1, sizeof *lat), *post = calloc((size_t)l->n + 1,
                                                                         sizeof *post);
    int done = 0, pass = 0;
    double last = 0;
    for (int i = 0; i < l->n; i++) {
        const struct load_sub *s = &l->subs[i];
        if (s->state != LOAD_DONE || lat == NULL || post == NULL)
            continue;
        fprintf(f, "%ld %.3f %s\n", s->id, s->latency, s->verdict);
        post[done] = s->post_time;
        lat[done++] = s->latency;
        pass += strcmp(s->verdict, "pass") == 0;
        last = s->latency > last ? s->latency : last;
    }
    int bad = ferror(f) | fclose(f);
    if (lat != NULL && post != NULL) {
        qsort(lat, (size_t)done, sizeof *lat, load_cmp);
        qsort(post, (size_t)done, sizeof *post, load_cmp);
        printf("n=%d done=%d pass=%d makespan=%.3f p50=%.3f p99=%.3f post_p50=%.4f "
               "post_p99=%.4f polls=%ld epoch=%.3f\n", l->n, done, pass, last,
               load_quantile(lat, done, 0.5), load_quantile(lat, done, 0.99),
               load_quantile(post, done, 0.5), load_quantile(post, done, 0.99), l->polls,
               l->epoch);
    }
    free(lat);
    free(post);
    return bad || lat == NULL || post == NULL ? -1 : 0;
}

/* The learners' tokens, one a line, into toks (at most max). Returns how many, -1 when
 * the file cannot be read. */
static int load_tokens(const char *path, char **toks, int max)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[256];
    int n = 0;
    while (n < max && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] != '\0')
            toks[n++] = strdup(line);
    }
    fclose(f);
    return n;
}

/* A whole number from lo to hi in s, or -1 saying which argument is wrong. */
static long load_number(const char *s, long lo, long hi, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "serve-load: %s must be a number from %ld to %ld, not '%s'\n", what,
                lo, hi, s);
        return -1;
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: serve-load URL LAB TOKENS ARCHIVE N POLL_MS LATENCIES\n");
        return 2;
    }
    static char *toks[LOAD_TOKENS_MAX];
    long n = load_number(argv[5], 1, 100000, "N");
    long poll_ms = load_number(argv[6], 0, 60000, "POLL_MS");
    if (n < 0 || poll_ms < 0)
        return 2;
    struct load l = { .url = argv[1], .lab = argv[2], .n = (int)n,
                      .poll_fixed = (double)poll_ms / 1000.0 };
    int ntok = load_tokens(argv[3], toks, LOAD_TOKENS_MAX);
    l.archive = load_slurp(argv[4], &l.archive_len);
    if (ntok < 1 || l.archive == NULL) {
        fprintf(stderr, "serve-load: %s\n", ntok < 1 ? "no token in TOKENS" : "ARCHIVE unreadable");
        free(l.archive);
        for (int i = 0; i < ntok; i++)
            free(toks[i]);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    l.m = curl_multi_init();
    l.subs = calloc((size_t)l.n, sizeof *l.subs);
    l.left = l.n;
    for (int i = 0; l.subs != NULL && i < l.n; i++) {
        l.subs[i].h = curl_easy_init();
        snprintf(l.subs[i].auth, sizeof l.subs[i].auth, "Authorization: Bearer %s",
                 toks[i % ntok]);
    }
    int rc = l.subs != NULL && l.m != NULL ? load_run(&l) : -1;
    if (load_report(&l, argv[7]) < 0)
        rc = -1;
    for (int i = 0; l.subs != NULL && i < l.n; i++) {
        if (l.subs[i].h != NULL)
            curl_multi_remove_handle(l.m, l.subs[i].h);
        curl_easy_cleanup(l.subs[i].h);
        curl_slist_free_all(l.subs[i].hdr);
        free(l.subs[i].body);
    }
    for (int i = 0; i < ntok; i++)
        free(toks[i]);
    free(l.subs);
    free(l.archive);
    curl_multi_cleanup(l.m);
    curl_global_cleanup();
    return rc == 0 && l.left == 0 && l.failed == 0 ? 0 : 1;
}
