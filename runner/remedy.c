/* remedy.c -- the fix `stacklab doctor` prints under a sandbox layer that is off: one
 * table from (layer, words of the probe's reason) to a fix, and for user namespaces the
 * switch this machine really has (Debian's sysctl, Ubuntu's AppArmor restriction, a
 * namespace count of 0, a container). docs/sandbox.md says what each layer needs. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "remedy.h"
#include "util.h"

/* The number in a /proc/sys file, or -1 when it is missing or unreadable. */
static long remedy_sysctl(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;
    if (f != NULL && fscanf(f, "%ld", &v) != 1)
        v = -1;
    if (f != NULL)
        fclose(f);
    return v;
}

void remedy_facts_read(struct remedy_facts *f)
{
    memset(f, 0, sizeof *f);
    f->root = geteuid() == 0;
    f->userns_clone = (int)remedy_sysctl("/proc/sys/kernel/unprivileged_userns_clone");
    f->apparmor_userns =
        (int)remedy_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
    f->max_userns = remedy_sysctl("/proc/sys/user/max_user_namespaces");
    const char *ct = getenv("container");
    f->container = access("/.dockerenv", F_OK) == 0 || access("/run/.containerenv", F_OK) == 0
                   || (ct != NULL && ct[0] != '\0');
    char *exe = realpath("/proc/self/exe", NULL);
    snprintf(f->exe, sizeof f->exe, "%s", exe != NULL ? exe : "/usr/local/bin/stacklab");
    free(exe);
}

/* The fix for user namespaces refused on this machine, most specific cause first. Lines
 * are kept under 64 columns: the doctor indents them by 16. */
static char *remedy_userns(const struct remedy_facts *f)
{
    if (f->userns_clone == 0)
        return xstrdup("Debian's switch kernel.unprivileged_userns_clone is 0. As root:\n"
                       "sysctl -w kernel.unprivileged_userns_clone=1, and to keep it\n"
                       "after a reboot, put that setting in /etc/sysctl.d/50-stacklab.conf");
    if (f->apparmor_userns == 1)
        return xasprintf("AppArmor allows user namespaces only to programs whose profile\n"
                         "says so (Ubuntu 23.10 and later:\n"
                         "kernel.apparmor_restrict_unprivileged_userns=1). To allow them\n"
                         "to stacklab alone, as root write /etc/apparmor.d/stacklab:\n"
                         "    abi <abi/4.0>,\n"
                         "    include <tunables/global>\n"
                         "    profile stacklab %s flags=(unconfined) {\n"
                         "      userns,\n"
                         "    }\n"
                         "then run apparmor_parser -r /etc/apparmor.d/stacklab (the profile\n"
                         "names this program's path: write it again if stacklab moves).\n"
                         "For every program instead (weaker), as root:\n"
                         "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0", f->exe);
    if (f->max_userns == 0)
        return xstrdup("user.max_user_namespaces is 0. As root:\n"
                       "sysctl -w user.max_user_namespaces=10000, and to keep it after\n"
                       "a reboot, put that setting in /etc/sysctl.d/50-stacklab.conf");
    if (f->container)
        return xstrdup("this looks like a container, whose runtime decides: run stacklab\n"
                       "on the host, or start the container so that it allows user\n"
                       "namespaces (Docker and Podman: --security-opt seccomp=unconfined\n"
                       "lifts their system-call filter, which may be what refuses them)");
    return xstrdup("the kernel refuses them: it needs CONFIG_USER_NS (Debian's and\n"
                   "Ubuntu's kernels have it) and no security module forbidding them;\n"
                   "or run stacklab as root, whose boxes get namespaces without one");
}

/* The uid row is off for every ordinary user: namespaces keep boxes apart instead. */
static char *remedy_uid(const struct remedy_facts *f)
{
    if (f->userns_on)
        return xstrdup("nothing to do: boxes get uids of their own only when stacklab\n"
                       "runs as root; for you, the user and pid namespaces keep boxes\n"
                       "away from your processes");
    return xstrdup("turn user namespaces on (the fix under userns): boxes then cannot\n"
                   "see or signal your processes");
}

