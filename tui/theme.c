/* Colours, with a monochrome fallback.
 *
 * A serial console or an old terminal type (vt100) has no colours, and some
 * people turn them off (NO_COLOR, --mono): every role then gets a mix of bold,
 * reverse and underline that keeps it apart from its neighbours, and the
 * text itself carries the meaning ("Error: ...", a '!' on an invalid field),
 * so nothing depends on colour alone. */
#include "tui/ui.h"

static attr_t attrs[UI_ROLE_COUNT];
static bool monochrome_mode = true;

struct role_colour {
    short fg, bg;
    attr_t extra;    /* added to the colour pair */
    attr_t mono;     /* without colours */
};

static const struct role_colour roles[UI_ROLE_COUNT] = {
    [UI_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
    [UI_BAR] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
    [UI_TAB_ACTIVE] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_BOLD | A_UNDERLINE },
    [UI_HEADING] = { COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE },
    [UI_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
    [UI_DIM] = { COLOR_BLUE, -1, A_BOLD, A_NORMAL },
    [UI_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD },
    [UI_GOOD] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
    [UI_BAD] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
    [UI_KEY] = { -1, -1, A_BOLD, A_BOLD },
    [UI_KEY_LABEL] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
    [UI_DIALOG] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_NORMAL },
    [UI_DIALOG_TITLE] = { COLOR_BLUE, COLOR_WHITE, A_BOLD, A_BOLD },
    [UI_FIELD] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_UNDERLINE },
    [UI_FIELD_FOCUS] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
    [UI_FIELD_INVALID] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE },
    [UI_BUTTON] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_NORMAL },
    [UI_BUTTON_FOCUS] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
};

void ui_theme_init(bool monochrome)
{
    monochrome_mode = monochrome || !has_colors() || start_color() == ERR || COLORS < 8 ||
                      COLOR_PAIRS < UI_ROLE_COUNT;
    /* Without a "default" colour, white on black stands in for it. */
    bool default_colours = !monochrome_mode && use_default_colors() == OK;
    for (int role = 0; role < UI_ROLE_COUNT; role++) {
        if (monochrome_mode) {
            attrs[role] = roles[role].mono;
            continue;
        }
        if (role == UI_NORMAL) {
            attrs[role] = A_NORMAL;
            continue;
        }
        short fg = roles[role].fg, bg = roles[role].bg;
        if (!default_colours) {
            if (fg < 0)
                fg = COLOR_WHITE;
            if (bg < 0)
                bg = COLOR_BLACK;
        }
        init_pair((short)role, fg, bg);
        attrs[role] = COLOR_PAIR(role) | roles[role].extra;
    }
}

bool ui_theme_monochrome(void)
{
    return monochrome_mode;
}

attr_t ui_attr(enum ui_role role)
{
    return role < UI_ROLE_COUNT ? attrs[role] : A_NORMAL;
}

/* ---- keys ------------------------------------------------------------------- */

bool ui_key_is_enter(int key)
{
    return key == '\n' || key == '\r' || key == UI_KEY_ENTER_PAD;
}

bool ui_key_is_backspace(int key)
{
    return key == 127 || key == 8 || key == UI_KEY_BACKSPACE;
}

bool ui_key_is_cancel(int key)
{
    return key == UI_ESC || key == UI_KEY_F(10) || key == UI_CTRL('x') || key == UI_CTRL('c');
}

bool ui_key_is_save(int key)
{
    return key == UI_KEY_F(2) || key == UI_CTRL('s');
}

bool ui_key_is_help(int key)
{
    return key == UI_KEY_F(1) || key == UI_CTRL('g');
}
