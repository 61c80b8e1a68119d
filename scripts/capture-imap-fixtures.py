#!/usr/bin/env python3
"""Record raw IMAP transcripts from the project's real Dovecot as codec fixtures.

    scripts/test-servers start
    scripts/capture-imap-fixtures.py [--out DIR] [--env FILE]

Talks IMAP through its own minimal client (socket + ssl, standard library
only) so that the recorded bytes are exactly what went over the wire: every
command is written as given, and every response is read line by line with
literals ({N} and literal8 ~{N}) taken by count. For each scenario it writes

    <out>/<name>.client   the bytes the client sent
    <out>/<name>.server   the bytes Dovecot sent, cut after a tagged response

plus <out>/README.md describing them. The default <out> is
tests/fixtures/imap/dovecot/ next to this script.

Setup steps (connect and LOGIN for post-login scenarios, SELECT before a
FETCH) are not recorded unless the scenario is about them; their tags start
with "S" while recorded commands use "A". Everything happens in user alice's
mailboxes under "fixtures/", which are deleted before and after a run, so
the script can be re-run; only UIDVALIDITY, UIDs, MODSEQs, the timings in
Dovecot's tagged OK texts and the INTERNALDATE of the one APPEND without a
date change between runs.

The test passwords are public (scripts/test-servers), so they are stored in
the .client files as sent.
"""

import argparse
import base64
import os
import re
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_ENV = os.environ.get("MAILWIRE_TEST_ENV", "/tmp/mailwire-test-servers/env")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "imap" / "dovecot"
# Every read gives up after this long: a missing response is a bug here, not a wait.
READ_TIMEOUT = 20.0
# Dovecot notices changes by inotify at once; its fallback poll is 30 s.
IDLE_PUSH_TIMEOUT = 45.0
ROOT = "fixtures"
MAIN = ROOT + "/main"

# A response ends its line with a literal announcement when more bytes follow by count.
LITERAL_AT_END = re.compile(rb"~?\{(\d+)\+?\}\r\n\Z")


def load_env(path):
    env = {}
    for line in Path(path).read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


class Lit:
    """A literal argument: sent as {N} (waiting for '+') or {N+} (LITERAL+)."""

    def __init__(self, data, non_sync=False):
        self.data = data
        self.non_sync = non_sync


class Failed(Exception):
    pass


class Session:
    """One IMAP connection that records the bytes of both directions."""

    def __init__(self, env, port, implicit_tls=False, recording=True):
        self.env = env
        sock = socket.create_connection((env["MAILWIRE_TEST_HOST"], port), timeout=READ_TIMEOUT)
        if implicit_tls:
            sock = tls_context(env).wrap_socket(sock, server_hostname=env["MAILWIRE_TEST_TLS_NAME"])
        self.sock = sock
        self.buf = bytearray()
        self.client = bytearray()
        self.server = bytearray()
        self.recording = recording
        self.counters = {"A": 0, "S": 0}

    # ---------------------------------------------------------------- raw I/O

    def send(self, data):
        self.sock.sendall(data)
        if self.recording:
            self.client += data

    def _fill(self, deadline=None):
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("deadline passed")
            self.sock.settimeout(min(remaining, READ_TIMEOUT))
        try:
            chunk = self.sock.recv(65536)
        finally:
            self.sock.settimeout(READ_TIMEOUT)
        if not chunk:
            raise Failed("server closed the connection")
        self.buf += chunk

    def read_response(self, deadline=None):
        """One complete server response: its lines and the literals between them."""
        out = bytearray()
        scanned = 0
        while True:
            end = self.buf.find(b"\r\n", scanned)
            while end < 0:
                scanned = max(0, len(self.buf) - 1)
                self._fill(deadline)
                end = self.buf.find(b"\r\n", scanned)
            line = bytes(self.buf[: end + 2])
            del self.buf[: end + 2]
            scanned = 0
            out += line
            match = LITERAL_AT_END.search(line)
            if not match:
                break
            size = int(match.group(1))
            while len(self.buf) < size:
                self._fill(deadline)
            out += self.buf[:size]
            del self.buf[:size]
        if self.recording:
            self.server += out
        return bytes(out)

    # ---------------------------------------------------------------- commands

    def next_tag(self):
        prefix = "A" if self.recording else "S"
        self.counters[prefix] += 1
        return f"{prefix}{self.counters[prefix]}".encode()

    def wait_continuation(self, tag):
        """Read until a '+' continuation; None when the command ended instead."""
        while True:
            response = self.read_response()
            if response.startswith(b"+"):
                return response
            if response.startswith(tag + b" "):
                return None

    def read_until_tagged(self, tag, responses):
        while True:
            response = self.read_response()
            responses.append(response)
            if response.startswith(tag + b" "):
                return response

    def command(self, *parts, expect="OK"):
        """Send one command built from bytes and Lit parts; return all responses.

        A synchronising literal waits for the server's '+' before its bytes go out.
        `expect` is the status the tagged response must have (None: any).
        """
        tag = self.next_tag()
        pending = tag + b" "
        responses = []
        for part in parts:
            if isinstance(part, Lit):
                pending += b"{%d%s}\r\n" % (len(part.data), b"+" if part.non_sync else b"")
                if not part.non_sync:
                    self.send(pending)
                    pending = b""
                    # Untagged data may come before the '+'; keep it in the record.
                    cont = None
                    while cont is None:
                        response = self.read_response()
                        responses.append(response)
                        if response.startswith(b"+"):
                            cont = response
                        elif response.startswith(tag + b" "):
                            return self._check(tag, responses, expect)
                pending += part.data
            else:
                pending += part
        self.send(pending + b"\r\n")
        self.read_until_tagged(tag, responses)
        return self._check(tag, responses, expect)

    def _check(self, tag, responses, expect):
        tagged = responses[-1]
        if expect is not None and not tagged.startswith(tag + b" " + expect.encode()):
            raise Failed(f"expected {expect} for {tag!r}, got {tagged!r}")
        return responses

    def starttls(self):
        self.command(b"STARTTLS")
        if self.buf:
            raise Failed("bytes buffered before the TLS handshake")
        self.sock = tls_context(self.env).wrap_socket(
            self.sock, server_hostname=self.env["MAILWIRE_TEST_TLS_NAME"]
        )

    def unrecorded(self):
        session = self

        class Quiet:
            def __enter__(self):
                self.was = session.recording
                session.recording = False

            def __exit__(self, *exc):
                session.recording = self.was

        return Quiet()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def tls_context(env):
    context = ssl.create_default_context(cafile=env["MAILWIRE_TEST_CA"])
    context.check_hostname = True
    return context


def quoted(text):
    data = text.encode() if isinstance(text, str) else text
    return b'"' + data.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def crlf(text):
    data = text.encode() if isinstance(text, str) else text
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def first_number(responses, pattern):
    for response in responses:
        match = re.search(pattern, response)
        if match:
            return int(match.group(1))
    raise Failed(f"no {pattern!r} in {responses!r}")


# -------------------------------------------------------------------- messages

PNG_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
# Every byte value twice: NUL, CR and LF included, for BINARY[] and literal8.
ALL_BYTES = bytes(range(256)) * 2


