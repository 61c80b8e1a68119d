#!/usr/bin/env python3
"""Check that the loopback test servers started by scripts/test-servers behave
as mailwire's integration tests expect. Standard library only.

    scripts/test-servers start && scripts/verify-test-servers.py [--quick]

Reads the env file ($MAILWIRE_TEST_ENV, default /tmp/mailwire-test-servers/env).
--quick skips the 5 MB message and the 100-message session.
Exits non-zero on the first failed check, naming it.
"""

import base64
import imaplib
import os
import smtplib
import ssl
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

ENV_PATH = os.environ.get("MAILWIRE_TEST_ENV", "/tmp/mailwire-test-servers/env")
# A wrong password must be refused at once: Dovecot's failure delay (a 500 ms
# timer even at auth_failure_delay = 0) and its per-IP penalty are off.
PROMPT_SECONDS = 0.25
DELIVERY_TIMEOUT = 60.0


def load_env(path):
    env = {}
    for line in Path(path).read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


E = load_env(ENV_PATH)
HOST = E["MAILWIRE_TEST_HOST"]
TLS_NAME = E["MAILWIRE_TEST_TLS_NAME"]
USER1, PASS1 = E["MAILWIRE_TEST_USER1"], E["MAILWIRE_TEST_PASS1"]
USER2, PASS2 = E["MAILWIRE_TEST_USER2"], E["MAILWIRE_TEST_PASS2"]
MAILDIR2 = Path(E["MAILWIRE_TEST_MAILDIR2"])
SUBMISSION = int(E["MAILWIRE_TEST_SUBMISSION_PORT"])
SUBMISSIONS = int(E["MAILWIRE_TEST_SUBMISSIONS_PORT"])
SMTP_PLAIN = int(E["MAILWIRE_TEST_SMTP_PLAIN_PORT"])
IMAP = int(E["MAILWIRE_TEST_IMAP_PORT"])
IMAPS = int(E["MAILWIRE_TEST_IMAPS_PORT"])


def tls_context():
    context = ssl.create_default_context(cafile=E["MAILWIRE_TEST_CA"])
    context.check_hostname = True
    return context


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def ok(message):
    print(f"ok   {message}", flush=True)


def new_message(tag, body="hello from verify-test-servers\n"):
    msg = EmailMessage()
    msg["From"] = USER1
    msg["To"] = USER2
    msg["Subject"] = f"verify {tag}"
    msg["Message-ID"] = f"<{tag}@mailwire.test>"
    msg.set_content(body)
    return msg


def find_delivered(tags, timeout=DELIVERY_TIMEOUT):
    """Wait until a message carrying each tag sits in user2's INBOX Maildir."""
    pending = {f"<{t}@mailwire.test>".encode() for t in tags}
    deadline = time.monotonic() + timeout
    seen = set()
    while pending and time.monotonic() < deadline:
        for sub in ("new", "cur"):
            for path in (MAILDIR2 / sub).iterdir():
                if path in seen:
                    continue
                seen.add(path)
                head = path.read_bytes()[:4096]
                for marker in list(pending):
                    if marker in head:
                        pending.discard(marker)
        if pending:
            time.sleep(0.1)
    check(not pending, f"{len(pending)} message(s) not delivered to {MAILDIR2} "
          f"within {timeout}s, e.g. {sorted(pending)[:3]}; see the postfix log")


def plain_b64(user, password):
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode()


def check_submission_refuses_before_starttls():
    with smtplib.SMTP(HOST, SUBMISSION, timeout=10) as smtp:
        smtp.ehlo("verify.test")
        check(smtp.has_extn("starttls"), "submission port does not offer STARTTLS")
        check(not smtp.has_extn("auth"), "submission port offers AUTH before TLS")
        code, text = smtp.docmd("AUTH", "PLAIN " + plain_b64(USER1, PASS1))
        check(code == 530 and b"5.7.0 Must issue a STARTTLS command first" in text,
              f"AUTH before STARTTLS got {code} {text!r}, want 530")
        code, text = smtp.docmd("MAIL", f"FROM:<{USER1}>")
        check(code == 530 and b"5.7.0 Must issue a STARTTLS command first" in text,
              f"MAIL before STARTTLS got {code} {text!r}, want 530")
    ok("submission: AUTH and MAIL before STARTTLS get 530 5.7.0")


def send(smtp, mechanism, tag):
    user, password = USER1, PASS1
    smtp.user, smtp.password = user, password
    authobject = {"PLAIN": smtp.auth_plain, "LOGIN": smtp.auth_login}[mechanism]
    smtp.auth(mechanism, authobject, initial_response_ok=(mechanism == "PLAIN"))
    smtp.send_message(new_message(tag))


