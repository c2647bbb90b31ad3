/* config.c -- [lab 10] the app's settings: strings by name, numbers, and loading from
 * environment variables with a prefix. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

extern char **environ;

int vial_config_set(vial_app *app, const char *name, const char *value)
{
/* SOLUTION(10) BEGIN */
    if (name == NULL || *name == '\0' || value == NULL)
        return -1;
    vial_pairs_remove(&app->config, name);
    return vial_pairs_adds(&app->config, name, value);
/* SOLUTION(10) STUB
    (void)app;
    (void)name;
    (void)value;
    return -1;
   SOLUTION(10) END */
}

const char *vial_config_get(const vial_app *app, const char *name)
{
    return vial_pairs_get(&app->config, name);
}

long long vial_config_int(const vial_app *app, const char *name, long long dflt)
{
    const char *v = vial_config_get(app, name);
    char *end = NULL;
    if (v == NULL || *v == '\0')
        return dflt;
    long long n = strtoll(v, &end, 10);
    return *end == '\0' ? n : dflt;
}

int vial_config_from_env(vial_app *app, const char *prefix)
{
/* SOLUTION(10) BEGIN */
    size_t plen = strlen(prefix);
    int loaded = 0;
    for (char **e = environ; *e != NULL; e++) {
        const char *eq = strchr(*e, '=');
        if (eq == NULL || strncmp(*e, prefix, plen) != 0 || (size_t)(eq - *e) <= plen)
            continue;
        size_t nlen = (size_t)(eq - *e) - plen;
        char *name = malloc(nlen + 1);
        if (name == NULL)
            return -1;
        memcpy(name, *e + plen, nlen);
        name[nlen] = '\0';
        int rc = vial_config_set(app, name, eq + 1);
        free(name);
        if (rc < 0)
            return -1;
        loaded++;
    }
    return loaded;
/* SOLUTION(10) STUB
    (void)app;
    (void)prefix;
    return 0;
   SOLUTION(10) END */
}