def b64_lines(data):
    return base64.encodebytes(data).decode()


MSG_PLAIN = crlf(
    """Date: Fri, 05 Jan 2024 10:00:00 +0100
From: Alice Example <alice@mailwire.test>
To: Bob Example <bob@mailwire.test>
Subject: Plain text fixture
Message-ID: <plain.1@mailwire.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Hello Bob,

This is the plain text fixture. The quick brown fox jumps over the lazy dog.
It has a few lines so that a partial fetch <0.100> cuts inside the body.

-- 
Alice
"""
)

MSG_MIXED = crlf(
    """Date: Sat, 10 Feb 2024 11:30:00 +0000
From: Bob Example <bob@mailwire.test>
To: Alice Example <alice@mailwire.test>
Cc: carol@example.org, Dave <dave@example.org>
Subject: Multipart mixed with attachments
Message-ID: <mixed.2@mailwire.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed-boundary-2"

This is a multi-part message in MIME format.

--mixed-boundary-2
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit
Content-Language: en

Two attachments follow: a PNG image and 512 bytes of binary data.

--mixed-boundary-2
Content-Type: image/png; name="pixel.png"
Content-Transfer-Encoding: base64
Content-ID: <pixel.png@mailwire.test>
Content-Description: A one-pixel image
Content-Disposition: attachment; filename="pixel.png"

"""
    + b64_lines(PNG_PIXEL)
    + """--mixed-boundary-2
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename*=utf-8''b%C3%BCcher.bin

"""
    + b64_lines(ALL_BYTES)
    + """--mixed-boundary-2--
"""
)

MSG_ALTERNATIVE = crlf(
    """Date: Mon, 11 Mar 2024 08:15:00 -0500
From: Bob Example <bob@mailwire.test>
To: Alice Example <alice@mailwire.test>
Subject: Re: Plain text fixture
Message-ID: <alternative.3@mailwire.test>
In-Reply-To: <plain.1@mailwire.test>
References: <plain.1@mailwire.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-3"

--alt-3
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Caf=C3=A9 at noon? The plain alternative.
--alt-3
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><body><p>Caf=C3=A9 at <b>noon</b>? The HTML alternative.</p></body></h=
tml>
--alt-3--
"""
)

MSG_NESTED = crlf(
    """Date: Sun, 14 Apr 2024 16:45:30 +0200
From: Alice Example <alice@mailwire.test>
To: Bob Example <bob@mailwire.test>
Subject: Fwd: Quarterly report
Message-ID: <nested.4@mailwire.test>
In-Reply-To: <alternative.3@mailwire.test>
References: <plain.1@mailwire.test> <alternative.3@mailwire.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer-4"

--outer-4
Content-Type: multipart/alternative; boundary="alt-4"

--alt-4
Content-Type: text/plain; charset=us-ascii

See the forwarded message below.
--alt-4
Content-Type: multipart/related; boundary="rel-4"; type="text/html"

--rel-4
Content-Type: text/html; charset=us-ascii

<p>See the forwarded message below. <img src="cid:dot.gif@mailwire.test"></p>
--rel-4
Content-Type: image/gif
Content-Transfer-Encoding: base64
Content-ID: <dot.gif@mailwire.test>
Content-Disposition: inline

R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7
--rel-4--

--alt-4--

--outer-4
Content-Type: message/rfc822
Content-Disposition: attachment; filename="report.eml"

Date: Tue, 02 Apr 2024 09:00:00 +0000
From: Carol <carol@example.org>
To: Alice Example <alice@mailwire.test>
Subject: Quarterly report
Message-ID: <report.inner@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inner-4"

--inner-4
Content-Type: text/plain; charset=us-ascii

The report is attached.
--inner-4
Content-Type: text/csv; charset=us-ascii; name="q1.csv"
Content-Disposition: attachment; filename="q1.csv"

quarter,revenue
Q1,1000
--inner-4--

--outer-4--
"""
)

MSG_ENCODED_WORDS = crlf(
    """Date: Wed, 15 May 2024 12:00:00 +0900
From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@example.net>
To: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro@example.jp>, "Doe, Jane" <jane@example.org>
Reply-To: =?UTF-8?Q?Fran=C3=A7oise?= <francoise@example.fr>
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?= =?UTF-8?B?IOKAkyDwn5iA?=
Message-ID: <encoded.5@mailwire.test>
References: <alternative.3@mailwire.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Gr=C3=BC=C3=9Fe! Encoded words in From, To, Reply-To and Subject.
"""
)

MSG_EIGHT_BIT = crlf(
    """Date: Thu, 20 Jun 2024 18:30:00 +0000
From: Alice Example <alice@mailwire.test>
To: Bob Example <bob@mailwire.test>
Subject: Eight-bit body
Message-ID: <eightbit.6@mailwire.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Grüße aus Köln — naïve café, 日本語, emoji 😀.
The next line holds the raw bytes 0x80 to 0xFF (not UTF-8), and no NUL:
""".encode()
    + bytes(range(0x80, 0x100))
    + b"\nEnd of the eight-bit body.\n"
)

MSG_ODD_HEADERS = crlf(
    """From: "Zoë \\"Z\\" Ünal" <zoe@example.com>
To: undisclosed-recipients:;
Cc: Team: one@example.com, two@example.com;
Subject: Raw UTF-8 Grüße with "quotes" and \\backslash
Message-ID: <odd.7@mailwire.test>
Content-Type: text/plain

Headers with raw UTF-8, quotes, a backslash, group addresses, no Date
and no MIME-Version.
""".encode()
)

# (message, flags, INTERNALDATE, sent with LITERAL+)
MESSAGES = [
    (MSG_PLAIN, rb"(\Seen)", b'"05-Jan-2024 10:00:05 +0100"', False),
    (MSG_MIXED, rb"(\Flagged $Forwarded)", b'"10-Feb-2024 11:30:05 +0000"', False),
    (MSG_ALTERNATIVE, b"()", b'"11-Mar-2024 08:15:05 -0500"', True),
    (MSG_NESTED, rb"(\Answered \Seen)", b'"14-Apr-2024 16:45:35 +0200"', False),
    (MSG_ENCODED_WORDS, b"($Label1)", b'"15-May-2024 12:00:05 +0900"', False),
    (MSG_EIGHT_BIT, rb"(\Draft)", b'" 1-Jul-2024 07:05:00 +0000"', False),
    (MSG_ODD_HEADERS, None, b'"31-Dec-2024 23:59:59 -1200"', False),
]


# -------------------------------------------------------------------- scenarios

SCENARIOS = []


def scenario(name, description):
    def register(function):
        SCENARIOS.append((name, description, function))
        return function

    return register