def check_submission_starttls(mechanism):
    tag = f"starttls-{mechanism.lower()}-{uuid.uuid4().hex}"
    with smtplib.SMTP(HOST, SUBMISSION, timeout=10) as smtp:
        smtp.ehlo("verify.test")
        smtp.starttls(context=tls_context())
        smtp.ehlo("verify.test")
        mechanisms = smtp.esmtp_features.get("auth", "").upper().split()
        check({"PLAIN", "LOGIN"} <= set(mechanisms), f"AUTH after TLS advertises {mechanisms}")
        send(smtp, mechanism, tag)
    find_delivered([tag])
    ok(f"submission {SUBMISSION}: STARTTLS (verified for {HOST}) + AUTH {mechanism}, delivered")


def check_submissions():
    tag = f"implicit-{uuid.uuid4().hex}"
    # Connect by name so the DNS subject-alt-name is checked too.
    with smtplib.SMTP_SSL(TLS_NAME, SUBMISSIONS, timeout=10, context=tls_context()) as smtp:
        smtp.ehlo("verify.test")
        send(smtp, "PLAIN", tag)
    find_delivered([tag])
    ok(f"submissions {SUBMISSIONS}: implicit TLS (verified for {TLS_NAME}) + AUTH PLAIN, delivered")


def check_plaintext_port():
    tag = f"plain-{uuid.uuid4().hex}"
    with smtplib.SMTP(HOST, SMTP_PLAIN, timeout=10) as smtp:
        smtp.ehlo("verify.test")
        check(not smtp.has_extn("starttls"), "plaintext port offers STARTTLS")
        check(smtp.has_extn("auth"), "plaintext port does not offer AUTH")
        code, text = smtp.docmd("MAIL", f"FROM:<{USER1}>")
        check(code == 250, f"MAIL got {code} {text!r}")
        code, text = smtp.docmd("RCPT", f"TO:<{USER2}>")
        check(code == 554 and b"5.7.1" in text, f"unauthenticated RCPT got {code} {text!r}, want 554 5.7.1")
        smtp.rset()
        send(smtp, "LOGIN", tag)
    find_delivered([tag])
    ok(f"plaintext {SMTP_PLAIN}: unauthenticated RCPT refused (554 5.7.1); AUTH LOGIN in clear, delivered")


def check_wrong_password_smtp():
    with smtplib.SMTP(HOST, SUBMISSION, timeout=10) as smtp:
        smtp.ehlo("verify.test")
        smtp.starttls(context=tls_context())
        smtp.ehlo("verify.test")
        for attempt in range(5):
            started = time.monotonic()
            code, text = smtp.docmd("AUTH", "PLAIN " + plain_b64(USER1, f"wrong-{attempt}"))
            elapsed = time.monotonic() - started
            check(code == 535, f"wrong password got {code} {text!r}, want 535")
            check(elapsed < PROMPT_SECONDS, f"535 took {elapsed:.2f}s (attempt {attempt + 1})")
        send(smtp, "PLAIN", f"after-failures-{uuid.uuid4().hex}")
    ok("submission: wrong password gets 535 at once, 5 times in a row; right one still works")


def imap_login_and_list(imap, user, password):
    typ, _ = imap.login(user, password)
    check(typ == "OK", f"IMAP LOGIN {user} failed")
    typ, lines = imap.list()
    check(typ == "OK", "IMAP LIST failed")
    listing = b"\n".join(lines)
    for attribute, name in [(b"\\Sent", b'"Sent Messages"'), (b"\\Trash", b'"Deleted Messages"'),
                            (b"\\Drafts", b"Drafts"), (b"\\Junk", b"Junk"), (b"\\Archive", b"Archive")]:
        check(any(attribute in line and line.endswith(name) for line in lines),
              f"LIST lacks {name.decode()} with {attribute.decode()}:\n{listing.decode()}")
    check(any(line.endswith(b"INBOX") for line in lines), "LIST lacks INBOX")
    return listing


