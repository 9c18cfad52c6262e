/* Reading a new password: from standard input (--password-stdin), or from the
 * terminal, asked twice without echo. Never from argv: a command line is
 * visible to every local user (ps, /proc/PID/cmdline) and lands in shell
 * history.
 *
 * The line is read byte by byte with read(2), not through stdio, so no copy of
 * the password stays behind in a FILE buffer; every buffer that held it is
 * wiped. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "admin-cli/cli.h"
#include "lib/crypto.h"
#include "lsass/sam/sam.h"

/* Room for SAM_PASSWORD_MAX characters of up to 4 UTF-8 bytes, "\r\n", NUL. */
#define PASSWORD_BUFFER (SAM_PASSWORD_MAX * 4 + 3)

/* The terminal whose echo is off, so a signal handler can turn it back on. */
static volatile sig_atomic_t echo_fd = -1;
static struct termios saved_termios;

static void restore_echo_and_die(int sig)
{
    if (echo_fd >= 0)
        tcsetattr(echo_fd, TCSAFLUSH, &saved_termios);
    signal(sig, SIG_DFL);
    raise(sig);
}

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static bool echo_off(int fd)
{
    struct termios quiet;
    if (tcgetattr(fd, &saved_termios) != 0)
        return false;
    quiet = saved_termios;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
    echo_fd = fd;
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
        signal(fatal_signals[i], restore_echo_and_die);
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        echo_fd = -1;
        return false;
    }
    return true;
}

static void echo_on(int fd)
{
    tcsetattr(fd, TCSANOW, &saved_termios);
    echo_fd = -1;
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
        signal(fatal_signals[i], SIG_DFL);
}

/* One line from fd into buf (NUL-terminated, without the line end). 0 on
 * success, -1 on a read error or an overlong line, -2 on end of input before
 * any byte. */
static int read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;
    bool any = false;
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        any = true;
        if (c == '\n')
            break;
        if (len + 1 >= size)
            return -1;
        buf[len++] = c;
    }
    if (!any)
        return -2;
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    buf[len] = '\0';
    return 0;
}

static void write_all(int fd, const char *text)
{
    size_t len = strlen(text);
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text += n;
        len -= (size_t)n;
    }
}

/* Reads a line from a terminal with echo off after showing prompt. Echo goes
 * off before the prompt appears: whoever answers the prompt (a person or a
 * script on a pty) must never race the terminal mode change. */
static int ask(int fd, const char *prompt, char *buf, size_t size)
{
    bool quiet = echo_off(fd);
    write_all(fd, prompt);
    int rc = read_line(fd, buf, size);
    if (quiet)
        echo_on(fd);
    write_all(fd, "\n");
    return rc;
}

void cli_password_free(char *password)
{
    if (password) {
        crypto_wipe(password, strlen(password));
        free(password);
    }
}

int cli_read_password(struct cli *cli, bool from_stdin, const char *account, char **password)
{
    *password = NULL;
    char *first = calloc(1, PASSWORD_BUFFER), *second = calloc(1, PASSWORD_BUFFER);
    int tty = -1;
    int rc = CLI_FAILED;
    if (!first || !second) {
        rc = cli_fail(cli, "out of memory");
        goto out;
    }
    if (from_stdin) {
        int read_rc;
        if (isatty(STDIN_FILENO)) {
            char prompt[128];
            snprintf(prompt, sizeof prompt, "Password for %s: ", account);
            read_rc = ask(STDIN_FILENO, prompt, first, PASSWORD_BUFFER);
        } else {
            read_rc = read_line(STDIN_FILENO, first, PASSWORD_BUFFER);
        }
        if (read_rc == -2) {
            rc = cli_fail(cli, "--password-stdin: no password on standard input "
                               "(give it as one line, e.g. from a file or a pipe)");
            goto out;
        }
        if (read_rc != 0) {
            rc = cli_fail(cli, "--password-stdin: cannot read the password (longer than %d "
                               "characters, or a read error)", SAM_PASSWORD_MAX);
            goto out;
        }
    } else {
        if (!isatty(STDIN_FILENO)) {
            rc = CLI_OK; /* no password given: the caller decides */
            goto out;
        }
        tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (tty < 0) {
            rc = cli_fail(cli, "cannot open the terminal to ask for the password (use "
                               "--password-stdin)");
            goto out;
        }
        char prompt[128];
        snprintf(prompt, sizeof prompt, "New password for %s: ", account);
        if (ask(tty, prompt, first, PASSWORD_BUFFER) != 0) {
            rc = cli_fail(cli, "no password entered");
            goto out;
        }
        snprintf(prompt, sizeof prompt, "Retype the new password for %s: ", account);
        if (ask(tty, prompt, second, PASSWORD_BUFFER) != 0) {
            rc = cli_fail(cli, "no password entered");
            goto out;
        }
        if (strcmp(first, second) != 0) {
            rc = cli_fail(cli, "the two passwords do not match; nothing was changed");
            goto out;
        }
    }
    *password = strdup(first);
    rc = *password ? CLI_OK : cli_fail(cli, "out of memory");
out:
    if (tty >= 0)
        close(tty);
    if (first) {
        crypto_wipe(first, PASSWORD_BUFFER);
        free(first);
    }
    if (second) {
        crypto_wipe(second, PASSWORD_BUFFER);
        free(second);
    }
    return rc;
}