class Capture:
    def __init__(self, env, out):
        self.env = env
        self.out = out
        self.user, self.password = env["MAILWIRE_TEST_USER1"], env["MAILWIRE_TEST_PASS1"]
        self.state = {}
        self.sessions = []

    def connect(self, port_key="MAILWIRE_TEST_IMAP_PORT", implicit_tls=False, recording=True):
        session = Session(self.env, int(self.env[port_key]), implicit_tls, recording)
        self.sessions.append(session)
        return session

    def logged_in(self, mailbox=None, enable=None, examine=False):
        """A session past LOGIN (and ENABLE / SELECT), with nothing recorded yet."""
        session = self.connect(recording=False)
        session.read_response()
        session.command(b"LOGIN ", quoted(self.user), b" ", quoted(self.password))
        if enable:
            session.command(b"ENABLE " + enable)
        if mailbox:
            session.command((b"EXAMINE " if examine else b"SELECT ") + quoted(mailbox))
        session.recording = True
        return session

    def logout(self, session):
        with session.unrecorded():
            session.command(b"LOGOUT")
        session.close()

    def write(self, name, session):
        (self.out / f"{name}.client").write_bytes(bytes(session.client))
        (self.out / f"{name}.server").write_bytes(bytes(session.server))

    # ------------------------------------------------------------ housekeeping

    def remove_fixture_mailboxes(self):
        session = self.connect(recording=False)
        session.read_response()
        session.command(b"LOGIN ", quoted(self.user), b" ", quoted(self.password))
        names = []
        # Subscriptions outlive their mailboxes (a RENAME leaves one behind), so list those too.
        for selection in (b"", b"(SUBSCRIBED) "):
            for response in session.command(b"LIST " + selection + b'"" ' + quoted(ROOT + "*")):
                match = re.match(rb'\* LIST \([^)]*\) (?:NIL|"[^"]*") (.*)\r\n\Z', response)
                if match:
                    names.append(unquote(match.group(1)))
        for name in sorted(set(names), key=lambda n: -n.count(b"/")):
            session.command(b"UNSUBSCRIBE " + quoted(name), expect=None)
            session.command(b"DELETE " + quoted(name), expect=None)
        session.command(b"LOGOUT")
        session.close()


def unquote(token):
    if token.startswith(b'"') and token.endswith(b'"'):
        return re.sub(rb"\\(.)", rb"\1", token[1:-1])
    return token


def check_fixture(path):
    """Re-frame a written .server file: CRLF lines, whole literals, a tagged response last."""
    data = path.read_bytes()
    position = 0
    last = b""
    while position < len(data):
        end = data.find(b"\r\n", position)
        if end < 0:
            raise Failed(f"{path.name}: bytes after the last CRLF at offset {position}")
        line = data[position : end + 2]
        if b"\n" in line[:-2]:
            raise Failed(f"{path.name}: bare LF in the line at offset {position}")
        position = end + 2
        match = LITERAL_AT_END.search(line)
        if match:
            position += int(match.group(1))
            if position > len(data):
                raise Failed(f"{path.name}: literal cut short")
            continue
        last = line
    if not re.match(rb"[A-Z]\d+ (OK|NO|BAD)", last) and not last.startswith(b"* BYE"):
        raise Failed(f"{path.name}: does not end with a tagged response: {last!r}")


def run_scenarios(capture):
    for name, _description, function in SCENARIOS:
        print(f"capture: {name}", file=sys.stderr)
        session = function(capture)
        capture.write(name, session)
        check_fixture(capture.out / f"{name}.server")
        session.close()


# ---- connection, capabilities, authentication


@scenario("greeting-imap", "Greeting and pre-login CAPABILITY on the STARTTLS port 10143, then LOGOUT.")
def greeting_imap(c):
    s = c.connect()
    s.read_response()
    s.command(b"CAPABILITY")
    s.command(b"LOGOUT")
    return s


@scenario("greeting-imaps", "Greeting and pre-login CAPABILITY on the implicit-TLS port 10993 (decrypted), then LOGOUT.")
def greeting_imaps(c):
    s = c.connect("MAILWIRE_TEST_IMAPS_PORT", implicit_tls=True)
    s.read_response()
    s.command(b"CAPABILITY")
    s.command(b"LOGOUT")
    return s


@scenario(
    "starttls",
    "Greeting, CAPABILITY, STARTTLS, CAPABILITY after TLS, LOGIN, CAPABILITY after login "
    "(bytes after STARTTLS are the decrypted stream).",
)
def starttls(c):
    s = c.connect()
    s.read_response()
    s.command(b"CAPABILITY")
    s.starttls()
    s.command(b"CAPABILITY")
    s.command(b"LOGIN ", quoted(c.user), b" ", quoted(c.password))
    s.command(b"CAPABILITY")
    s.command(b"LOGOUT")
    return s


@scenario("login", "CAPABILITY before LOGIN with atoms, the OK [CAPABILITY ...] of LOGIN, CAPABILITY after it.")
def login(c):
    s = c.connect()
    s.read_response()
    s.command(b"CAPABILITY")
    s.command(b"LOGIN " + c.user.encode() + b" " + c.password.encode())
    s.command(b"CAPABILITY")
    c.logout(s)
    return s


@scenario("login-quoted", "LOGIN with quoted strings; bob's password holds '%', a LIST wildcard.")
def login_quoted(c):
    s = c.connect()
    s.read_response()
    s.command(b"LOGIN ", quoted(c.env["MAILWIRE_TEST_USER2"]), b" ", quoted(c.env["MAILWIRE_TEST_PASS2"]))
    c.logout(s)
    return s


@scenario("login-literal", "LOGIN with user and password as synchronising literals (each waits for '+ OK').")
def login_literal(c):
    s = c.connect()
    s.read_response()
    s.command(b"LOGIN ", Lit(c.user.encode()), b" ", Lit(c.password.encode()))
    c.logout(s)
    return s


@scenario("login-failed", "LOGIN with a wrong password: NO [AUTHENTICATIONFAILED], then LOGOUT.")
def login_failed(c):
    s = c.connect()
    s.read_response()
    s.command(b"LOGIN ", quoted(c.user), b' "wrong-password"', expect="NO")
    s.command(b"LOGOUT")
    return s


def plain_initial_response(c):
    return base64.b64encode(b"\0" + c.user.encode() + b"\0" + c.password.encode())


@scenario("authenticate-plain-sasl-ir", "AUTHENTICATE PLAIN with the initial response on the command line (SASL-IR).")
def authenticate_plain_sasl_ir(c):
    s = c.connect()
    s.read_response()
    s.command(b"AUTHENTICATE PLAIN " + plain_initial_response(c))
    c.logout(s)
    return s


@scenario("authenticate-plain-continuation", "AUTHENTICATE PLAIN without SASL-IR: an empty '+ ' challenge, then the response line.")
def authenticate_plain_continuation(c):
    s = c.connect()
    s.read_response()
    tag = s.next_tag()
    s.send(tag + b" AUTHENTICATE PLAIN\r\n")
    if s.wait_continuation(tag) is None:
        raise Failed("no continuation for AUTHENTICATE PLAIN")
    s.send(plain_initial_response(c) + b"\r\n")
    s.read_until_tagged(tag, [])
    c.logout(s)
    return s


