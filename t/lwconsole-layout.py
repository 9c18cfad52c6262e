#!/usr/bin/python3
"""Checks a captured lwconsole screen (stdin): lwconsole-layout.py WIDTH HEIGHT [HEADING...]

Exit 0 if the screen is clean: HEIGHT lines, none wider than WIDTH display
columns, no control characters or U+FFFD, the tab bar on the first line and
the key bar (F1 ... Quit or Cancel) on the last, and, when headings are given,
a heading line with them in order and list rows whose cells begin exactly at
their heading's column. Prints what is wrong otherwise."""
import sys
import unicodedata


def width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def columns(line):
    """The display column where each character starts, and the line's width."""
    starts, col = [], 0
    for ch in line:
        starts.append(col)
        col += width(ch)
    return starts, col


def cell_at(line, col):
    """The character drawn at display column col (None past the end)."""
    starts, total = columns(line)
    for i, start in enumerate(starts):
        if start == col:
            return line[i]
        if start > col:
            return None  # inside a double-width character
    return None


def main():
    want_w, want_h = int(sys.argv[1]), int(sys.argv[2])
    headings = sys.argv[3:]
    lines = sys.stdin.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    problems = []
    if len(lines) != want_h:
        problems.append("%d lines, expected %d" % (len(lines), want_h))
    for n, line in enumerate(lines, 1):
        if columns(line)[1] > want_w:
            problems.append("line %d is %d columns wide" % (n, columns(line)[1]))
        if any(ord(c) < 32 or c == "\ufffd" or 0x7f <= ord(c) < 0xa0 for c in line):
            problems.append("line %d has control or replacement characters" % n)
    if not lines or not lines[0].startswith(" 1 Dashboard 2 Shares 3 Users 4 Groups"):
        problems.append("no tab bar on the first line")
    if not lines or not lines[-1].startswith("F1") or not ("Quit" in lines[-1] or "Cancel" in lines[-1]):
        problems.append("no key bar on the last line: %r" % (lines[-1] if lines else ""))
    if headings:
        head = None
        for i, line in enumerate(lines):
            pos, ok = 0, True
            for h in headings:
                pos = line.find(h, pos)
                if pos < 0:
                    ok = False
                    break
            if ok:
                head = i
                break
        if head is None:
            problems.append("no heading line with %s" % " ".join(headings))
        else:
            hline = lines[head]
            cols = []
            for h in headings:
                i = hline.find(h, cols[-1][1] + 1 if cols else 0)
                cols.append((h, i))
            dcols = [(h, columns(hline)[0][i]) for h, i in cols]
            rows = 0
            for line in lines[head + 1:]:
                if not line.strip() or line.startswith(" (") or line.startswith("F1"):
                    break
                rows += 1
                for h, c in dcols[1:]:
                    before = cell_at(line, c - 1)
                    if before not in (" ", None):
                        problems.append("row %r: the %s column does not start at column %d"
                                        % (line, h, c))
            if rows == 0:
                problems.append("no list rows under the headings")
    for p in problems:
        print("# " + p)
    if problems:
        print("# the screen was:")
        for line in lines:
            print("# |" + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
