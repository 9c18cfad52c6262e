#!/usr/bin/python3
"""Plays systemd's part for one daemon (t/systemd-notify.t): a notify socket
in NOTIFY_SOCKET, the daemon started with it, and what the daemon says.

  systemd-notify.py SOCKET [--unix PATH] [--tcp HOST:PORT] [--detached] -- CMD...

Prints one line per fact, for the .t to check:
  READY mainpid=N child=N     READY=1 arrived (MAINPID as sent, the child's pid)
  SERVING unix=yes|no tcp=yes|no   probed at once when READY=1 arrived
  STOPPING                    STOPPING=1 arrived after SIGTERM
  EXIT N                      the daemon's exit status
  NONE                        --detached: nothing was sent (the starter exited 0)
  TIMEOUT what                a bounded wait ran out
Every wait is bounded; the daemon is killed by pid if it outlives the run."""
import os
import signal
import socket
import subprocess
import sys
import time


def probe_unix(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def probe_tcp(address):
    host, port = address.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
        return True
    except OSError:
        return False


def receive(sock, wanted, seconds):
    """Datagrams until one has the line `wanted`; its fields, or None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = sock.recv(4096).decode("utf-8", "replace")
        except socket.timeout:
            break
        fields = dict(line.split("=", 1) for line in data.split("\n") if "=" in line)
        if fields.get(wanted.split("=")[0]) == wanted.split("=")[1]:
            return fields
    return None


def main():
    args = sys.argv[1:]
    path, args = args[0], args[1:]
    unix = tcp = None
    detached = False
    while args and args[0] != "--":
        if args[0] == "--unix":
            unix, args = args[1], args[2:]
        elif args[0] == "--tcp":
            tcp, args = args[1], args[2:]
        elif args[0] == "--detached":
            detached, args = True, args[1:]
        else:
            sys.exit("unknown option " + args[0])
    command = args[1:]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    child = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    try:
        if detached:
            try:
                status = child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print("TIMEOUT starter")
                return
            print("EXIT %d" % status)
            print("NONE" if receive(sock, "READY=1", 2) is None else "READY from a detached daemon")
            return
        fields = receive(sock, "READY=1", 30)
        if fields is None:
            print("TIMEOUT ready")
            return
        serving = []
        if unix:
            serving.append("unix=" + ("yes" if probe_unix(unix) else "no"))
        if tcp:
            serving.append("tcp=" + ("yes" if probe_tcp(tcp) else "no"))
        print("READY mainpid=%s child=%d" % (fields.get("MAINPID", "?"), child.pid))
        print("SERVING " + " ".join(serving))
        child.send_signal(signal.SIGTERM)
        print("STOPPING" if receive(sock, "STOPPING=1", 30) is not None else "TIMEOUT stopping")
        try:
            print("EXIT %d" % child.wait(timeout=60))
        except subprocess.TimeoutExpired:
            print("TIMEOUT exit")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        sock.close()
        os.unlink(path)
        sys.stdout.flush()


main()