@scenario("authenticate-login", "AUTHENTICATE LOGIN: base64 challenges '+ VXNlcm5hbWU6' and '+ UGFzc3dvcmQ6'.")
def authenticate_login(c):
    s = c.connect()
    s.read_response()
    tag = s.next_tag()
    s.send(tag + b" AUTHENTICATE LOGIN\r\n")
    for answer in (c.user, c.password):
        if s.wait_continuation(tag) is None:
            raise Failed("no continuation for AUTHENTICATE LOGIN")
        s.send(base64.b64encode(answer.encode()) + b"\r\n")
    s.read_until_tagged(tag, [])
    c.logout(s)
    return s


@scenario("authenticate-cancel", "AUTHENTICATE PLAIN cancelled with '*': tagged BAD, then LOGOUT.")
def authenticate_cancel(c):
    s = c.connect()
    s.read_response()
    tag = s.next_tag()
    s.send(tag + b" AUTHENTICATE PLAIN\r\n")
    if s.wait_continuation(tag) is None:
        raise Failed("no continuation for AUTHENTICATE PLAIN")
    s.send(b"*\r\n")
    s.read_until_tagged(tag, [])
    s.command(b"LOGOUT")
    return s


# ---- session commands


@scenario("namespace", "NAMESPACE: personal namespace with '/' delimiter, NIL for others and shared.")
def namespace(c):
    s = c.logged_in()
    s.command(b"NAMESPACE")
    return s


@scenario("id", "ID with a parameter list and ID NIL: Dovecot's * ID (...) answer.")
def id_command(c):
    s = c.logged_in()
    s.command(b'ID ("name" "mailwire-fixtures" "version" "1")')
    s.command(b"ID NIL")
    return s


@scenario("enable", "ENABLE CONDSTORE, QRESYNC and UTF8=ACCEPT one by one and together: * ENABLED lists.")
def enable(c):
    s = c.logged_in()
    s.command(b"ENABLE CONDSTORE")
    s.command(b"ENABLE QRESYNC")
    s.command(b"ENABLE UTF8=ACCEPT")
    s.command(b"ENABLE CONDSTORE QRESYNC UTF8=ACCEPT")
    return s


@scenario(
    "mailbox-names",
    "CREATE/LIST/SUBSCRIBE/RENAME/DELETE with modified UTF-7 names (Entw&APw-rfe, &ZeVnLIqe-, R&-D), "
    "spaces and quotes, a RENAME into a new parent; errors: ALREADYEXISTS, NONEXISTENT, RENAME under its own "
    "child, invalid mUTF-7.",
)
def mailbox_names(c):
    s = c.logged_in()
    drafts = ROOT + "/Entw&APw-rfe"
    spaces = ROOT + "/with spaces"
    s.command(b"CREATE " + quoted(drafts))
    s.command(b"CREATE " + quoted(ROOT + "/&ZeVnLIqe-"))
    s.command(b"CREATE " + quoted(ROOT + "/R&-D"))
    s.command(b"CREATE " + quoted(spaces))
    s.command(b"CREATE " + quoted(ROOT + '/say "hi"'), expect=None)
    s.command(b"CREATE " + quoted(drafts), expect="NO")
    s.command(b"SUBSCRIBE " + quoted(drafts))
    s.command(b'LIST "" ' + quoted(ROOT + "/*"))
    s.command(b"RENAME " + quoted(drafts) + b" " + quoted(ROOT + "/Entw&APw-rfe alt"))
    s.command(b"RENAME " + quoted(spaces) + b" " + quoted(ROOT + "/with spaces/child"), expect="NO")
    s.command(b"RENAME " + quoted(spaces) + b" " + quoted(ROOT + "/parent/with spaces"))
    s.command(b'LIST "" ' + quoted(ROOT + "/*"))
    s.command(b"DELETE " + quoted(ROOT + "/Entw&APw-rfe alt"))
    s.command(b"DELETE " + quoted(ROOT + "/&ZeVnLIqe-"))
    s.command(b"DELETE " + quoted(ROOT + "/does-not-exist"), expect="NO")
    s.command(b"CREATE " + quoted(ROOT + "/Bad&Name"), expect=None)
    s.command(b'LIST "" ' + quoted(ROOT + "/*"))
    return s


@scenario(
    "append",
    "APPEND of seven messages with flags and INTERNALDATE: synchronising literals ('+ OK' between), "
    "one LITERAL+ {N+}, one without flags; APPENDUID codes.",
)
def append(c):
    s = c.logged_in()
    with s.unrecorded():
        s.command(b"CREATE " + quoted(MAIN))
    for message, flags, date, non_sync in MESSAGES:
        parts = [b"APPEND " + quoted(MAIN) + b" "]
        if flags is not None:
            parts.append(flags + b" ")
        parts.append(date + b" ")
        parts.append(Lit(message, non_sync=non_sync))
        s.command(*parts)
    return s


@scenario("append-multi", "MULTIAPPEND of two messages in one command (one without a date), APPENDUID with a UID range.")
def append_multi(c):
    s = c.logged_in()
    multi = ROOT + "/multi"
    with s.unrecorded():
        s.command(b"CREATE " + quoted(multi))
    s.command(
        b"APPEND " + quoted(multi) + rb" (\Seen) " + MESSAGES[0][2] + b" ",
        Lit(MSG_PLAIN),
        b" () ",
        Lit(MSG_ALTERNATIVE),
    )
    return s


@scenario(
    "list",
    "LIST \"\" \"*\", \"%\", \"\" (delimiter), LIST (SPECIAL-USE), LIST with RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN)) "
    "(LIST-STATUS), RETURN (CHILDREN SUBSCRIBED), LIST of a pattern with no match.",
)
def list_command(c):
    s = c.logged_in()
    s.command(b'LIST "" ""')
    s.command(b'LIST "" "*"')
    s.command(b'LIST "" "%"')
    s.command(b'LIST "" ' + quoted(ROOT + "/*"))
    s.command(b'LIST (SPECIAL-USE) "" "*"')
    s.command(b'LIST "" ' + quoted(ROOT + "/*") + b" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))")
    s.command(b'LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))')
    s.command(b'LIST "" "*" RETURN (CHILDREN SUBSCRIBED)')
    s.command(b'LIST (SUBSCRIBED) "" "*"')
    s.command(b'LIST "" "no-such-mailbox-*"')
    return s


@scenario("lsub", "SUBSCRIBE, LSUB \"\" \"*\" and a pattern, UNSUBSCRIBE, LSUB again.")
def lsub(c):
    s = c.logged_in()
    s.command(b"SUBSCRIBE " + quoted(MAIN))
    s.command(b'LSUB "" "*"')
    s.command(b'LSUB "" ' + quoted(ROOT + "/%"))
    s.command(b"UNSUBSCRIBE " + quoted(MAIN))
    s.command(b'LSUB "" ' + quoted(ROOT + "/%"))
    return s


@scenario("status", "STATUS with MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ (and RECENT SIZE); STATUS of a missing mailbox.")
def status(c):
    s = c.logged_in()
    responses = s.command(b"STATUS " + quoted(MAIN) + b" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)")
    c.state["uidvalidity"] = first_number(responses, rb"UIDVALIDITY (\d+)")
    s.command(b"STATUS " + quoted(MAIN) + b" (MESSAGES RECENT SIZE)")
    s.command(b"STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")
    s.command(b"STATUS " + quoted(ROOT + "/no-such-mailbox") + b" (MESSAGES)", expect="NO")
    return s


