#!/usr/bin/env python3
"""swaks submits to an SMTP submission server; imaplib then sees what arrived.

    swaks_check.py HOST SUBMISSION_PORT SMTPS_PORT IMAPS_PORT CAFILE USER PASSWORD MODE

`--tls --auth PLAIN` and `--tls --auth LOGIN` to SUBMISSION_PORT (STARTTLS), `--tlsc
--auth PLAIN` to SMTPS_PORT (implicit TLS), each verifying the server's certificate against
CAFILE; a wrong password and AUTH without TLS must make swaks fail. Each message goes to USER
and must arrive in USER's INBOX byte for byte. MODE is `rfc`, `icloud` or `dovecot` (as in
imaplib_check.py). The password reaches swaks through its environment
(SWAKS_OPT_auth_password), never its arguments, and swaks's transcript (which holds the
AUTH exchange) is never printed: on a failure only the server's lines are.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

from mwcheck import (
    check,
    check_eq,
    fail,
    fetch,
    imap_tls,
    login,
    ok,
    run_main,
    search,
    select,
    strip_trace_fields,
    take_args,
)

# swaks's exit statuses (its manual, "EXIT CODES").
SWAKS_OK = 0
SWAKS_AUTH_ERROR = 28


def message(user, tag):
    message_id = f"<swaks.{tag}.{time.time_ns()}@mailwire.test>"
    data = (
        f"From: Swaks Sender <{user}>\r\n"
        f"To: <{user}>\r\n"
        f"Subject: swaks {tag}\r\n"
        "Date: Thu, 10 Jul 2025 09:00:00 +0000\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        f"Sent by swaks ({tag}).\r\n"
        ".a dot-stuffed line\r\n"
    ).encode()
    return message_id, data


class Check:
    def __init__(self, argv):
        take_args(self, argv, ("host", "submission_port", "smtps_port", "imaps_port",
                               "cafile", "user", "password", "mode"), __doc__)
        self.scratch = tempfile.mkdtemp(prefix="mailwire-swaks-")
        self.sent = []

    def swaks(self, name, port, tls, auth, password, data=None):
        args = [
            "swaks", "--server", self.host, "--port", str(port), tls,
            "--tls-verify", "--tls-ca-path", self.cafile,
            "--auth", auth, "--auth-user", self.user,
            "--from", self.user, "--to", self.user,
            "--helo", "swaks.mailwire.test", "--timeout", "10",
        ]
        if data is not None:
            path = os.path.join(self.scratch, f"{name}.eml")
            with open(path, "wb") as file:
                # swaks ends DATA with CRLF . CRLF itself: the file's last line end would
                # add an empty line to the message.
                file.write(data.removesuffix(b"\r\n"))
            args += ["--data", "@" + path]
        environment = dict(os.environ, SWAKS_OPT_auth_password=password)
        done = subprocess.run(args, env=environment, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=60)
        return done

    @staticmethod
    def server_lines(done):
        lines = done.stdout.decode(errors="replace").splitlines()
        lines += done.stderr.decode(errors="replace").splitlines()
        return [line for line in lines if line.startswith(("<", "***"))][-8:]

    def send(self, name, port, tls, auth):
        message_id, data = message(self.user, name)
        done = self.swaks(name, port, tls, auth, self.password, data)
        check(f"swaks {tls} --auth {auth} to port {port} exits 0", done.returncode == SWAKS_OK,
              0, (done.returncode, self.server_lines(done)))
        self.sent.append((name, message_id, data))

    def refusals(self):
        _, data = message(self.user, "refused")
        done = self.swaks("wrong", self.submission_port, "--tls", "PLAIN",
                          "wrong-" + self.password, data)
        check_eq("swaks with a wrong password exits 28 (AUTH failed)", done.returncode,
                 SWAKS_AUTH_ERROR)
        check("the server said 535 to the wrong password",
              any(line.startswith("<~* 535") or line.startswith("<** 535")
                  for line in self.server_lines(done)), "<~* 535 ...", self.server_lines(done))
        # Without --tls the server offers no AUTH before STARTTLS; swaks must not send the
        # password and fails.
        args = [
            "swaks", "--server", self.host, "--port", str(self.submission_port),
            "--auth", "PLAIN", "--auth-user", self.user, "--from", self.user,
            "--to", self.user, "--timeout", "10",
        ]
        environment = dict(os.environ, SWAKS_OPT_auth_password=self.password)
        done = subprocess.run(args, env=environment, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=60)
        transcript = done.stdout.decode(errors="replace")
        check_eq("swaks --auth without TLS exits 28 (no AUTH offered in clear)",
                 done.returncode, SWAKS_AUTH_ERROR)
        check("no AUTH command went out in clear", "~> AUTH" not in transcript
              and " -> AUTH" not in transcript, "no AUTH line", self.server_lines(done))

    def arrivals(self):
        imap = login(imap_tls(self.host, self.imaps_port, self.cafile), self.user, self.password)
        select(imap, "INBOX", readonly=True)
        for name, message_id, data in self.sent:
            deadline = time.monotonic() + 10
            while True:
                uids = search(imap, "UID SEARCH HEADER Message-ID", "HEADER", "Message-ID",
                              f'"{message_id}"', uid=True)
                if uids or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
                imap.noop()
            check_eq(f"the {name} message arrived once", len(uids), 1)
            answers = fetch(imap, "UID FETCH BODY.PEEK[]", str(uids[0]), "(BODY.PEEK[])",
                            uid=True)
            stored = strip_trace_fields(next(iter(answers.values()))["BODY[]"])
            if stored != data:
                fail(f"the {name} message arrived byte for byte", data, stored)
            ok(f"the {name} message arrived byte for byte ({len(data)} bytes)")
        imap.logout()


def main():
    check_ = Check(sys.argv)
    try:
        checks(check_)
    finally:
        shutil.rmtree(check_.scratch, ignore_errors=True)
    print("# all swaks checks passed")


def checks(check_):
    check_.send("starttls-plain", check_.submission_port, "--tls", "PLAIN")
    check_.send("starttls-login", check_.submission_port, "--tls", "LOGIN")
    check_.send("implicit-plain", check_.smtps_port, "--tlsc", "PLAIN")
    check_.refusals()
    check_.arrivals()


if __name__ == "__main__":
    run_main(main)