def check_imap_starttls():
    with imaplib.IMAP4(HOST, IMAP, timeout=10) as imap:
        check("STARTTLS" in imap.capabilities, f"IMAP capabilities lack STARTTLS: {imap.capabilities}")
        imap.starttls(ssl_context=tls_context())
        # user2's password holds '%', so LOGIN must send it quoted.
        imap_login_and_list(imap, USER2, PASS2)
        typ, data = imap.select("INBOX", readonly=True)
        check(typ == "OK" and int(data[0]) > 0, f"INBOX of {USER2} is empty: {data}")
        # Other test runs may share the mailbox: look for one of ours.
        typ, data = imap.search(None, "SUBJECT", '"verify starttls-"')
        check(typ == "OK" and data[0].split(), f"SEARCH found none of our messages: {data!r}")
        last = data[0].split()[-1].decode()
        typ, data = imap.fetch(last, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        check(typ == "OK" and b"verify starttls-" in data[0][1], f"FETCH {last}: {data!r}")
        imap.logout()
    ok(f"imap {IMAP}: STARTTLS + LOGIN (quoted password), LIST shows special-use folders, SEARCH, FETCH")


def check_imaps():
    with imaplib.IMAP4_SSL(TLS_NAME, IMAPS, ssl_context=tls_context(), timeout=10) as imap:
        listing = imap_login_and_list(imap, USER1, PASS1)
        imap.logout()
    ok(f"imaps {IMAPS}: implicit TLS + LOGIN, LIST:\n       "
       + listing.decode().replace("\n", "\n       "))


def check_imap_plaintext_login():
    with imaplib.IMAP4(HOST, IMAP, timeout=10) as imap:
        check("LOGINDISABLED" not in imap.capabilities, "LOGINDISABLED before STARTTLS")
        imap.login(USER1, PASS1)
        imap.logout()
    ok(f"imap {IMAP}: LOGIN in clear works from {HOST} (explicit plaintext mode)")


def check_wrong_password_imap():
    for attempt in range(5):
        with imaplib.IMAP4(HOST, IMAP, timeout=10) as imap:
            started = time.monotonic()
            try:
                imap.login(USER1, f"wrong-{attempt}")
                raise AssertionError("IMAP LOGIN with a wrong password succeeded")
            except imaplib.IMAP4.error as error:
                elapsed = time.monotonic() - started
                check("AUTHENTICATIONFAILED" in str(error), f"wrong password: {error}")
                check(elapsed < PROMPT_SECONDS, f"IMAP NO took {elapsed:.2f}s (attempt {attempt + 1})")
    ok("imap: wrong password gets NO [AUTHENTICATIONFAILED] at once, 5 times in a row")


def check_big_message():
    tag = f"big-{uuid.uuid4().hex}"
    msg = new_message(tag)
    msg.add_attachment(os.urandom(5 * 1024 * 1024), maintype="application",
                       subtype="octet-stream", filename="five-megabytes.bin")
    with smtplib.SMTP(HOST, SUBMISSION, timeout=60) as smtp:
        smtp.starttls(context=tls_context())
        smtp.ehlo("verify.test")
        send_size = len(msg.as_bytes())
        smtp.user, smtp.password = USER1, PASS1
        smtp.auth("PLAIN", smtp.auth_plain)
        smtp.send_message(msg)
    find_delivered([tag])
    ok(f"submission: {send_size / 1e6:.1f} MB message (5 MB attachment, base64) delivered")


def check_hundred_messages():
    tags = [f"batch{i}-{uuid.uuid4().hex}" for i in range(100)]
    started = time.monotonic()
    with smtplib.SMTP(HOST, SUBMISSION, timeout=30) as smtp:
        smtp.starttls(context=tls_context())
        smtp.ehlo("verify.test")
        smtp.user, smtp.password = USER1, PASS1
        smtp.auth("PLAIN", smtp.auth_plain)
        for tag in tags:
            smtp.send_message(new_message(tag))
    sent = time.monotonic() - started
    find_delivered(tags)
    ok(f"submission: 100 messages in one session ({sent:.1f}s), all delivered after "
       f"{time.monotonic() - started:.1f}s")


def main():
    checks = [
        check_submission_refuses_before_starttls,
        lambda: check_submission_starttls("PLAIN"),
        lambda: check_submission_starttls("LOGIN"),
        check_submissions,
        check_plaintext_port,
        check_wrong_password_smtp,
        check_imap_starttls,
        check_imaps,
        check_imap_plaintext_login,
        check_wrong_password_imap,
    ]
    if "--quick" not in sys.argv[1:]:
        checks += [check_big_message, check_hundred_messages]
    for run in checks:
        try:
            run()
        except Exception as error:  # noqa: BLE001 - report any failure the same way
            print(f"FAIL {getattr(run, '__name__', 'check')}: {type(error).__name__}: {error}",
                  file=sys.stderr)
            return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