@scenario("select", "First SELECT of the mailbox (RECENT, UNSEEN, PERMANENTFLAGS, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ), then CLOSE.")
def select(c):
    s = c.logged_in()
    s.command(b"SELECT " + quoted(MAIN))
    s.command(b"CLOSE")
    return s


@scenario("examine-condstore", "EXAMINE (CONDSTORE): READ-ONLY and HIGHESTMODSEQ, then UNSELECT.")
def examine_condstore(c):
    s = c.logged_in()
    s.command(b"EXAMINE " + quoted(MAIN) + b" (CONDSTORE)")
    s.command(b"UNSELECT")
    return s


@scenario("select-condstore", "SELECT (CONDSTORE): READ-WRITE and HIGHESTMODSEQ; NOOP and CHECK while selected.")
def select_condstore(c):
    s = c.logged_in()
    responses = s.command(b"SELECT " + quoted(MAIN) + b" (CONDSTORE)")
    c.state["modseq_after_append"] = first_number(responses, rb"HIGHESTMODSEQ (\d+)")
    s.command(b"NOOP")
    s.command(b"CHECK")
    return s


@scenario("fetch-meta", "FETCH 1:* (FLAGS UID INTERNALDATE RFC822.SIZE ENVELOPE) for all seven messages, and the FAST/ALL macros.")
def fetch_meta(c):
    s = c.logged_in(MAIN, examine=True)
    s.command(b"FETCH 1:* (FLAGS UID INTERNALDATE RFC822.SIZE ENVELOPE)")
    s.command(b"FETCH 1:2 FAST")
    s.command(b"FETCH 5 ALL")
    return s


@scenario("fetch-bodystructure", "FETCH BODYSTRUCTURE (with extension data) and BODY for every message; FULL macro on the nested one.")
def fetch_bodystructure(c):
    s = c.logged_in(MAIN, examine=True)
    s.command(b"FETCH 1:* (UID BODYSTRUCTURE)")
    s.command(b"FETCH 1:* (BODY)")
    s.command(b"FETCH 4 FULL")
    return s


@scenario(
    "fetch-body",
    "FETCH of BODY.PEEK[] (whole multipart messages), [1], [1.MIME], [HEADER], [HEADER.FIELDS (From Subject)], "
    "[HEADER.FIELDS.NOT ...], [TEXT], <0.100> partial, nested part numbers, message/rfc822 parts, and BODY[1] "
    "without PEEK (sets \\Seen).",
)
def fetch_body(c):
    s = c.logged_in(MAIN)
    s.command(b"FETCH 2:4 (UID BODY.PEEK[])")
    s.command(b"FETCH 1:* (BODY.PEEK[1])")
    s.command(b"FETCH 2 (BODY.PEEK[1.MIME] BODY.PEEK[2.MIME])")
    s.command(b"FETCH 1:* (BODY.PEEK[HEADER.FIELDS (From Subject)])")
    s.command(b"FETCH 1 (BODY.PEEK[HEADER.FIELDS.NOT (Date From To Subject)] BODY.PEEK[HEADER])")
    s.command(b"FETCH 1 (BODY.PEEK[TEXT])")
    s.command(b"FETCH 1 (BODY.PEEK[]<0.100>)")
    s.command(b"FETCH 1 (BODY.PEEK[]<100.100000>)")
    s.command(b"FETCH 4 (BODY.PEEK[1.2.1] BODY.PEEK[1.2.2])")
    s.command(b"FETCH 4 (BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT] BODY.PEEK[2.2])")
    s.command(b"FETCH 4 (BODY.PEEK[9])")
    s.command(b"FETCH 3 (BODY[1])")
    return s


@scenario(
    "fetch-binary",
    "FETCH BINARY.PEEK[n] and BINARY.SIZE[n]: decoded base64 with NUL/CR/LF (literal8 ~{N}), decoded "
    "quoted-printable, 8-bit text; BINARY.PEEK[n]<partial>.",
)
def fetch_binary(c):
    s = c.logged_in(MAIN, examine=True)
    s.command(b"FETCH 2 (BINARY.SIZE[1] BINARY.SIZE[2] BINARY.SIZE[3])")
    s.command(b"FETCH 2 (BINARY.PEEK[1])")
    s.command(b"FETCH 2 (BINARY.PEEK[2])")
    s.command(b"FETCH 2 (BINARY.PEEK[3])")
    s.command(b"FETCH 2 (BINARY.PEEK[3]<0.16>)")
    s.command(b"FETCH 3 (BINARY.PEEK[1] BINARY.SIZE[1])")
    s.command(b"FETCH 6 (BINARY.PEEK[1] BINARY.SIZE[1])")
    return s


@scenario("fetch-legacy", "FETCH RFC822, RFC822.HEADER, RFC822.TEXT (on the 8-bit and odd-header messages) and Dovecot's PREVIEW/SAVEDATE items.")
def fetch_legacy(c):
    s = c.logged_in(MAIN, examine=True)
    s.command(b"FETCH 7 (RFC822.HEADER RFC822.TEXT)")
    s.command(b"FETCH 6 (RFC822)")
    s.command(b"FETCH 1:* (PREVIEW)")
    s.command(b"FETCH 1 (SAVEDATE)")
    return s


@scenario(
    "search",
    "SEARCH ALL, UNSEEN, SUBJECT, SINCE, OR, NOT, KEYWORD, HEADER, LARGER, TEXT, CHARSET UTF-8 with a literal, "
    "an empty result, MODSEQ; UID SEARCH RETURN (MIN MAX COUNT ALL) (ESEARCH), RETURN () and an empty ESEARCH.",
)
def search(c):
    s = c.logged_in(MAIN, examine=True)
    s.command(b"SEARCH ALL")
    s.command(b"SEARCH UNSEEN")
    s.command(b'SEARCH SUBJECT "fixture"')
    s.command(b"SEARCH SINCE 1-Apr-2024")
    s.command(b"SEARCH OR FLAGGED DRAFT")
    s.command(b"SEARCH NOT SEEN SENTBEFORE 1-Jun-2024")
    s.command(b"SEARCH KEYWORD $Label1")
    s.command(b'SEARCH HEADER Message-ID "<nested.4@mailwire.test>"')
    s.command(b"SEARCH LARGER 2000")
    s.command(b'SEARCH TEXT "quick brown"')
    s.command(b"SEARCH CHARSET UTF-8 SUBJECT ", Lit("Grüße".encode()))
    s.command(b'SEARCH SUBJECT "no message has this subject"')
    s.command(b"SEARCH MODSEQ 1")
    s.command(b"UID SEARCH RETURN (MIN MAX COUNT ALL) ALL")
    s.command(b"SEARCH RETURN () UNSEEN")
    s.command(b'UID SEARCH RETURN (MIN MAX COUNT) SUBJECT "no message has this subject"')
    s.command(b"SEARCH RETURN (SAVE) SEEN")
    s.command(b"FETCH $ (UID)")
    return s


