/* tui-keys.c -- every key binding of the interface in one table: what each key does in
 * which screen. The help overlay is drawn from this table, so it never goes stale. */
#include "tui.h"

#define CTRL(c) ((c) & 0x1f)

/* The first binding of an action carries its name and help; aliases have name NULL. */
const struct tui_key tui_keys[] = {
    { KEY_UP, TUI_CTX_ALL, TUI_UP, "Up k", "move up / scroll up" },
    { 'k', TUI_CTX_ALL, TUI_UP, NULL, NULL },
    { KEY_DOWN, TUI_CTX_ALL, TUI_DOWN, "Down j", "move down / scroll down" },
    { 'j', TUI_CTX_ALL, TUI_DOWN, NULL, NULL },
    { KEY_PPAGE, TUI_CTX_ALL, TUI_PGUP, "PgUp b", "one page up" },
    { 'b', TUI_CTX_LESSON | TUI_CTX_MAP, TUI_PGUP, NULL, NULL },
    { KEY_NPAGE, TUI_CTX_ALL, TUI_PGDN, "PgDn Space", "one page down" },
    { ' ', TUI_CTX_ALL, TUI_PGDN, NULL, NULL },
    { 'g', TUI_CTX_ALL, TUI_TOP, "g Home", "go to the top" },
    { KEY_HOME, TUI_CTX_ALL, TUI_TOP, NULL, NULL },
    { 'G', TUI_CTX_ALL, TUI_BOTTOM, "G End", "go to the end" },
    { KEY_END, TUI_CTX_ALL, TUI_BOTTOM, NULL, NULL },
    { '\n', TUI_CTX_ALL, TUI_OPEN, "Enter", "open the item / a failed test's details" },
    { '\r', TUI_CTX_ALL, TUI_OPEN, NULL, NULL },
    { KEY_ENTER, TUI_CTX_ALL, TUI_OPEN, NULL, NULL },
    { KEY_RIGHT, TUI_CTX_MAP, TUI_OPEN, NULL, NULL },
    { 'l', TUI_CTX_MAP, TUI_OPEN, NULL, NULL },
    { 27, TUI_CTX_LESSON | TUI_CTX_LAB, TUI_BACK, "Esc Left", "back (to the map)" },
    { KEY_LEFT, TUI_CTX_LESSON | TUI_CTX_LAB, TUI_BACK, NULL, NULL },
    { KEY_BACKSPACE, TUI_CTX_LESSON | TUI_CTX_LAB, TUI_BACK, NULL, NULL },
    { 127, TUI_CTX_LESSON | TUI_CTX_LAB, TUI_BACK, NULL, NULL },
    { '\t', TUI_CTX_ALL, TUI_FOCUS, "Tab", "switch between the map and the pane" },
    { '/', TUI_CTX_ALL, TUI_SEARCH, "/", "search the text (in the map: titles, \"lab 05\")" },
    { 'n', TUI_CTX_ALL, TUI_NEXT, "n", "next match" },
    { 'N', TUI_CTX_ALL, TUI_PREV, "N", "previous match" },
    { 'c', TUI_CTX_LAB, TUI_CHECK, "c", "check the lab (hidden tests)" },
    { 'r', TUI_CTX_LAB, TUI_RESULTS, "r", "show the instructions / the last results" },
    { 'h', TUI_CTX_LAB, TUI_HINT, "h", "reveal the next hint" },
    { 'e', TUI_CTX_LAB, TUI_EDIT, "e", "edit the lab's files in $EDITOR" },
    { CTRL('l'), TUI_CTX_ALL, TUI_REDRAW, "Ctrl-L", "redraw the screen" },
    { '?', TUI_CTX_ALL, TUI_HELP, "?", "this help" },
    { 'q', TUI_CTX_ALL, TUI_QUIT, "q", "quit" },
    { CTRL('c'), TUI_CTX_ALL, TUI_QUIT, NULL, NULL },
    { 0, 0, TUI_NONE, NULL, NULL }
};

enum tui_action tui_key_action(unsigned ctx, int key)
{
    for (const struct tui_key *k = tui_keys; k->action != TUI_NONE; k++)
        if (k->key == key && (k->ctx & ctx) != 0)
            return k->action;
    return TUI_NONE;
}