static char *remedy_userns_above(const struct remedy_facts *f)
{
    (void)f;
    return xstrdup("needs user namespaces (the fix under userns) or root");
}

#define REMEDY_SCOPE "start the course in a cgroup that systemd delegates to you:\n" \
    "systemd-run --user --scope -p Delegate=yes stacklab"
#define REMEDY_GRUB "as root:\nadd systemd.unified_cgroup_hierarchy=1 to GRUB_CMDLINE_LINUX " \
    "in\n/etc/default/grub, run update-grub and reboot"

/* First match wins: the layer, and words its reason holds ("": any reason). */
static const struct {
    const char *layer, *why;
    const char *fix;                                    /* or */
    char *(*fn)(const struct remedy_facts *f);
} remedy_table[] = {
    { "userns", "disabled", "turned off by --no-userns: without it, the machine decides", NULL },
    { "cgroup", "disabled", "turned off by --no-cgroup: without it, the machine decides", NULL },
    { "seccomp", "disabled", "turned off for debugging; stacklab never does that itself", NULL },
    { "userns", "", NULL, remedy_userns },
    { "cgroup", "v1 controllers need root", "this machine mounts cgroup v1, whose groups only "
      "root may make.\nSwitch it to cgroup v2, " REMEDY_GRUB ";\nthen " REMEDY_SCOPE, NULL },
    { "cgroup", "cgroup v1 lacks", "cgroup v1 lacks one of memory, pids, cpuacct. Switch to "
      "v2:\n" REMEDY_GRUB, NULL },
    { "cgroup", "read-only", "/sys/fs/cgroup is read-only (a container does that): run\n"
      "stacklab on the host", NULL },
    { "cgroup", "not delegated", REMEDY_SCOPE, NULL },
    { "cgroup", "holds other processes", REMEDY_SCOPE, NULL },
    { "cgroup", "cannot set up cgroup v2", REMEDY_SCOPE, NULL },
    { "cgroup", "lacks the memory or pids", "the kernel's cgroup v2 has no memory or pids "
      "controller: take\ncgroup_disable=memory off the kernel command line (Raspberry Pi\n"
      "OS needs cgroup_enable=memory cgroup_memory=1 on it)", NULL },
    { "cgroup", "no cgroup v2 hierarchy", "no cgroup file system is mounted: as root,\n"
      "mount -t cgroup2 none /sys/fs/cgroup (systemd does it at boot)", NULL },
    { "cgroup", "need a user namespace", NULL, remedy_userns_above },
    { "cgroup", "", "docs/sandbox.md (cgroup v2: where a box's group goes) says what\n"
      "boxes need; under systemd, " REMEDY_SCOPE, NULL },
    { "seccomp", "", "the kernel has no seccomp filters (CONFIG_SECCOMP_FILTER, which\n"
      "Debian's and Ubuntu's kernels have), or a container forbids\nthem: run stacklab on "
      "the host", NULL },
    { "uid", "", NULL, remedy_uid },
    { "pidns", "", NULL, remedy_userns_above },
    { "netns", "", NULL, remedy_userns_above },
    { "mntns", "", NULL, remedy_userns_above },
    { "ipcns", "", NULL, remedy_userns_above },
    { "utsns", "", NULL, remedy_userns_above },
    { "box-tmpfs", "", NULL, remedy_userns_above },
    { "course", "", NULL, remedy_userns_above },
    { "leak-check", "", NULL, remedy_userns_above },
};

char *remedy_for(const char *name, const char *why, const struct remedy_facts *f)
{
    for (size_t i = 0; i < sizeof remedy_table / sizeof remedy_table[0]; i++) {
        if (strcmp(remedy_table[i].layer, name) != 0 || strstr(why, remedy_table[i].why) == NULL)
            continue;
        return remedy_table[i].fn != NULL ? remedy_table[i].fn(f) : xstrdup(remedy_table[i].fix);
    }
    return NULL;
}
