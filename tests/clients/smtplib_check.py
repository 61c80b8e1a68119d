#!/usr/bin/env python3
"""Python's smtplib against an SMTP submission server, then imaplib to see what arrived.

    smtplib_check.py HOST SUBMISSION_PORT SMTPS_PORT IMAPS_PORT CAFILE USER PASSWORD USER2 PASSWORD2 MODE

SUBMISSION_PORT takes STARTTLS (like 587), SMTPS_PORT implicit TLS (like 465). MODE is
`rfc` or `icloud` (`mailwire serve --mode`), or `dovecot` (Postfix + Dovecot of
scripts/test-servers, for debugging this script). Sends a non-ASCII UTF-8 message with an
attachment over STARTTLS with AUTH PLAIN (recipients pipelined) and over implicit TLS with
AUTH LOGIN, checks the refusals (wrong password: 535; AUTH before STARTTLS), sees a
delivery arrive in IDLE, and compares what arrived over IMAP with what was sent, byte for
byte. One `ok - ...` line per check; the first failure prints `not ok - ...` and exits 1.
"""

import email.policy
import re
import smtplib
import sys
import time
from email.message import EmailMessage

from mwcheck import (
    Idle,
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
    tls_context,
)


def utf8_message(sender, to, tag):
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = f"Zoë Sender <{sender}>"
    message["To"] = ", ".join(to)
    message["Subject"] = f"Grüße, ça va? {tag} ✓"
    message["Date"] = "Wed, 9 Jul 2025 08:15:00 +0000"
    message["Message-ID"] = f"<smtplib.{tag}.{time.time_ns()}@mailwire.test>"
    message.set_content(
        "Grüße aus Köln — ünïcödé body.\n"
        ".a line that starts with a dot\n"
        ".\n"
        "..two dots\n"
        "The end.\n",
        charset="utf-8",
        cte="8bit",
    )
    message.add_attachment(bytes(range(256)) * 4, maintype="application",
                           subtype="octet-stream", filename="grüße.bin")
    return message["Message-ID"], message.as_bytes(policy=email.policy.SMTP)


def reply_code(error):
    return getattr(error, "smtp_code", None)


