/* remedy.c -- the fixes `stacklab doctor` prints under a layer that is off
 * (runner/remedy.c), for each cause on fake machines. Each case has an id. */
#include <stdlib.h>
#include <string.h>

#include "remedy.h"
#include "tap.h"

/* A machine where nothing is known to refuse user namespaces. */
static struct remedy_facts plain_machine(void)
{
    struct remedy_facts f;
    memset(&f, 0, sizeof f);
    f.userns_clone = f.apparmor_userns = -1;
    f.max_userns = 15000;
    strcpy(f.exe, "/home/ada/.local/bin/stacklab");
    return f;
}

/* ok when the fix for (layer, why) on f holds every NULL-ended word. */
static void fix_has(const char *id, const char *layer, const char *why,
                    const struct remedy_facts *f, const char *const *words)
{
    char *fix = remedy_for(layer, why, f);
    int all = fix != NULL;
    for (size_t i = 0; all && words[i] != NULL; i++)
        all = strstr(fix, words[i]) != NULL;
    ok(all, "%s %s (%s): the fix says %s%s", id, layer, why, words[0],
       words[1] ? " ..." : "");
    if (!all)
        diag("got: %s", fix ? fix : "(none)");
    free(fix);
}

int main(void)
{
    struct remedy_facts f = plain_machine();
    fix_has("D1", "cgroup", "v1 controllers need root", &f, (const char *const[]){
            "systemd.unified_cgroup_hierarchy=1", "GRUB_CMDLINE_LINUX", "update-grub",
            "systemd-run --user --scope -p Delegate=yes stacklab", NULL });
    fix_has("D2", "cgroup", "cgroup v2 group /user.slice/x is not delegated to this user", &f,
            (const char *const[]){ "systemd-run --user --scope -p Delegate=yes stacklab", NULL });
    fix_has("D3", "cgroup", "disabled", &f, (const char *const[]){ "--no-cgroup", NULL });
    fix_has("D4", "userns", "disabled", &f, (const char *const[]){ "--no-userns", NULL });

    struct remedy_facts debian = plain_machine();
    debian.userns_clone = 0;
    debian.apparmor_userns = 1;     /* the Debian switch is the first to turn */
    fix_has("D5", "userns", "a user namespace (with pid and mount ones) is refused: "
            "Operation not permitted", &debian, (const char *const[]){
            "sysctl -w kernel.unprivileged_userns_clone=1", "/etc/sysctl.d/", NULL });

    struct remedy_facts ubuntu = plain_machine();
    ubuntu.userns_clone = 1;
    ubuntu.apparmor_userns = 1;
    fix_has("D6", "userns", "refused", &ubuntu, (const char *const[]){
            "/etc/apparmor.d/stacklab", "abi <abi/4.0>,",
            "profile stacklab /home/ada/.local/bin/stacklab flags=(unconfined) {", "userns,",
            "apparmor_parser -r /etc/apparmor.d/stacklab",
            "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0", NULL });

    struct remedy_facts rhel = plain_machine();
    rhel.max_userns = 0;
    fix_has("D7", "userns", "refused", &rhel, (const char *const[]){
            "sysctl -w user.max_user_namespaces=", NULL });

    struct remedy_facts box = plain_machine();
    box.container = 1;
    fix_has("D8", "userns", "refused", &box, (const char *const[]){ "container",
            "--security-opt seccomp=unconfined", NULL });
    fix_has("D9", "userns", "refused", &f, (const char *const[]){ "CONFIG_USER_NS", NULL });

    /* D10: every layer the probe can report off has a fix that says what to do. */
    static const char *const offable[] = { "seccomp", "userns", "pidns", "netns", "mntns",
        "ipcns", "utsns", "uid", "cgroup", "box-tmpfs", "course", "leak-check" };
    int missing = 0;
    for (size_t i = 0; i < sizeof offable / sizeof offable[0]; i++) {
        char *fix = remedy_for(offable[i], "some reason", &f);
        if (fix == NULL || fix[0] == '\0') {
            diag("no fix for %s", offable[i]);
            missing++;
        }
        free(fix);
    }
    is_int(missing, 0, "D10 every layer that can be off has a fix");

    fix_has("D11", "pidns", "needs a user namespace or root", &f,
            (const char *const[]){ "userns", NULL });
    f.userns_on = 1;
    fix_has("D12", "uid", "runs as the calling user", &f,
            (const char *const[]){ "nothing to do", NULL });
    char *none = remedy_for("session", "", &f);
    ok(none == NULL, "D13 a layer that is never off has no fix");
    free(none);

    /* D14: lines stay short enough for the doctor's 16-column indent. */
    int longest = 0;
    struct remedy_facts *all[] = { &f, &debian, &ubuntu, &rhel, &box };
    for (size_t m = 0; m < sizeof all / sizeof all[0]; m++)
        for (size_t i = 0; i < sizeof offable / sizeof offable[0]; i++) {
            char *fix = remedy_for(offable[i], "v1 controllers need root", all[m]);
            for (char *p = fix; p != NULL && *p != '\0'; ) {
                int n = (int)strcspn(p, "\n");
                if (n > longest && strstr(p, "profile stacklab") != p + 4)
                    longest = n;
                p += n + (p[n] == '\n');
            }
            free(fix);
        }
    ok(longest <= 68, "D14 no line of a fix is over 68 columns (longest %d)", longest);
    return done_testing();
}
