/* site.c -- a keg site: the database and settings keg's web layer finds from a request,
 * through the vial_app's user pointer [given]. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

keg_site *keg_site_new(vial_app *app, keg_db *db, const struct keg_settings *s)
{
    keg_site *site = calloc(1, sizeof *site);
    if (site == NULL)
        return NULL;
    site->app = app;
    site->db = db;
    if (s != NULL)
        site->settings = *s;
    const char **fields[] = { &site->settings.secret_key, &site->settings.allowed_hosts,
                              &site->settings.csrf_trusted_origins };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (*fields[i] == NULL)
            continue;
        site->strings[i] = strdup(*fields[i]);
        if (site->strings[i] == NULL) {
            keg_site_free(site);
            return NULL;
        }
        *fields[i] = site->strings[i];
    }
    if (site->settings.secret_key != NULL && vial_config_get(app, "SECRET_KEY") == NULL
        && vial_config_set(app, "SECRET_KEY", site->settings.secret_key) != 0) {
        keg_site_free(site);
        return NULL;
    }
    vial_app_set_user(app, site);
    return site;
}

void keg_site_free(keg_site *site)
{
    if (site == NULL)
        return;
    for (size_t i = 0; i < sizeof site->strings / sizeof site->strings[0]; i++)
        free(site->strings[i]);
    keg_admin_free(site->admin);
    if (site->lock != NULL) {
        pthread_mutex_destroy(site->lock);
        free(site->lock);
    }
    free(site);
}

keg_db *keg_request_db(const vial_request *req)
{
    keg_site *site = req != NULL && req->app != NULL ? vial_app_user(req->app) : NULL;
    return site != NULL ? site->db : NULL;
}