class Check:
    def __init__(self, argv):
        take_args(self, argv, ("host", "submission_port", "smtps_port", "imaps_port",
                               "cafile", "user", "password", "user2", "password2", "mode"), __doc__)
        self.context = tls_context(self.cafile)
        # Postfix hands mail to Dovecot through its queue; the in-memory server delivers
        # before it answers the end of DATA.
        self.idle_within = 5.0 if self.mode == "dovecot" else 1.0
        self.sent = []  # (recipients, message id, bytes)

    def submission(self):
        smtp = smtplib.SMTP(self.host, self.submission_port, timeout=10)
        smtp.ehlo("client.mailwire.test")
        return smtp

    def secured(self):
        smtp = self.submission()
        code, _ = smtp.starttls(context=self.context)
        if code != 220:
            fail("STARTTLS answered 220", 220, code)
        smtp.ehlo("client.mailwire.test")
        return smtp

    def authenticate(self, smtp, mechanism, user, password):
        smtp.user, smtp.password = user, password
        method = {"PLAIN": smtp.auth_plain, "LOGIN": smtp.auth_login}[mechanism]
        return smtp.auth(mechanism, method)

    # ------------------------------------------------------------ before TLS

    def before_tls(self):
        smtp = self.submission()
        check("EHLO in clear offers STARTTLS", smtp.has_extn("starttls"), "STARTTLS",
              smtp.esmtp_features)
        check("EHLO in clear offers no AUTH", not smtp.has_extn("auth"), "no AUTH",
              smtp.esmtp_features.get("auth"))
        # No credentials go out: AUTH LOGIN without an initial response must be refused
        # before the server asks for anything.
        code, text = smtp.docmd("AUTH", "LOGIN")
        check("AUTH before STARTTLS refused with 5xx", 500 <= code < 600, "5xx", (code, text))
        code, text = smtp.docmd("MAIL", f"FROM:<{self.user}>")
        check("MAIL before STARTTLS and AUTH refused with 5xx", 500 <= code < 600, "5xx",
              (code, text))
        smtp.quit()
        ok("QUIT in clear")

    # ------------------------------------------------------------ STARTTLS + PLAIN

    def starttls_plain(self):
        smtp = self.secured()
        ok("STARTTLS with the server's CA and host name checked")
        for extension in ("auth", "pipelining", "size", "8bitmime"):
            check(f"EHLO after STARTTLS offers {extension.upper()}", smtp.has_extn(extension),
                  extension.upper(), sorted(smtp.esmtp_features))
        mechanisms = smtp.esmtp_features["auth"].upper().split()
        check("AUTH offers PLAIN and LOGIN", {"PLAIN", "LOGIN"} <= set(mechanisms),
              "PLAIN LOGIN", mechanisms)
        try:
            self.authenticate(smtp, "PLAIN", self.user, self.password + "-wrong")
            fail("wrong password refused", 535, "accepted")
        except smtplib.SMTPAuthenticationError as error:
            check_eq("AUTH PLAIN with a wrong password refused with 535", reply_code(error), 535)
        smtp.quit()

        smtp = self.secured()
        code, _ = self.authenticate(smtp, "PLAIN", self.user, self.password)
        check_eq("AUTH PLAIN accepted with 235", code, 235)
        limit = smtp.esmtp_features.get("size", "").strip()
        if limit.isdigit() and int(limit) > 0:
            code, text = smtp.docmd("MAIL", f"FROM:<{self.user}> SIZE={int(limit) + 1}")
            check("MAIL with a SIZE over the advertised limit refused with 552", code == 552,
                  552, (code, text))
            smtp.rset()

        recipients = [self.user, self.user2]
        message_id, data = utf8_message(self.user, recipients, "pipelined")
        # smtplib sends one command at a time; a pipelining client writes the envelope and
        # DATA in one go and reads the replies afterwards (RFC 2920).
        smtp.send(
            f"MAIL FROM:<{self.user}> BODY=8BITMIME SIZE={len(data)}\r\n"
            + "".join(f"RCPT TO:<{r}>\r\n" for r in recipients)
            + "DATA\r\n"
        )
        replies = [smtp.getreply()[0] for _ in range(2 + len(recipients))]
        check_eq("pipelined MAIL, RCPT, RCPT, DATA replies", replies, [250, 250, 250, 354])
        stuffed = re.sub(rb"(?m)^\.", b"..", data)
        smtp.send(stuffed + b".\r\n")
        code, text = smtp.getreply()
        check_eq("the pipelined message is accepted (250)", code, 250)
        self.sent.append((recipients, message_id, data))
        smtp.quit()

    # ------------------------------------------------------------ implicit TLS + LOGIN

    def implicit_login(self):
        smtp = smtplib.SMTP_SSL(self.host, self.smtps_port, context=self.context, timeout=10)
        smtp.ehlo("client.mailwire.test")
        ok("implicit TLS with the server's CA and host name checked")
        try:
            self.authenticate(smtp, "LOGIN", self.user, "wrong-" + self.password)
            fail("wrong password refused", 535, "accepted")
        except smtplib.SMTPAuthenticationError as error:
            check_eq("AUTH LOGIN with a wrong password refused with 535", reply_code(error), 535)
        code, _ = self.authenticate(smtp, "LOGIN", self.user, self.password)
        check_eq("AUTH LOGIN accepted with 235", code, 235)
        message_id, data = utf8_message(self.user, [self.user2], "implicit")
        refused = smtp.sendmail(self.user, [self.user2], data, mail_options=["BODY=8BITMIME"])
        check_eq("sendmail over implicit TLS: no recipient refused", refused, {})
        self.sent.append(([self.user2], message_id, data))
        smtp.quit()

    # ------------------------------------------------------------ IDLE sees a delivery

    def idle_sees_delivery(self):
        imap = login(imap_tls(self.host, self.imaps_port, self.cafile), self.user2,
                     self.password2)
        exists = select(imap, "INBOX")
        idle = Idle(imap)
        idle.start()
        smtp = self.secured()
        self.authenticate(smtp, "PLAIN", self.user, self.password)
        message_id, data = utf8_message(self.user, [self.user2], "idle")
        smtp.sendmail(self.user, [self.user2], data, mail_options=["BODY=8BITMIME"])
        line, took = idle.wait_for(rb"^\* \d+ EXISTS", self.idle_within)
        check(f"IDLE: '* n EXISTS' within {self.idle_within:g} s of the end of DATA",
              line is not None, "an EXISTS", took)
        check("the EXISTS counts one more", int(line.split()[1]) > exists, f"> {exists}", line)
        print(f"# EXISTS came {1000 * took:.0f} ms after the 250 to the message")
        smtp.quit()
        self.sent.append(([self.user2], message_id, data))
        answer = idle.done()
        check("DONE ends IDLE with OK", answer.split()[1:2] == [b"OK"], "tag OK", answer)
        imap.logout()

    # ------------------------------------------------------------ what arrived

    def arrivals(self):
        accounts = {self.user: self.password, self.user2: self.password2}
        for account, password in accounts.items():
            imap = login(imap_tls(self.host, self.imaps_port, self.cafile), account, password)
            select(imap, "INBOX", readonly=True)
            for recipients, message_id, data in self.sent:
                if account not in recipients:
                    continue
                self.arrived(imap, f"{account} INBOX", message_id, data)
            if self.mode == "icloud" and account == self.user:
                select(imap, "Sent Messages", readonly=True)
                for _, message_id, data in self.sent:
                    self.arrived(imap, "iCloud: the sender's Sent Messages", message_id, data)
            imap.logout()

    def arrived(self, imap, where, message_id, data):
        deadline = time.monotonic() + 10
        while True:
            uids = search(imap, "UID SEARCH HEADER Message-ID", "HEADER", "Message-ID",
                          f'"{message_id}"', uid=True)
            if uids or time.monotonic() > deadline:
                break
            time.sleep(0.2)
            imap.noop()
        check_eq(f"{where}: {message_id} arrived once", len(uids), 1)
        answers = fetch(imap, "UID FETCH BODY.PEEK[]", str(uids[0]), "(BODY.PEEK[])", uid=True)
        body = next(iter(answers.values()))["BODY[]"]
        stored = strip_trace_fields(body)
        if stored != data:
            at = next((i for i, (a, b) in enumerate(zip(stored, data)) if a != b),
                      min(len(stored), len(data)))
            fail(f"{where}: {message_id} arrived byte for byte",
                 data[max(0, at - 40):at + 40], stored[max(0, at - 40):at + 40])
        ok(f"{where}: {message_id} arrived byte for byte ({len(data)} bytes)")


def main():
    check_ = Check(sys.argv)
    check_.before_tls()
    check_.starttls_plain()
    check_.implicit_login()
    check_.idle_sees_delivery()
    check_.arrivals()
    print("# all smtplib checks passed")


if __name__ == "__main__":
    run_main(main)
