#!/usr/bin/env python3
"""Python's side of `cargo bench --bench imap_e2e` (benches/imap_e2e.rs runs it): the
set-up of the bench's mailboxes, and the same fetches as mailwire with the standard
library's imaplib, the reference.

    imap_e2e.py setup     HOST PORT CA USER MAILBOX small|large COUNT [MAILDIR]
    imap_e2e.py envelopes HOST PORT CA USER MAILBOX
    imap_e2e.py bodies    HOST PORT CA USER MAILBOX

The password comes in MAILWIRE_BENCH_PASSWORD, never on the command line. Each command
prints one line of `key=value` words for the bench to read.

setup: fills MAILBOX with COUNT messages unless it already holds exactly that many (then
it is reused), then has the server index it once (EXAMINE and a FETCH of every envelope).
When MAILDIR (the user's Maildir++ root) is given and writable, the messages are written
straight into a new folder there, built beside it and renamed in whole, so the server never
sees half of it: Dovecot saving 10,000 APPENDs with an fsync each takes minutes. Otherwise
they go in as MULTIAPPEND commands of many LITERAL+ literals (one round trip per batch) when
the server offers both, else one imaplib APPEND at a time.

envelopes / bodies: one `UID FETCH 1:*` of `(UID FLAGS ENVELOPE)` or `(BODY.PEEK[])`, the
fastest way imaplib has (one command, every answer read by imaplib's own reader). Only the
FETCH is timed; imaplib hands back the raw response lines and literals without parsing the
ENVELOPE, which mailwire does.
"""

import imaplib
import os
import re
import ssl
import sys
import time

SMALL_BATCH = 500
LARGE_BATCH = 50
# A 20 KiB body: lines of 76 characters, as a mail program would wrap them.
LARGE_BODY_BYTES = 20 * 1024


def connect(host, port, ca, user):
    context = ssl.create_default_context(cafile=ca)
    imap = imaplib.IMAP4_SSL(host, int(port), ssl_context=context)
    imap.login(user, os.environ["MAILWIRE_BENCH_PASSWORD"])
    return imap


