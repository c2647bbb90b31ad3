/* remedy.h -- what to do about a sandbox layer `stacklab doctor` finds off: the fix for
 * the cause this machine has (cgroup v1, user namespaces refused by a sysctl, by
 * Ubuntu's AppArmor restriction or by a container), for the learner or the machine's
 * administrator. Prefix: remedy_. */
#ifndef STACKLAB_REMEDY_H
#define STACKLAB_REMEDY_H

/* What decides the fix, read from /proc, / and the program's own path. */
struct remedy_facts {
    int root;               /* running as root */
    int userns_clone;       /* kernel.unprivileged_userns_clone (Debian's patch): 0 or 1,
                             * -1 when the kernel has no such switch */
    int apparmor_userns;    /* kernel.apparmor_restrict_unprivileged_userns: 0, 1, -1 */
    long max_userns;        /* user.max_user_namespaces, -1 unknown */
    int container;          /* /.dockerenv, /run/.containerenv or $container */
    int userns_on;          /* the doctor's own userns row said on */
    char exe[512];          /* this program's path, for an AppArmor profile */
};

/* Fills f from the running machine (userns_on left 0 for the caller). Cannot fail: an
 * unreadable fact is unknown (-1). */
void remedy_facts_read(struct remedy_facts *f);

/* The fix for layer `name` ("userns", "cgroup", ...) that is off because of `why` (the
 * probe's words), one or more lines without a trailing newline; NULL when there is
 * nothing to say (a layer that is on has no fix). Caller frees. */
char *remedy_for(const char *name, const char *why, const struct remedy_facts *f);

#endif