@scenario(
    "sort-thread",
    "SORT (SUBJECT), (REVERSE DATE), (DISPLAYFROM), ESORT RETURN (MIN MAX COUNT); THREAD REFERENCES, REFS and ORDEREDSUBJECT.",
)
def sort_thread(c):
    s = c.logged_in(MAIN, examine=True)
    s.command(b"SORT (SUBJECT) UTF-8 ALL")
    s.command(b"SORT (REVERSE DATE) UTF-8 ALL")
    s.command(b"SORT (DISPLAYFROM) UTF-8 ALL")
    s.command(b"UID SORT RETURN (MIN MAX COUNT ALL) (ARRIVAL) UTF-8 ALL")
    s.command(b"THREAD REFERENCES UTF-8 ALL")
    s.command(b"THREAD REFS UTF-8 ALL")
    s.command(b"THREAD ORDEREDSUBJECT UTF-8 ALL")
    s.command(b"UID THREAD REFERENCES UTF-8 ALL")
    return s


@scenario(
    "store",
    "STORE +FLAGS/-FLAGS/FLAGS with and without .SILENT, UID STORE, keywords, and with CONDSTORE: "
    "MODSEQ in FETCH, UNCHANGEDSINCE that succeeds and one that fails ([MODIFIED]).",
)
def store(c):
    s = c.logged_in(MAIN)
    s.command(rb"STORE 1 +FLAGS (\Flagged)")
    s.command(rb"STORE 1 -FLAGS.SILENT (\Flagged)")
    s.command(rb"STORE 3 FLAGS ($Important \Answered)")
    s.command(rb"STORE 3 FLAGS.SILENT ()")
    s.command(rb"UID STORE 1:* +FLAGS.SILENT (\Seen)")
    s.command(rb"STORE 2,5 -FLAGS (\Seen)")
    s.command(b"ENABLE CONDSTORE")
    responses = s.command(rb"STORE 7 +FLAGS ($Label2)")
    modseq = first_number(responses, rb"MODSEQ \((\d+)\)")
    c.state["modseq_before_changes"] = modseq
    s.command(b"STORE 7 (UNCHANGEDSINCE %d) +FLAGS ($Label3)" % modseq)
    s.command(b"STORE 7 (UNCHANGEDSINCE %d) -FLAGS ($Label2)" % modseq)
    s.command(rb"UID STORE 1:* (UNCHANGEDSINCE 1) +FLAGS.SILENT (\Flagged)")
    s.command(rb"STORE 6 -FLAGS.SILENT ($Label3)")
    return s


