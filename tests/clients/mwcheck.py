"""What the client checks share: reporting, TLS, reading IMAP data as imaplib hands it over,
IDLE by hand (imaplib in Python 3.11 has none) and the test messages.

Every check prints `ok - NAME` when it holds; the first one that does not prints
`not ok - NAME: expected ..., got ...` and ends the script with exit status 1. Passwords are
never printed.
"""

import imaplib
import os
import re
import socket
import ssl
import sys
import time
import traceback

MODES = ("rfc", "icloud", "dovecot")
HERE = os.path.dirname(os.path.abspath(__file__))


class CheckFailed(Exception):
    pass


def ok(name):
    print(f"ok - {name}", flush=True)


def fail(name, expected, got):
    print(f"not ok - {name}: expected {expected!r}, got {got!r}", flush=True)
    sys.exit(1)


def check(name, condition, expected="true", got="false"):
    if not condition:
        fail(name, expected, got)
    ok(name)


def check_eq(name, got, expected):
    if got != expected:
        fail(name, expected, got)
    ok(name)


def run_main(main):
    """Runs `main`; an exception out of a client library is a failed check too, said once."""
    try:
        main()
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001 - any failure must end in `not ok`
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if os.path.dirname(os.path.abspath(f.filename)) == HERE]
        frame = (ours or frames)[-1]
        where = f"{os.path.basename(frame.filename)}:{frame.lineno}: {frame.line}"
        print(f"not ok - unexpected {type(error).__name__}: {error} (at {where})", flush=True)
        sys.exit(1)


def parse_mode(value):
    if value not in MODES:
        print(f"MODE must be one of {', '.join(MODES)}, not {value!r}", file=sys.stderr)
        sys.exit(2)
    return value


def take_args(target, argv, names, usage):
    """Sets `target.NAME` for each of `names` from the command line: a name ending in
    `_port` becomes an int, `mode` is checked; a wrong count prints `usage` and exits 2."""
    if len(argv) != len(names) + 1:
        print(usage, file=sys.stderr)
        sys.exit(2)
    for name, value in zip(names, argv[1:]):
        if name.endswith("_port"):
            value = int(value)
        elif name == "mode":
            value = parse_mode(value)
        setattr(target, name, value)


def tls_context(cafile):
    """Trusts only the server's CA, and checks the host name (or IP address) as clients do."""
    context = ssl.create_default_context(cafile=cafile)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


# ---------------------------------------------------------------- IMAP connections

def imap_tls(host, port, cafile, timeout=10):
    return imaplib.IMAP4_SSL(host, port, ssl_context=tls_context(cafile), timeout=timeout)


def imap_starttls(host, port, cafile, timeout=10):
    imap = imaplib.IMAP4(host, port, timeout=timeout)
    imap.starttls(ssl_context=tls_context(cafile))
    return imap


def login(imap, user, password):
    typ, _ = imap.login(user, password)
    if typ != "OK":
        fail("login", "OK", typ)
    return imap


def capabilities(imap):
    """What CAPABILITY says now (imaplib's cached list goes stale after login)."""
    typ, data = imap.capability()
    if typ != "OK" or not data or data[0] is None:
        fail("CAPABILITY", "OK with a list", (typ, data))
    return set(data[-1].decode().upper().split())


# ---------------------------------------------------------------- reading IMAP data

class _Literal:
    def __init__(self, data):
        self.data = data


_LITERAL_MARK = re.compile(rb"\{(\d+)\+?\}\s*$")


def _segments(data):
    """imaplib splits a response at each literal into (head, literal) pairs: one list of
    text and literals again, the `{n}` marks dropped."""
    out = []
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):
            head, literal = item
            out.append(_LITERAL_MARK.sub(b"", head))
            out.append(_Literal(literal))
        else:
            out.append(item)
    return out


def parse_values(data):
    """Every top-level value in imaplib's data for one command: atoms and quoted strings as
    bytes, NIL as None, literals as bytes, parenthesised lists as Python lists."""
    tokens = []
    for segment in _segments(data):
        if isinstance(segment, _Literal):
            tokens.append(("value", segment.data))
            continue
        tokens.extend(_tokens(segment))
    values, rest = _read_list(tokens, 0, top=True)
    if rest != len(tokens):
        raise CheckFailed(f"unbalanced IMAP data: {data!r}")
    return values


def _tokens(text):
    i, n = 0, len(text)
    while i < n:
        c = text[i:i + 1]
        if c in b" \r\n":
            i += 1
        elif c in b"()":
            yield (c.decode(), None)
            i += 1
        elif c == b'"':
            i += 1
            value = bytearray()
            while i < n and text[i:i + 1] != b'"':
                if text[i:i + 1] == b"\\":
                    i += 1
                value += text[i:i + 1]
                i += 1
            i += 1
            yield ("value", bytes(value))
        else:
            start = i
            depth = 0
            while i < n:
                c = text[i:i + 1]
                if c == b"[":
                    depth += 1
                elif c == b"]":
                    depth -= 1
                elif depth == 0 and c in b" ()\r\n":
                    break
                i += 1
            atom = text[start:i]
            yield ("value", None if atom.upper() == b"NIL" else atom)


def _read_list(tokens, i, top=False):
    values = []
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "(":
            inner, i = _read_list(tokens, i + 1)
            values.append(inner)
        elif kind == ")":
            if top:
                raise CheckFailed("a ')' with no '('")
            return values, i + 1
        else:
            values.append(value)
            i += 1
    if not top:
        raise CheckFailed("a '(' with no ')'")
    return values, i


