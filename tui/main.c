/* lwconsole: the text-console administration tool (see docs/lwconsole.8).
 *
 *   lwconsole [--db PATH] [--mono]
 *
 * Everything that can make the screen unusable is checked before curses
 * starts, each with a message that says what to do: no terminal, TERM=dumb or
 * a terminal type without cursor addressing, no registry. A terminal smaller
 * than 80x24 is handled inside the console (a message until it is resized). */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/sid.h"
#include "lsass/sam/sam.h"
#include "tui/console.h"
/* Last: term.h defines macros (lines, columns) that clash with ordinary names. */
#include <term.h>

static void usage(FILE *out)
{
    fputs("Usage: lwconsole [--db PATH] [--mono]\n"
          "The Samewise console: shares, users, groups, settings, sessions and the\n"
          "audit log on a text terminal (80x24 or larger).\n"
          "  --db PATH   the registry (default: $SAMEWISE_DB, else the installed one)\n"
          "  --mono      no colours (also when NO_COLOR is set)\n"
          "  --help      this text\n"
          "  --version   the version\n",
          out);
}

/* The console draws UTF-8. A session without a locale (LANG unset, as on many
 * serial consoles and ssh sessions) runs in "C", where only ASCII prints;
 * there the console uses C.UTF-8, as the appliance's names are UTF-8 and
 * nearly every terminal is. A locale with another charset is respected. */
static void choose_locale(void)
{
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    if (strcmp(codeset, "UTF-8") != 0 && strcmp(codeset, "ANSI_X3.4-1968") == 0)
        setlocale(LC_CTYPE, "C.UTF-8");
}

/* Whether this terminal can show the console; prints why not. */
static bool terminal_usable(void)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fputs("lwconsole: standard input and output must be a terminal\n"
              "(for scripts, use lwadmin)\n",
              stderr);
        return false;
    }
    const char *term = getenv("TERM");
    if (!term || !*term || strcmp(term, "dumb") == 0) {
        fprintf(stderr,
                "lwconsole: TERM=%s: this terminal cannot move the cursor, so it cannot\n"
                "show the console. Set TERM to the terminal's type (for example\n"
                "TERM=vt100 or TERM=xterm), or use lwadmin.\n",
                term && *term ? term : "(unset)");
        return false;
    }
    int error = 0;
    if (setupterm(NULL, STDOUT_FILENO, &error) != OK) {
        fprintf(stderr,
                "lwconsole: TERM=%s: this system does not know that terminal type.\n"
                "Set TERM to a type it knows (for example vt100 or xterm), or use lwadmin.\n",
                term);
        return false;
    }
    const char *cup = tigetstr("cup");
    bool addressable = cup && cup != (char *)-1;
    del_curterm(cur_term);
    if (!addressable) {
        fprintf(stderr,
                "lwconsole: TERM=%s: this terminal cannot move the cursor, so it cannot\n"
                "show the console. Use a terminal type with cursor addressing, or lwadmin.\n",
                term);
        return false;
    }
    return true;
}

/* Opens the registry; prints why not. */
static bool open_registry(const char *db_argument)
{
    app.db_path = sw_db_path(db_argument);
    if (!app.db_path) {
        fputs("lwconsole: out of memory\n", stderr);
        return false;
    }
    struct stat st;
    if (stat(app.db_path, &st) != 0) {
        if (errno == ENOENT)
            fprintf(stderr,
                    "lwconsole: no registry at %s (run 'lwadmin init' to create it, or choose "
                    "another with --db PATH or $SAMEWISE_DB)\n",
                    app.db_path);
        else
            fprintf(stderr, "lwconsole: cannot use the registry %s: %s\n", app.db_path,
                    strerror(errno));
        return false;
    }
    NTSTATUS status = registry_open(app.db_path, &app.reg);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "lwconsole: cannot open the registry %s: %s\n", app.db_path,
                status == STATUS_ACCESS_DENIED ? "permission denied (run as its owner or root)"
                                               : console_status_text(status));
        app.reg = NULL;
        return false;
    }
    struct sid domain;
    status = sam_domain_sid(app.reg, &domain);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "lwconsole: %s: the registry is not initialised (run 'lwadmin init')\n",
                app.db_path);
        return false;
    }
    audit_actor_self(&app.actor, "console", NULL);
    /* Who may close sessions and files: whoever owns the appliance's data. */
    app.administrator = geteuid() == 0 || geteuid() == st.st_uid;
    return true;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        { "db", required_argument, NULL, 'd' },
        { "mono", no_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *db_argument = NULL;
    bool mono = getenv("NO_COLOR") && *getenv("NO_COLOR");
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_argument = optarg;
            break;
        case 'm':
            mono = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("lwconsole (Samewise) %s\n", SW_VERSION);
            return 0;
        default:
            fprintf(stderr, "lwconsole: unknown option or missing value: '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "lwconsole: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    choose_locale();
    if (!open_registry(db_argument)) {
        registry_close(app.reg);
        free(app.db_path);
        return 1;
    }
    if (!terminal_usable()) {
        registry_close(app.reg);
        free(app.db_path);
        return 1;
    }
    /* Library messages would write over the screen: send them to syslog. */
    log_open("lwconsole", LOG_LEVEL_ERROR, 1);

    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        fprintf(stderr, "lwconsole: cannot start the screen for TERM=%s\n", getenv("TERM"));
        registry_close(app.reg);
        free(app.db_path);
        return 1;
    }
    set_escdelay(25); /* Esc leaves forms; do not wait a second to be sure */
    raw();            /* ^C, ^S, ^X reach the console as keys */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    timeout(200);
    ui_theme_init(mono);

    app_run();

    endwin();
    registry_close(app.reg);
    app.reg = NULL;
    free(app.db_path);
    app.db_path = NULL;
    /* Frees curses' own memory too, so leak checkers see a clean exit. */
    exit_curses(0);
}