@scenario("fetch-changedsince", "With CONDSTORE: FETCH (FLAGS MODSEQ), UID FETCH 1:* (FLAGS) (CHANGEDSINCE m), and SEARCH MODSEQ m.")
def fetch_changedsince(c):
    s = c.logged_in(MAIN)
    modseq = c.state["modseq_before_changes"]
    s.command(b"FETCH 1:* (FLAGS MODSEQ)")
    s.command(b"UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % modseq)
    s.command(b"UID FETCH 1:* (UID) (CHANGEDSINCE %d)" % (modseq + 1_000_000))
    s.command(b"SEARCH MODSEQ %d" % modseq)
    return s


@scenario(
    "copy-move",
    "COPY and UID COPY ([COPYUID]), COPY into a missing mailbox (NO [TRYCREATE]), MOVE and UID MOVE "
    "(untagged OK [COPYUID] then EXPUNGE).",
)
def copy_move(c):
    s = c.logged_in()
    scratch, moved = ROOT + "/scratch", ROOT + "/moved"
    with s.unrecorded():
        s.command(b"CREATE " + quoted(scratch))
        s.command(b"CREATE " + quoted(moved))
        s.command(b"SELECT " + quoted(MAIN))
    s.command(b"COPY 1:* " + quoted(scratch))
    s.command(b"UID COPY 1:* " + quoted(scratch))
    s.command(b"COPY 1 " + quoted(ROOT + "/no-such-mailbox"), expect="NO")
    s.command(b"SELECT " + quoted(scratch))
    s.command(b"MOVE 1:2 " + quoted(moved))
    s.command(b"UID MOVE 10:11 " + quoted(moved))
    return s


@scenario(
    "expunge",
    "STORE \\Deleted then EXPUNGE (* N EXPUNGE); after ENABLE QRESYNC, UID STORE answers FETCH with UID and MODSEQ, "
    "UID EXPUNGE and EXPUNGE answer * VANISHED with [HIGHESTMODSEQ] on the tagged OK.",
)
def expunge(c):
    s = c.logged_in(ROOT + "/scratch")
    s.command(rb"STORE 1:3 +FLAGS.SILENT (\Deleted)")
    s.command(b"EXPUNGE")
    s.command(b"ENABLE QRESYNC")
    responses = s.command(b"UID SEARCH ALL")
    uids = [int(u) for u in re.findall(rb"\d+", responses[0][len(b"* SEARCH") :])]
    s.command(rb"UID STORE %d:%d +FLAGS.SILENT (\Deleted)" % (uids[0], uids[2]))
    s.command(b"UID EXPUNGE %d:%d" % (uids[0], uids[2]))
    s.command(rb"UID STORE %d,%d +FLAGS (\Deleted)" % (uids[3], uids[4]))
    s.command(b"EXPUNGE")
    return s


@scenario(
    "select-qresync",
    "SELECT (QRESYNC (uidvalidity 1 1:30)) after expunges and a flag change: * VANISHED (EARLIER) and FETCH (UID FLAGS MODSEQ).",
)
def select_qresync(c):
    s = c.logged_in(enable=b"QRESYNC")
    scratch = ROOT + "/scratch"
    with s.unrecorded():
        responses = s.command(b"STATUS " + quoted(scratch) + b" (UIDVALIDITY)")
    uidvalidity = first_number(responses, rb"UIDVALIDITY (\d+)")
    other = c.logged_in(scratch)
    with other.unrecorded():
        other.command(rb"STORE 1 +FLAGS.SILENT ($Resynced)")
    c.logout(other)
    s.command(b"SELECT " + quoted(scratch) + b" (QRESYNC (%d 1 1:30))" % uidvalidity)
    return s


@scenario("quota", "GETQUOTAROOT and GETQUOTA (Dovecot here runs without the quota plugin: tagged BAD, recorded anyway).")
def quota(c):
    s = c.logged_in()
    s.command(b"GETQUOTAROOT INBOX", expect=None)
    s.command(b'GETQUOTA ""', expect=None)
    return s


def idle_scenario(c, mailbox, enable=None):
    admin = c.logged_in()
    admin.recording = False
    admin.command(b"CREATE " + quoted(mailbox))
    admin.command(b"APPEND " + quoted(mailbox) + rb" (\Seen) " + MESSAGES[0][2] + b" ", Lit(MSG_PLAIN))
    s = c.logged_in(mailbox, enable=enable)
    tag = s.next_tag()
    s.send(tag + b" IDLE\r\n")
    if s.wait_continuation(tag) is None:
        raise Failed("IDLE refused")

    def wait_for(pattern):
        deadline = time.monotonic() + IDLE_PUSH_TIMEOUT
        while True:
            response = s.read_response(deadline)
            if re.search(pattern, response):
                return response

    admin.command(b"APPEND " + quoted(mailbox) + b" () " + MESSAGES[2][2] + b" ", Lit(MSG_ALTERNATIVE))
    wait_for(rb"^\* 2 EXISTS")
    admin.command(b"SELECT " + quoted(mailbox))
    admin.command(rb"STORE 2 +FLAGS (\Flagged)")
    wait_for(rb"^\* 2 FETCH")
    admin.command(rb"STORE 1 +FLAGS.SILENT (\Deleted)")
    wait_for(rb"^\* 1 FETCH")
    admin.command(b"EXPUNGE")
    wait_for(rb"^\* (1 EXPUNGE|VANISHED)")
    s.send(b"DONE\r\n")
    s.read_until_tagged(tag, [])
    c.logout(admin)
    return s


@scenario(
    "idle",
    "IDLE on a selected mailbox while another connection APPENDs (* 2 EXISTS, * 1 RECENT), STOREs flags "
    "(* N FETCH (FLAGS ...)) and EXPUNGEs (* 1 EXPUNGE); then DONE.",
)
def idle(c):
    return idle_scenario(c, ROOT + "/idle")


@scenario(
    "idle-qresync",
    "The same IDLE with QRESYNC enabled: FETCH pushes carry UID and MODSEQ, the expunge arrives as * VANISHED.",
)
def idle_qresync(c):
    return idle_scenario(c, ROOT + "/idle-qresync", enable=b"QRESYNC")


@scenario(
    "errors",
    "A garbage command (BAD), an empty line, FETCH with no mailbox selected, bad FETCH syntax, "
    "SELECT/APPEND of a missing mailbox (NO [NONEXISTENT] / NO [TRYCREATE]), FETCH of a message number out of range.",
)
def errors(c):
    s = c.logged_in()
    s.command(b"FROBNICATE the mailbox", expect="BAD")
    # An empty line has no tag: Dovecot answers with an untagged BAD.
    s.send(b"\r\n")
    s.read_response()
    s.command(b"FETCH 1 (FLAGS)", expect="BAD")
    s.command(b"SELECT " + quoted(ROOT + "/no-such-mailbox"), expect="NO")
    s.command(b"APPEND " + quoted(ROOT + "/no-such-mailbox") + b" ", Lit(MSG_PLAIN), expect="NO")
    with s.unrecorded():
        s.command(b"EXAMINE " + quoted(MAIN))
    s.command(b"FETCH 1 (FLAGS", expect="BAD")
    s.command(b"FETCH 99 (FLAGS)", expect=None)
    s.command(b"UID FETCH 999999 (FLAGS)")
    s.command(rb"STORE 1 +FLAGS (\Seen)", expect=None)
    return s


@scenario("logout", "LOGOUT from the authenticated state: * BYE Logging out, then the tagged OK.")
def logout(c):
    s = c.logged_in()
    s.command(b"LOGOUT")
    return s


# -------------------------------------------------------------------- README

README_HEAD = """# Dovecot IMAP fixtures

Raw IMAP transcripts recorded from the project's real Dovecot
(`scripts/test-servers start`), for the IMAP codec's tests (issue 3, acceptance b).
Each scenario is a pair of files:

- `<name>.client`: the exact bytes the client sent, literals included.
- `<name>.server`: the exact bytes Dovecot sent, read response by response with
  literals taken by count; it ends after a tagged response, so it holds only
  complete responses.

Regenerate with

    scripts/test-servers start
    scripts/capture-imap-fixtures.py

Dovecot version: `{version}`.

Notes on reading them:

- Setup is not recorded unless the scenario is about it: the post-login
  scenarios start after an unrecorded connect + LOGIN (and ENABLE / SELECT /
  EXAMINE where the description says so). Recorded commands are tagged
  `A1`, `A2`, ...; unrecorded ones used `S1`, `S2`, ... Only the connection and
  authentication scenarios start with the greeting.
- `starttls` and `greeting-imaps` hold the decrypted stream: plaintext before
  STARTTLS, then the bytes inside TLS.
- An IDLE is ended by the client line `DONE` (untagged); an empty line in
  `errors` is answered by an untagged `* BAD`. AUTHENTICATE responses are
  bare base64 lines (or `*` to cancel).
- The test passwords are public (`scripts/test-servers`) and appear as sent.
- The script deletes and recreates its mailboxes (alice's `fixtures/...`) on
  each run, so between two runs only UIDVALIDITY (and everything quoting it:
  APPENDUID, COPYUID, the QRESYNC SELECT), the `(0.001 + 0.000 secs)` timings
  in tagged OK texts and the SAVEDATE in `fetch-legacy` change. Message bodies,
  flags and INTERNALDATEs are fixed in the script; UIDs and MODSEQs come out
  the same on a fresh mailbox. `list` and `status` also show alice's other
  mailboxes (INBOX and the special-use folders), which other tests may change.

The seven messages appended by `append` (sequence numbers 1-7 in
`fixtures/main`): 1 plain text; 2 multipart/mixed with a base64 PNG and a
base64 blob of all 256 byte values (RFC 2231 filename); 3 multipart/alternative
(quoted-printable text + HTML), a reply to 1; 4 multipart/mixed holding
multipart/alternative with a multipart/related inside, and a message/rfc822
that is itself multipart/mixed; 5 encoded words (ISO-8859-1 Q, UTF-8 B and Q)
in From/To/Reply-To/Subject; 6 8-bit body (UTF-8 and raw 0x80-0xFF bytes, no
NUL); 7 raw UTF-8, quotes and a backslash in headers, group addresses, no Date.

| Scenario | What it shows |
|---|---|
"""


def dovecot_version(greeting_hint):
    try:
        result = subprocess.run(["dovecot", "--version"], capture_output=True, text=True, timeout=10)
        if result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return greeting_hint


def write_readme(out, extra_notes):
    text = README_HEAD.replace("{version}", dovecot_version("unknown"))
    for name, description, _function in SCENARIOS:
        text += f"| `{name}` | {description.replace('|', '/')} |\n"
    if extra_notes:
        text += "\n" + extra_notes
    (out / "README.md").write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--env", default=DEFAULT_ENV)
    args = parser.parse_args()

    env = load_env(args.env)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    for stale in list(out.glob("*.client")) + list(out.glob("*.server")):
        stale.unlink()

    capture = Capture(env, out)
    capture.remove_fixture_mailboxes()
    try:
        run_scenarios(capture)
    finally:
        for session in capture.sessions:
            session.close()
        capture.remove_fixture_mailboxes()
    write_readme(out, QUIRKS)
    print(f"capture: wrote {len(SCENARIOS)} scenarios to {out}", file=sys.stderr)


# What the recorded output shows about Dovecot, kept with the script so the README stays in step.
QUIRKS = r"""## What Dovecot's output shows (worth a test each)

- Capabilities: the greeting carries `[CAPABILITY ...]`. Pre-login:
  `IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN AUTH=LOGIN`
  (no STARTTLS on IMAPS or after STARTTLS; no LOGINDISABLED because this
  server allows plaintext auth). After login: no AUTH=, plus SORT SORT=DISPLAY
  THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL
  CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1
  CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS
  BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE NOTIFY
  SPECIAL-USE. No QUOTA, no UTF8=ACCEPT, no OBJECTID.
- LOGIN/AUTHENTICATE answer `OK [CAPABILITY ...] Logged in`, except when the
  client already sent CAPABILITY in that connection: then an untagged
  `* CAPABILITY` comes first and the tagged OK is a bare `OK Logged in`
  (`login`, `starttls`). STARTTLS is followed by no new greeting.
- Continuation requests: `+ OK` for synchronising literals, `+ ` (plus, space,
  nothing) for AUTHENTICATE PLAIN without SASL-IR, `+ VXNlcm5hbWU6` for
  AUTHENTICATE LOGIN, `+ idling` for IDLE. The only trailing spaces in any
  response are that `+ ` and the `-- ` signature line inside a literal.
- Tagged OK texts end with timings `(0.001 + 0.000 secs)` or
  `(0.003 + 0.000 + 0.002 secs)`; pre-login answers, `Logged in` and
  `Logout completed.` before login have none.
- Strings: ENVELOPE fields, PREVIEW text and the like go out as quoted strings
  unless they hold 8-bit bytes (or CR/LF), then as `{N}` literals in the middle
  of the FETCH (`fetch-meta` message 7: subject and a display name, `Zoë "Z"
  Ünal`, as literals; `fetch-legacy` PREVIEW). Mailbox names are atoms when they
  can be (`fixtures/R&-D`, `INBOX`), else quoted with `\"` escapes
  (`"fixtures/say \"hi\""`).
- BINARY[n] of a part that needed decoding comes as literal8 `~{N}`: the base64
  PNG and blob (NUL, CR, LF inside) and also the quoted-printable text, which
  decodes to UTF-8 without any NUL; an 8bit part that needed no
  decoding comes as a plain `{N}`. `BINARY[3]<0>` echoes the origin.
- A body section that does not exist (`BODY[9]` of a message with two parts)
  is an empty literal `{0}`, not NIL. HEADER.FIELDS names are echoed in upper
  case (`BODY[HEADER.FIELDS (FROM SUBJECT)]`). Partial fetches answer
  `BODY[]<0> {100}` and `BODY[]<100> {363}` (the rest of the message).
  A FETCH of `BODY[1]` without PEEK puts `FLAGS (\Seen)` before the body.
- INTERNALDATE comes back in +0000 (the Maildir keeps UTC), zero-padded:
  `" 1-Jul-2024 07:05:00 +0000"` sent, `"01-Jul-2024 07:05:00 +0000"` read;
  `"05-Jan-2024 10:00:05 +0100"` sent, `"05-Jan-2024 09:00:05 +0000"` read.
- Lists of addresses and of body parts have no space between elements
  (`(...)(...)`). Group syntax shows as `(NIL NIL "Team" NIL)` ... `(NIL NIL NIL NIL)`;
  `undisclosed-recipients:;` as a group with no members. A Content-Type without
  charset gets `("charset" "us-ascii")`; RFC 2231 parameters are passed raw
  (`"filename*" "utf-8''b%C3%BCcher.bin"`). Encoded words are not decoded in
  ENVELOPE. message/rfc822 parts carry envelope, body and line count.
- CONDSTORE: an untagged `* OK [HIGHESTMODSEQ n] Highest` appears when
  CONDSTORE gets enabled mid-session (by ENABLE, by `SEARCH MODSEQ`, by the
  first MODSEQ fetch) and during IDLE with QRESYNC. `MODSEQ (n)` moves: before
  FLAGS in STORE answers and IDLE pushes, after FLAGS in FETCH answers and the
  QRESYNC SELECT; under QRESYNC a `.SILENT` UID STORE
  still answers `FETCH (UID n MODSEQ (m))`. A failed UNCHANGEDSINCE is a tagged
  `OK [MODIFIED 7] Conditional store failed`. Under QRESYNC, EXPUNGE/UID
  EXPUNGE answer `* VANISHED 6:8` / `* VANISHED 9,12` and a tagged
  `OK [HIGHESTMODSEQ n]`; so does UID SEARCH. `SELECT ... (QRESYNC ...)` gives
  `* VANISHED (EARLIER) 1:12` and `FETCH (UID FLAGS MODSEQ)`.
- Searching: an empty result is `* SEARCH` with no trailing space;
  `SEARCH MODSEQ` answers `* SEARCH 1 2 ... (MODSEQ n)`; ESEARCH comes as
  `* ESEARCH (TAG "A14") UID MIN 1 MAX 7 ALL 1:7 COUNT 7` and, with no match,
  `... UID COUNT 0`; `SORT RETURN (...)` answers with ESEARCH too;
  `SEARCH RETURN (SAVE)` answers no untagged data.
- ENABLE UTF8=ACCEPT answers no `* ENABLED` line at all (unsupported in 2.3).
- A STORE that adds a new keyword first sends `* FLAGS (...)` and
  `* OK [PERMANENTFLAGS (...)]`. STORE on an EXAMINEd mailbox is a tagged
  `OK Store ignored with read-only mailbox`, not NO.
- MOVE sends `* OK [COPYUID ...] Moved UIDs.`, the EXPUNGEs in descending order,
  then `* N RECENT`. SELECT while another mailbox is selected starts with
  `* OK [CLOSED] Previous mailbox closed.`
- IDLE pushes: `* 2 EXISTS` then `* 2 RECENT`; flag changes as
  `* 2 FETCH (FLAGS (\Flagged \Recent))` (\Recent included); an expunge as
  `* 1 EXPUNGE` then `* 1 RECENT`, or `* VANISHED 1` with QRESYNC.
- Errors: unknown command `BAD Error in IMAP command FROBNICATE: Unknown
  command`; an empty line gets an untagged `* BAD Error in IMAP tag: Invalid tag`;
  SELECT and STATUS of a missing mailbox give a plain `NO Mailbox doesn't exist:
  <name>` (no code); DELETE gives `NO [NONEXISTENT]`; COPY and APPEND give
  `NO [TRYCREATE]` (APPEND is refused instead of `+ OK`, so its literal is never
  sent); CREATE of an existing mailbox `NO [ALREADYEXISTS]`; invalid mUTF-7
  and RENAME under its own child a plain NO; a wrong password
  `NO [AUTHENTICATIONFAILED] Authentication failed.`; GETQUOTAROOT/GETQUOTA
  `BAD ... Unknown command` (no quota plugin); a FETCH of a missing message
  number is BAD (`Invalid messageset`), a UID FETCH of a missing UID an OK
  with no data.
- LIST details: `LIST "" ""` gives `(\Noselect) "/" ""`; LIST-EXTENDED shows
  `\NonExistent` for the implied parent `fixtures`, `\Subscribed \NonExistent`
  for a subscription a RENAME left behind, `\UnMarked`; LIST-STATUS puts a
  `* STATUS` after each `* LIST`, none for `\NonExistent` ones.
"""

if __name__ == "__main__":
    main()