def message(kind, n):
    """Message number n (from 0) of a kind: `small` (a few hundred bytes, like a
    notification) or `large` (a 20 KiB text body)."""
    head = (
        f'From: "Sender {n % 97}" <sender{n % 97}@example.org>\r\n'
        f'To: "Reader" <reader@mailwire.test>\r\n'
        f"Cc: team{n % 5}@example.org\r\n"
        f"Subject: Bench message {n}: a subject of an ordinary length\r\n"
        f"Date: Fri, 04 Dec 2026 {n // 3600 % 24:02}:{n // 60 % 60:02}:{n % 60:02} +0000\r\n"
        f"Message-ID: <bench-{kind}-{n}@mailwire.test>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    )
    if kind == "small":
        body = f"Hello,\r\n\r\nthis is message {n} of the end-to-end bench.\r\n\r\n-- \r\nThe bench\r\n"
    else:
        line = (f"line of message {n} " * 8)[:74] + "\r\n"
        body = line * (LARGE_BODY_BYTES // len(line))
        body += "x" * (LARGE_BODY_BYTES - len(body) - 2) + "\r\n"
    return (head + body).encode()


def flags(n):
    """A mix like a real mailbox: most read, some answered or flagged."""
    names = []
    if n % 4:
        names.append("\\Seen")
    if n % 7 == 0:
        names.append("\\Answered")
    if n % 13 == 0:
        names.append("\\Flagged")
    return "(" + " ".join(names) + ")"


def write_maildir(maildir, mailbox, kind, count):
    """The folder `.MAILBOX` under the Maildir++ root `maildir`, with the same owner as the
    root (the server's mail user, when this runs as root)."""
    root = os.stat(maildir)
    staging = os.path.join(os.path.dirname(os.path.abspath(maildir)), f".bench-staging-{os.getpid()}")
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(staging, sub))
    stamp = int(time.time())
    letters = {"\\Flagged": "F", "\\Answered": "R", "\\Seen": "S"}
    for n in range(count):
        info = "".join(sorted(letters[f] for f in flags(n)[1:-1].split()))
        # Maildir files hold LF line ends; the server gives CRLF on the wire.
        body = message(kind, n).replace(b"\r\n", b"\n")
        name = os.path.join(staging, "cur", f"{stamp}.M{n}P{os.getpid()}.mailwire-bench:2,{info}")
        with open(name, "wb") as file:
            file.write(body)
    if os.geteuid() == 0:
        for directory, _, files in os.walk(staging):
            os.chown(directory, root.st_uid, root.st_gid)
            for file in files:
                os.chown(os.path.join(directory, file), root.st_uid, root.st_gid)
    os.rename(staging, os.path.join(maildir, "." + mailbox))


def setup(imap, mailbox, kind, count, maildir=None):
    started = time.perf_counter()
    typ, data = imap.status(mailbox, "(MESSAGES)")
    if typ == "OK":
        found = re.search(rb"MESSAGES (\d+)", data[0] or b"")
        if found and int(found.group(1)) == count:
            print(f"reused=1 messages={count} seconds={time.perf_counter() - started:.3f}")
            return
        # Left half-filled by an interrupted run: made again from nothing.
        check(imap.delete(mailbox), "DELETE")
    if maildir and os.access(maildir, os.W_OK):
        write_maildir(maildir, mailbox, kind, count)
        how = "maildir"
    else:
        check(imap.create(mailbox), "CREATE")
        how = "append"
    check(imap.capability(), "CAPABILITY")
    caps = set(imap.untagged_responses.get("CAPABILITY", [b""])[-1].upper().split())
    batch = SMALL_BATCH if kind == "small" else LARGE_BATCH
    if how == "maildir":
        pass
    elif b"MULTIAPPEND" in caps and b"LITERAL+" in caps:
        for number, start in enumerate(range(0, count, batch)):
            tag = f"BENCH{number}"
            parts = [f"{tag} APPEND {mailbox}".encode()]
            for n in range(start, min(count, start + batch)):
                body = message(kind, n)
                parts.append(f" {flags(n)} {{{len(body)}+}}\r\n".encode() + body)
            parts.append(b"\r\n")
            imap.send(b"".join(parts))
            while True:
                line = imap.readline()
                if not line:
                    sys.exit("the server closed the connection during the set-up")
                if line.startswith(tag.encode() + b" "):
                    if not line.startswith(tag.encode() + b" OK"):
                        sys.exit(f"APPEND refused: {line!r}")
                    break
    else:
        how = "imaplib-append"
        for n in range(count):
            check(imap.append(mailbox, flags(n), None, message(kind, n)), "APPEND")
    # Dovecot indexes the new mailbox once here, outside every timed part.
    check(imap.select(mailbox, readonly=True), "EXAMINE")
    data = check(imap.uid("FETCH", "1:*", "(UID FLAGS ENVELOPE)"), "FETCH")
    if len(data) != count:
        sys.exit(f"{mailbox} holds {len(data)} messages after the set-up, not {count}")
    imap.close()
    seconds = time.perf_counter() - started
    print(f"reused=0 how={how} messages={count} seconds={seconds:.3f}")


def check(result, what):
    typ, data = result
    if typ != "OK":
        sys.exit(f"{what} failed: {data!r}")
    return data


def timed_fetch(imap, mailbox, items):
    typ, data = imap.select(mailbox, readonly=True)
    if typ != "OK":
        sys.exit(f"EXAMINE {mailbox} failed: {data!r}")
    wall = time.perf_counter()
    cpu = time.process_time()
    data = check(imap.uid("FETCH", "1:*", items), "UID FETCH")
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    messages = 0
    literal_bytes = 0
    for entry in data:
        head = entry[0] if isinstance(entry, tuple) else entry
        if re.match(rb"\d+ \(", head or b""):
            messages += 1
        if isinstance(entry, tuple):
            literal_bytes += len(entry[1])
    print(f"messages={messages} bytes={literal_bytes} wall_s={wall:.6f} cpu_s={cpu:.6f}")


def main():
    command, host, port, ca, user, mailbox = sys.argv[1:7]
    imap = connect(host, port, ca, user)
    if command == "setup":
        maildir = sys.argv[9] if len(sys.argv) > 9 else None
        setup(imap, mailbox, sys.argv[7], int(sys.argv[8]), maildir)
    elif command == "envelopes":
        timed_fetch(imap, mailbox, "(UID FLAGS ENVELOPE)")
    elif command == "bodies":
        timed_fetch(imap, mailbox, "(BODY.PEEK[])")
    else:
        sys.exit(f"unknown command {command}")
    imap.logout()


if __name__ == "__main__":
    main()
