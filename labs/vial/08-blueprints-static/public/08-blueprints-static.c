/* 08-blueprints-static.c -- public tests of lab 08: blueprints (prefix, endpoints,
 * hooks, clashes), MIME types and vial_send_file on a small tree made in /tmp, with a
 * symbolic link that escapes. Run with `make test LAB=08`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "vial.h"

static char dir[64];

static int show_view(vial_request *req, vial_response *res)
{
    return vial_response_text(res, 200, "text/plain", req->endpoint);
}

static int mark_hook(vial_request *req, vial_response *res)
{
    (void)req;
    vial_response_set_header(res, "X-Hook", "yes");
    return 0;
}

/* GET target through the parser and the dispatcher; returns the status. */
static int get(vial_app *app, const char *target, vial_response *res)
{
    char raw[512];
    vial_request req;
    vial_request_init(&req);
    vial_response_init(res);
    snprintf(raw, sizeof raw, "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", target);
    int st = vial_parse_request(raw, strlen(raw), &req, NULL);
    st = st ? vial_abort(res, st) : vial_app_dispatch(app, &req, res);
    vial_request_free(&req);
    return st;
}

static void test_blueprints(void)
{
    vial_app *app = vial_app_new("t");
    vial_response res;
    ok(vial_blueprint_new("a.b", "/x") == NULL, "a name with '.' is refused");
    vial_blueprint *bp = vial_blueprint_new("blog", "/blog/");
    ok(bp != NULL, "a blueprint is made");
    is_int(vial_blueprint_route(bp, "GET", "/", "index", show_view), 0, "route /");
    is_int(vial_blueprint_route(bp, "GET", "/post/<int:id>", "show", show_view), 0, "route show");
    is_int(vial_blueprint_before_request(bp, mark_hook), 0, "a hook");
    vial_app_route(app, "GET", "/about", "about", show_view);
    is_int(vial_app_register_blueprint(app, bp), 0, "registered");
    is_int(get(app, "/blog/post/7", &res), 200, "/blog/post/7 is served");
    is_bytes(res.body, res.body_len, "blog.show", 9, "by endpoint blog.show");
    is_str(vial_response_header(&res, "X-Hook"), "yes", "the blueprint's hook ran");
    vial_response_free(&res);
    get(app, "/about", &res);
    ok(vial_response_header(&res, "X-Hook") == NULL, "but not for an app rule");
    vial_response_free(&res);
    is_int(get(app, "/blog/", &res), 200, "the prefix alone is the blueprint's /");
    vial_response_free(&res);
    char *url = vial_url_for(app, "blog.show", "id", "3", NULL);
    is_str(url, "/blog/post/3", "url_for knows blog.show");
    free(url);
    vial_blueprint *again = vial_blueprint_new("blog", "/other");
    vial_blueprint_route(again, "GET", "/", "index", show_view);
    is_int(vial_app_register_blueprint(app, again), -1, "the same name twice is refused");
    is_int(get(app, "/other/", &res), 404, "and none of its rules were added");
    vial_response_free(&res);
    vial_app_free(app);
}

static void test_mime(void)
{
    is_str(vial_mime_type("index.html"), "text/html; charset=utf-8", "html");
    is_str(vial_mime_type("a/b/LOGO.PNG"), "image/png", "PNG in capitals");
    is_str(vial_mime_type("app.js"), "text/javascript; charset=utf-8", "js");
    is_str(vial_mime_type(".env"), "application/octet-stream", "a dot file");
    is_str(vial_mime_type("README"), "application/octet-stream", "no extension");
}

/* Writes text to dir/rel. */
static void put(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_send_file(void)
{
    char www[128], path[256];
    vial_response res;
    snprintf(dir, sizeof dir, "/tmp/lab08-public-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        skip(7, "no temporary folder");
        return;
    }
    snprintf(www, sizeof www, "%s/www", dir);
    mkdir(www, 0755);
    put("secret.txt", "top secret");
    put("www/site.css", "body{}");
    snprintf(path, sizeof path, "%s/www/escape.txt", dir);
    symlink("../secret.txt", path);
    snprintf(path, sizeof path, "%s/www/inside.css", dir);
    symlink("site.css", path);
    vial_response_init(&res);
    is_int(vial_send_file(&res, www, "site.css"), 0, "a file in the folder is sent");
    is_bytes(res.body, res.body_len, "body{}", 6, "with its bytes");
    is_str(vial_response_header(&res, "Content-Type"), "text/css; charset=utf-8", "and its type");
    is_int(vial_send_file(&res, www, "../secret.txt"), 404, "../ is 404");
    is_int(vial_send_file(&res, www, "/etc/passwd"), 404, "an absolute path is 404");
    is_int(vial_send_file(&res, www, "escape.txt"), 404, "a symlink out of the folder is 404");
    is_int(vial_send_file(&res, www, "inside.css"), 0, "a symlink staying inside is fine");
    vial_response_free(&res);
    vial_app *app = vial_app_new("s");
    is_int(vial_app_static(app, "/static", www), 0, "a static folder");
    is_int(get(app, "/static/%2e%2e%2fsecret.txt", &res), 404, "%%2e%%2e%%2f in the URL is 404");
    vial_response_free(&res);
    is_int(get(app, "/static/site.css", &res), 200, "/static/site.css is 200");
    vial_response_free(&res);
    vial_app_free(app);
    const char *rm[] = {"www/inside.css", "www/escape.txt", "www/site.css", "secret.txt"};
    for (size_t i = 0; i < sizeof rm / sizeof rm[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, rm[i]);
        unlink(path);
    }
    rmdir(www);
    rmdir(dir);
}

int main(void)
{
    test_blueprints();
    test_mime();
    test_send_file();
    return done_testing();
}
