/* sbx-api.c -- the sandbox library through its C interface: default config, verdict
 * names, captured output and caps, the pair (pipes on fds 3/4 both ways, shared
 * loopback, the subject stopped when the companion ends) and result ownership. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "tap.h"

static char boxdir[256];

static void api_cfg(struct sbx_config *c, char *const *argv)
{
    sbx_config_init(c);
    c->argv = argv;
    c->workdir = boxdir;
    if (getenv("SBX_TEST_NO_USERNS"))
        c->flags |= SBX_NO_USERNS;
}

static void api_defaults(void)
{
    struct sbx_config c;
    sbx_config_init(&c);
    ok(c.lim.wall_sec == 10 && c.lim.cpu_sec == 5, "A1 default times 10 s wall, 5 s cpu");
    is_int(c.lim.mem_mb, 256, "A2 default memory");
    is_int((long long)c.lim.output_bytes, 64 * 1024, "A3 default output cap");
    is_int(c.stdin_fd, -1, "A4 stdin defaults to /dev/null");
    is_str(sbx_verdict_name(SBX_TO), "TO", "A5 verdict names");
    is_str(sbx_verdict_name(SBX_XX), "XX", "A6 verdict names");
}

static void api_capture(void)
{
    char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
    struct sbx_config c;
    struct sbx_result r;
    char *cause = NULL;
    api_cfg(&c, argv);
    int rc = sbx_run(&c, &r, &cause);
    is_int(rc, 0, "B1 run returns 0 %s", cause ? cause : "");
    is_str(sbx_verdict_name(r.verdict), "RE", "B2 non-zero exit is RE");
    is_int(r.exit_code, 3, "B3 exit code kept");
    is_str(r.out, "out\n", "B4 stdout captured");
    is_str(r.err, "err\n", "B5 stderr captured");
    is_int(r.survivors, 0, "B6 nothing survived");
    ok(strstr(r.layers, "seccomp") != NULL && strstr(r.layers, "nnp") != NULL, "B7 layers listed: %s", r.layers);
    sbx_result_free(&r);
    sbx_result_free(NULL);
    free(cause);
}

static void api_cap(void)
{
    char *argv[] = { "sh", "-c", "printf 0123456789abcdef", NULL };
    struct sbx_config c;
    struct sbx_result r;
    char *cause = NULL;
    api_cfg(&c, argv);
    c.lim.output_bytes = 8;
    sbx_run(&c, &r, &cause);
    is_str(sbx_verdict_name(r.verdict), "OL", "C1 over the cap is OL");
    ok(r.out != NULL && strlen(r.out) <= 8 && r.out_truncated, "C2 kept output capped");
    sbx_result_free(&r);
}

static void api_badcfg(void)
{
    struct sbx_config c;
    struct sbx_result r;
    char *cause = NULL;
    sbx_config_init(&c);
    ok(sbx_run(&c, &r, &cause) == -1 && cause != NULL, "D1 no argv: -1 with a cause");
    free(cause);
}

static void api_pair(void)
{
    /* subject: a loopback server plus a line echo over fds 3/4 */
    char *sargv[] = { "sh", "-c", "read x <&3; echo \"got $x\" >&4; exec sleep 30", NULL };
    char *cargv[] = { "sh", "-c", "echo ping >&4; read y <&3; echo \"$y\"", NULL };
    struct sbx_config s, c;
    struct sbx_result sr, cr;
    char *cause = NULL;
    api_cfg(&s, sargv);
    api_cfg(&c, cargv);
    s.net = SBX_NET_LOOPBACK;
    int rc = sbx_run_pair(&s, &c, &sr, &cr, &cause);
    is_int(rc, 0, "E1 pair runs %s", cause ? cause : "");
    if (rc != 0) {
        free(cause);
        return;
    }
    is_str(cr.out, "got ping\n", "E2 companion and subject talk over fds 3/4");
    if (!is_str(sbx_verdict_name(cr.verdict), "OK", "E3 companion OK"))
        diag("companion: %s; stderr: %s; subject: %s %s", cr.detail, cr.err ? cr.err : "",
             sr.detail, sr.err ? sr.err : "");
    is_str(sbx_verdict_name(sr.verdict), "OK", "E4 subject stopped with the companion: %s", sr.detail);
    ok(sr.wall_sec < 10, "E5 subject did not run to its own limit (%.2f s)", sr.wall_sec);
    is_int(sr.survivors + cr.survivors, 0, "E6 nothing survived");
    sbx_result_free(&sr);
    sbx_result_free(&cr);
}

/* The subject kills everything it can see and looks for other processes; the companion
 * must live on and the subject must see only its own box. */
static void api_pair_attack(void)
{
    char *sargv[] = { "sh", "-c", "kill -KILL -1; n=$(ls /proc | grep -c '^[0-9]'); echo \"procs=$n\" >&4", NULL };
    char *cargv[] = { "sh", "-c", "read x <&3; sleep 0.2; echo \"alive $x\"", NULL };
    struct sbx_config s, c;
    struct sbx_result sr, cr;
    char *cause = NULL;
    api_cfg(&s, sargv);
    api_cfg(&c, cargv);
    if (sbx_run_pair(&s, &c, &sr, &cr, &cause) != 0) {
        fail_with(cause, "", "", "F1 pair runs");
        free(cause);
        return;
    }
    is_str(sbx_verdict_name(cr.verdict), "OK", "F1 companion survives the subject's kill -1");
    ok(cr.out != NULL && strncmp(cr.out, "alive procs=", 12) == 0, "F2 companion heard the subject: %s",
       cr.out ? cr.out : "(nothing)");
    if (strstr(s.flags & SBX_NO_USERNS && geteuid() != 0 ? "" : "ns", "ns"))
        ok(cr.out != NULL && strtol(cr.out + 12, NULL, 10) <= 6, "F3 the subject sees only its own box (%s)", cr.out);
    else
        skip(1, "no pid namespace in this mode");
    is_int(sr.survivors + cr.survivors, 0, "F4 nothing survived");
    sbx_result_free(&sr);
    sbx_result_free(&cr);
}

int main(void)
{
    snprintf(boxdir, sizeof boxdir, "/tmp/sbx-api-XXXXXX");
    if (mkdtemp(boxdir) == NULL)
        BAIL_OUT("mkdtemp");
    api_defaults();
    api_capture();
    api_cap();
    api_badcfg();
    api_pair();
    api_pair_attack();
    rmdir(boxdir);
    return done_testing();
}