def fetch_answers(data):
    """FETCH data from imaplib as {seq: {ITEM: value}} (item names upper-cased)."""
    values = parse_values(data)
    answers = {}
    for seq, items in zip(values[::2], values[1::2]):
        pairs = dict()
        for name, value in zip(items[::2], items[1::2]):
            pairs[name.decode().upper()] = value
        answers.setdefault(int(seq), {}).update(pairs)
    return answers


def fetch(imap, name, message_set, items, uid=False):
    if uid:
        typ, data = imap.uid("FETCH", message_set, items)
    else:
        typ, data = imap.fetch(message_set, items)
    if typ != "OK":
        fail(name, "OK", (typ, data))
    if data == [None]:
        return {}
    return fetch_answers(data)


def fetch_one(imap, name, seq, items):
    """The items of message `seq` in a FETCH answer; a missing answer is a failed check."""
    answers = fetch(imap, name, str(seq), items)
    if seq not in answers:
        fail(name, f"a FETCH answer for message {seq}", answers)
    return answers[seq]


def search(imap, name, *criteria, uid=False):
    if uid:
        typ, data = imap.uid("SEARCH", *criteria)
    else:
        typ, data = imap.search(None, *criteria)
    if typ != "OK":
        fail(name, "OK", (typ, data))
    numbers = []
    for line in data:
        if line:
            numbers.extend(int(n) for n in line.split())
    return sorted(numbers)


def mailboxes(imap):
    """LIST "" "*" as {name: set of attributes (lower case)}."""
    typ, data = imap.list('""', "*")
    if typ != "OK":
        fail("LIST", "OK", (typ, data))
    found = {}
    for line in data:
        if line is None:
            continue
        values = parse_values([line])
        attributes, _delimiter, name = values[0], values[1], values[2]
        found[name.decode()] = {a.decode().lower() for a in attributes}
    return found


def select(imap, mailbox, readonly=False):
    typ, data = imap.select(quote(mailbox), readonly=readonly)
    if typ != "OK":
        fail(f"SELECT {mailbox}", "OK", (typ, data))
    return int(data[0])


def quote(mailbox):
    """imaplib sends arguments as they are: a name with a space must be quoted here."""
    if re.fullmatch(r"[A-Za-z0-9_.\-/]+", mailbox):
        return mailbox
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def message_count(imap, mailbox):
    typ, data = imap.status(quote(mailbox), "(MESSAGES)")
    if typ != "OK":
        fail(f"STATUS {mailbox}", "OK", (typ, data))
    match = re.search(rb"MESSAGES (\d+)", data[0])
    return int(match.group(1))


def wait_for_count(host, port, cafile, user, password, mailbox, count, within=10.0):
    """Polls a mailbox over a fresh connection until it holds `count` messages."""
    imap = login(imap_tls(host, port, cafile), user, password)
    deadline = time.monotonic() + within
    try:
        while True:
            have = message_count(imap, mailbox)
            if have >= count or time.monotonic() > deadline:
                return have
            time.sleep(0.1)
    finally:
        imap.logout()


# ---------------------------------------------------------------- IDLE by hand

class Idle:
    """IDLE on an imaplib connection, written out since imaplib 3.11 has no idle().

    `start` sends IDLE and reads to the `+`, keeping what a server pushes before it (iCloud
    does); `wait_for` reads pushes until one matches; `done` sends DONE and reads the tagged
    completion."""

    def __init__(self, imap):
        self.imap = imap
        self.tag = None
        self.before_continuation = []

    def _line(self, timeout):
        self.imap.sock.settimeout(timeout)
        try:
            line = self.imap.readline()
        finally:
            self.imap.sock.settimeout(None)
        if not line:
            raise CheckFailed("the server closed the connection during IDLE")
        return line.rstrip(b"\r\n")

    def start(self):
        self.tag = self.imap._new_tag()
        self.imap.send(self.tag + b" IDLE\r\n")
        while True:
            line = self._line(5)
            if line.startswith(b"+"):
                return self.before_continuation
            if line.startswith(self.tag + b" "):
                fail("IDLE answered with '+'", "+ ...", line)
            self.before_continuation.append(line)

    def wait_for(self, pattern, timeout):
        """The first pushed line matching `pattern` (a regex on bytes), with the seconds it
        took; None when nothing matched within `timeout` seconds."""
        started = time.monotonic()
        seen = []
        while True:
            left = timeout - (time.monotonic() - started)
            if left <= 0:
                return None, seen
            try:
                line = self._line(left)
            except (socket.timeout, TimeoutError):
                return None, seen
            seen.append(line)
            if re.search(pattern, line):
                return line, time.monotonic() - started

    def send_line(self, line):
        self.imap.send(line + b"\r\n")

    def done(self):
        self.imap.send(b"DONE\r\n")
        while True:
            line = self._line(5)
            if line.startswith(self.tag + b" "):
                self.imap.tagged_commands.pop(self.tag, None)
                return line


# ---------------------------------------------------------------- messages

def plain_message(subject, sender, to, body="A line of text.\r\n", message_id=None):
    message_id = message_id or f"<{time.time_ns()}.{subject.replace(' ', '-')}@mailwire.test>"
    return (
        f"From: Sender <{sender}>\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Date: Mon, 7 Jul 2025 10:00:00 +0000\r\n"
        f"Message-ID: {message_id}\r\n"
        f"MIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=us-ascii\r\n"
        f"\r\n"
        f"{body}"
    ).encode()


def strip_trace_fields(message):
    """The message without the trace fields (Received:, Return-Path:, Delivered-To:) that a
    receiving MTA may put on top; what else it changed stays for the byte comparison."""
    lines = message.split(b"\r\n")
    i = 0
    trace = re.compile(rb"(?i)^(received|return-path|delivered-to|x-original-to):")
    while i < len(lines) and trace.match(lines[i]):
        i += 1
        while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
            i += 1
    return b"\r\n".join(lines[i:])
