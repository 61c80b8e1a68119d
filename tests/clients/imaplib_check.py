#!/usr/bin/env python3
"""Python's imaplib against an IMAP server, the way a script would use it.

    imaplib_check.py HOST IMAPS_PORT STARTTLS_PORT CAFILE USER PASSWORD MODE

MODE is `rfc` or `icloud` (what `mailwire serve --mode` serves), or `dovecot` (the real
Dovecot of scripts/test-servers, for debugging this script: iCloud's folder names, RFC
behaviour). Over STARTTLS and implicit TLS: login, list, select, append, fetch, search,
store, copy, move, expunge, idle, logout; one `ok - ...` line per check, and on the first
failure a `not ok - ...` line with what was expected and what came, exit status 1.

Everything happens in two mailboxes of its own, created and removed here, so the script
can share an account with other tests.
"""

import datetime
import imaplib
import os
import re
import sys
import time

from mwcheck import (
    Idle,
    capabilities,
    check,
    check_eq,
    fail,
    fetch,
    fetch_one,
    imap_starttls,
    imap_tls,
    login,
    mailboxes,
    message_count,
    ok,
    quote,
    run_main,
    search,
    select,
    take_args,
)

RFC_AFTER_LOGIN = {
    "IMAP4REV1", "LITERAL+", "SASL-IR", "ID", "IDLE", "NAMESPACE", "UIDPLUS", "UNSELECT",
    "MOVE", "CONDSTORE", "ENABLE", "ESEARCH", "SPECIAL-USE", "LIST-STATUS",
}
ICLOUD_AFTER_LOGIN = {
    "IMAP4REV1", "IDLE", "NAMESPACE", "UIDPLUS", "UNSELECT", "CONDSTORE", "ENABLE", "ID",
    "LIST-STATUS",
}
ICLOUD_NOT_ADVERTISED = {"LITERAL+", "MOVE", "SPECIAL-USE"}

# Folder -> the special-use attribute LIST must show (None: none at all).
FOLDERS = {
    "rfc": {
        "INBOX": None, "Sent": "\\sent", "Drafts": "\\drafts", "Trash": "\\trash",
        "Junk": "\\junk", "Archive": "\\archive",
    },
    "icloud": {
        "INBOX": None, "Sent Messages": "\\sent", "Deleted Messages": "\\trash",
        "Drafts": None, "Junk": None, "Archive": None, "Notes": None,
    },
    "dovecot": {
        "INBOX": None, "Sent Messages": "\\sent", "Deleted Messages": "\\trash",
        "Drafts": "\\drafts", "Junk": "\\junk", "Archive": "\\archive",
    },
}
SPECIAL_USE = {"\\sent", "\\drafts", "\\trash", "\\junk", "\\archive", "\\all", "\\flagged"}

APPEND_DATE = datetime.datetime(2025, 7, 7, 10, 0, 0, tzinfo=datetime.timezone.utc)


def nested_message():
    """multipart/mixed holding multipart/alternative (plain + html) and an attachment."""
    plain = "Grüße aus dem Test, mit einem Wort: zebrafinch.\r\n".encode()
    html = b"<p>Gr=C3=BC=C3=9Fe</p>\r\n"
    attachment = b"AAECAwQFBgcICQ==\r\n"
    message = (
        b"From: Ann Example <ann@mailwire.test>\r\n"
        b"To: Bob <bob@mailwire.test>\r\n"
        b"Subject: nested parts\r\n"
        b"Date: Mon, 7 Jul 2025 10:00:00 +0000\r\n"
        b"Message-ID: <nested.1@mailwire.test>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="outer-b"\r\n'
        b"\r\n"
        b"This is a multi-part message.\r\n"
        b"--outer-b\r\n"
        b'Content-Type: multipart/alternative; boundary="inner-b"\r\n'
        b"\r\n"
        b"--inner-b\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n" + plain + b"\r\n"
        b"--inner-b\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n" + html + b"\r\n"
        b"--inner-b--\r\n"
        b"\r\n"
        b"--outer-b\r\n"
        b'Content-Type: application/octet-stream; name="data.bin"\r\n'
        b'Content-Disposition: attachment; filename="data.bin"\r\n'
        b"Content-Transfer-Encoding: base64\r\n"
        b"\r\n" + attachment + b"\r\n"
        b"--outer-b--\r\n"
    )
    return message, plain, html, attachment


def simple_message(subject, body):
    return (
        "From: Carl Sender <carl@mailwire.test>\r\n"
        "To: Bob <bob@mailwire.test>\r\n"
        f"Subject: {subject}\r\n"
        "Date: Tue, 8 Jul 2025 11:30:00 +0200\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@mailwire.test>\r\n"
        "\r\n"
        f"{body}\r\n"
    ).encode()


def lower(value):
    return value.lower() if isinstance(value, bytes) else value


def without_recent(flags):
    return {f.decode() for f in flags if f.lower() != b"\\recent"}


def internal_date(value):
    return datetime.datetime.strptime(value.decode().strip(), "%d-%b-%Y %H:%M:%S %z")


class Check:
    def __init__(self, argv):
        take_args(self, argv, ("host", "tls_port", "starttls_port", "cafile", "user",
                               "password", "mode"), __doc__)
        suffix = f"{os.getpid()}-{time.time_ns() % 1_000_000}"
        self.work = f"imaplib-check-{suffix}"
        self.other = f"imaplib-other {suffix}"

    def connect(self):
        return login(imap_tls(self.host, self.tls_port, self.cafile), self.user, self.password)

    # ------------------------------------------------------------ STARTTLS and login

    def starttls(self):
        imap = imaplib.IMAP4(self.host, self.starttls_port, timeout=10)
        before = set(c.upper() for c in imap.capabilities)
        check("STARTTLS port: STARTTLS advertised before TLS", "STARTTLS" in before,
              "STARTTLS in capabilities", sorted(before))
        if self.mode != "dovecot":
            # Dovecot trusts loopback as secure and allows login in clear; ours must not.
            check("STARTTLS port: LOGINDISABLED before TLS", "LOGINDISABLED" in before,
                  "LOGINDISABLED", sorted(before))
            typ = None
            try:
                typ, _ = imap.login(self.user, "not-the-password")
            except imaplib.IMAP4.error:
                typ = "refused"
            check("STARTTLS port: LOGIN in clear refused", typ == "refused", "NO or BAD", typ)
        if self.mode == "icloud":
            check("STARTTLS port: iCloud greeting", b"XAPPLEPUSHSERVICE" in imap.welcome,
                  "XAPPLEPUSHSERVICE in the greeting", imap.welcome)
        from mwcheck import tls_context

        typ, data = imap.starttls(ssl_context=tls_context(self.cafile))
        check_eq("STARTTLS answered OK", typ, "OK")
        after = set(c.upper() for c in imap.capabilities)
        check("STARTTLS: AUTH=PLAIN offered after TLS", "AUTH=PLAIN" in after, "AUTH=PLAIN",
              sorted(after))
        check("STARTTLS: LOGINDISABLED gone after TLS", "LOGINDISABLED" not in after,
              "no LOGINDISABLED", sorted(after))
        login(imap, self.user, self.password)
        ok("LOGIN over STARTTLS")
        check_eq("LIST over STARTTLS has INBOX", "INBOX" in mailboxes(imap), True)
        typ, data = imap.logout()
        check_eq("LOGOUT over STARTTLS says BYE", typ, "BYE")

    def refusals(self):
        imap = imap_tls(self.host, self.tls_port, self.cafile)
        if self.mode == "icloud":
            check("implicit TLS: iCloud greeting's odd leading tokens",
                  re.search(rb"\[CAPABILITY \S+ \S+ XAPPLEPUSHSERVICE IMAP4 IMAP4rev1", imap.welcome)
                  is not None, "[CAPABILITY host build XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 ...",
                  imap.welcome)
        try:
            imap.login(self.user, self.password + "-wrong")
            fail("wrong password refused", "NO", "OK")
        except imaplib.IMAP4.error as error:
            check("wrong password refused with NO", "command error: BAD" not in str(error),
                  "NO", str(error))
        imap.logout()
        if self.mode == "icloud":
            imap = imap_tls(self.host, self.tls_port, self.cafile)
            try:
                imap.login(self.user, "")
                fail("iCloud: empty password answered BAD", "BAD", "OK")
            except imaplib.IMAP4.error as error:
                check("iCloud: empty password answered BAD", "BAD" in str(error), "BAD",
                      str(error))
            imap.logout()
            if "@" in self.user:
                name = self.user.split("@")[0]
                imap = login(imap_tls(self.host, self.tls_port, self.cafile), name,
                             self.password)
                ok("iCloud: the name part before @ logs in too")
                imap.logout()

    # ------------------------------------------------------------ the main session

    def session(self):
        imap = self.connect()
        ok("LOGIN over implicit TLS")
        caps = capabilities(imap)
        if self.mode == "rfc":
            missing = RFC_AFTER_LOGIN - caps
            check("capabilities after login (rfc)", not missing, sorted(RFC_AFTER_LOGIN),
                  sorted(caps))
        elif self.mode == "icloud":
            missing = ICLOUD_AFTER_LOGIN - caps
            check("capabilities after login (icloud)", not missing, sorted(ICLOUD_AFTER_LOGIN),
                  sorted(caps))
            check("iCloud: no LITERAL+, MOVE or SPECIAL-USE advertised",
                  not (caps & ICLOUD_NOT_ADVERTISED), "none of " + str(ICLOUD_NOT_ADVERTISED),
                  sorted(caps))
        self.caps = caps
        self.check_list(imap)
        if "LIST-STATUS" in caps:
            self.check_list_status(imap)
        if self.mode == "icloud":
            typ, data = imap.select("Notes")
            check("iCloud: SELECT Notes answered NO [NONEXISTENT]",
                  typ == "NO" and b"[NONEXISTENT]" in data[0], "NO [NONEXISTENT]", (typ, data))
        for name in (self.work, self.other):
            typ, data = imap.create(quote(name))
            check_eq(f"CREATE {name}", typ, "OK")
        self.check_append_fetch(imap)
        self.check_search(imap)
        self.check_store(imap)
        self.check_copy_move_expunge(imap)
        self.check_idle(imap)
        imap.close()
        for name in (self.work, self.other):
            typ, _ = imap.delete(quote(name))
            check_eq(f"DELETE {name}", typ, "OK")
        typ, _ = imap.logout()
        check_eq("LOGOUT says BYE", typ, "BYE")

    def check_list(self, imap):
        found = mailboxes(imap)
        for folder, role in FOLDERS[self.mode].items():
            check(f"LIST shows {folder}", folder in found, folder, sorted(found))
            attributes = found[folder]
            if role is None:
                check(f"LIST: {folder} has no special-use attribute",
                      not (attributes & SPECIAL_USE), "none", sorted(attributes))
            else:
                check(f"LIST: {folder} is {role}", role in attributes, role, sorted(attributes))

    def check_list_status(self, imap):
        typ, data = imap._simple_command("LIST", '""', '"*"', "RETURN", "(STATUS (MESSAGES UIDNEXT))")
        check_eq("LIST-STATUS answered OK", typ, "OK")
        _, statuses = imap._untagged_response(typ, data, "STATUS")
        text = b" ".join(s for s in statuses if s)
        check("LIST-STATUS: STATUS for INBOX with MESSAGES and UIDNEXT",
              re.search(rb'(?i)"?INBOX"? \((?=.*MESSAGES \d+)(?=.*UIDNEXT \d+)', text) is not None,
              "INBOX (MESSAGES n UIDNEXT n)", text)

    def check_append_fetch(self, imap):
        nested, plain, html, attachment = nested_message()
        self.nested = nested
        self.second = simple_message("second plain", "The body names a kestrel.")
        self.third = simple_message("third plain", "Only words here.")
        date = imaplib.Time2Internaldate(APPEND_DATE)
        typ, data = imap.append(quote(self.work), r"(\Flagged $Important)", date, nested)
        check_eq("APPEND with flags and date", typ, "OK")
        if "UIDPLUS" in self.caps:
            check("APPEND answered [APPENDUID validity uid]",
                  re.search(rb"\[APPENDUID \d+ \d+\]", data[0]) is not None, "[APPENDUID v u]",
                  data)
        for message in (self.second, self.third):
            typ, data = imap.append(quote(self.work), None, None, message)
            check_eq("APPEND without flags", typ, "OK")
        exists = select(imap, self.work)
        check_eq("SELECT counts the three appended", exists, 3)
        typ, data = imap.response("UIDVALIDITY")
        check("SELECT gives UIDVALIDITY", data and data[0] is not None, "a number", data)

        answers = fetch(imap, "FETCH FLAGS UID RFC822.SIZE INTERNALDATE", "1:3",
                        "(FLAGS UID RFC822.SIZE INTERNALDATE)")
        check_eq("FETCH 1:3 answers three messages", sorted(answers), [1, 2, 3])
        first = answers[1]
        check_eq("FETCH FLAGS of the appended message", without_recent(first["FLAGS"]),
                 {"\\Flagged", "$Important"})
        check_eq("FETCH RFC822.SIZE is the appended size", int(first["RFC822.SIZE"]), len(nested))
        check_eq("FETCH RFC822.SIZE of the second", int(answers[2]["RFC822.SIZE"]),
                 len(self.second))
        check_eq("FETCH INTERNALDATE is the APPEND date", internal_date(first["INTERNALDATE"]),
                 APPEND_DATE)
        self.uids = [int(answers[n]["UID"]) for n in (1, 2, 3)]
        check("UIDs ascend", self.uids == sorted(set(self.uids)), "ascending", self.uids)

        envelope = fetch_one(imap, "FETCH ENVELOPE", 1, "(ENVELOPE)")["ENVELOPE"]
        check_eq("ENVELOPE date", envelope[0], b"Mon, 7 Jul 2025 10:00:00 +0000")
        check_eq("ENVELOPE subject", envelope[1], b"nested parts")
        check_eq("ENVELOPE from", envelope[2], [[b"Ann Example", None, b"ann", b"mailwire.test"]])
        check_eq("ENVELOPE sender defaults to from", envelope[3], envelope[2])
        check_eq("ENVELOPE reply-to defaults to from", envelope[4], envelope[2])
        check_eq("ENVELOPE to", envelope[5], [[b"Bob", None, b"bob", b"mailwire.test"]])
        check_eq("ENVELOPE cc and bcc are NIL", envelope[6:8], [None, None])
        check_eq("ENVELOPE message-id", envelope[9], b"<nested.1@mailwire.test>")

        structure = fetch_one(imap, "FETCH BODYSTRUCTURE", 1, "(BODYSTRUCTURE)")["BODYSTRUCTURE"]
        alternative, attached = structure[0], structure[1]
        check_eq("BODYSTRUCTURE: outer subtype mixed", lower(structure[2]), b"mixed")
        check_eq("BODYSTRUCTURE: outer boundary", [lower(v) for v in structure[3]],
                 [b"boundary", b"outer-b"])
        check_eq("BODYSTRUCTURE: nested subtype alternative", lower(alternative[2]),
                 b"alternative")
        text_part = alternative[0]
        check_eq("BODYSTRUCTURE: text/plain part", [lower(v) for v in text_part[:2]],
                 [b"text", b"plain"])
        check_eq("BODYSTRUCTURE: text/plain charset", [lower(v) for v in text_part[2]],
                 [b"charset", b"utf-8"])
        check_eq("BODYSTRUCTURE: text/plain encoding", lower(text_part[5]), b"8bit")
        check_eq("BODYSTRUCTURE: text/plain size", int(text_part[6]), len(plain))
        check_eq("BODYSTRUCTURE: text/plain lines", int(text_part[7]), 1)
        check_eq("BODYSTRUCTURE: text/html part", [lower(v) for v in alternative[1][:2]],
                 [b"text", b"html"])
        check_eq("BODYSTRUCTURE: attachment type", [lower(v) for v in attached[:2]],
                 [b"application", b"octet-stream"])
        check_eq("BODYSTRUCTURE: attachment encoding", lower(attached[5]), b"base64")
        check_eq("BODYSTRUCTURE: attachment size", int(attached[6]), len(attachment))
        disposition = attached[8]
        check("BODYSTRUCTURE: attachment disposition",
              isinstance(disposition, list) and lower(disposition[0]) == b"attachment",
              "(attachment (filename data.bin))", disposition)

        body = fetch_one(imap, "FETCH BODY.PEEK[]", 1, "(BODY.PEEK[])")["BODY[]"]
        check_eq("BODY.PEEK[] is the appended message byte for byte", body, nested)
        header = fetch_one(imap, "FETCH BODY.PEEK[HEADER.FIELDS (SUBJECT)]", 1,
                           "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        check_eq("BODY.PEEK[HEADER.FIELDS (SUBJECT)]",
                 header.get("BODY[HEADER.FIELDS (SUBJECT)]"), b"Subject: nested parts\r\n\r\n")
        partial = fetch_one(imap, "FETCH BODY.PEEK[]<0.20>", 1, "(BODY.PEEK[]<0.20>)")
        check_eq("BODY.PEEK[]<0.20> is the first 20 bytes", partial.get("BODY[]<0>"), nested[:20])
        partial = fetch_one(imap, "FETCH BODY.PEEK[]<6.4>", 1, "(BODY.PEEK[]<6.4>)")
        check_eq("BODY.PEEK[]<6.4> is bytes 6 to 9", partial.get("BODY[]<6>"), nested[6:10])
        part = fetch_one(imap, "FETCH BODY.PEEK[1.1]", 1, "(BODY.PEEK[1.1])")
        check_eq("BODY.PEEK[1.1] is the nested text/plain", part.get("BODY[1.1]"), plain)
        part = fetch_one(imap, "FETCH BODY.PEEK[2]", 1, "(BODY.PEEK[2])")
        check_eq("BODY.PEEK[2] is the attachment as sent", part.get("BODY[2]"), attachment)
        flags = fetch_one(imap, "FETCH FLAGS", 1, "(FLAGS)")["FLAGS"]
        check("BODY.PEEK leaves \\Seen unset", b"\\Seen" not in flags, "no \\Seen", flags)

        answers = fetch(imap, "FETCH RFC822", "2", "(RFC822)")
        if self.mode == "icloud":
            check("iCloud: FETCH RFC822 answered OK with no data",
                  "RFC822" not in answers.get(2, {}), "no RFC822 item", answers)
        else:
            check_eq("FETCH RFC822 is the message", answers.get(2, {}).get("RFC822"), self.second)
        answers = fetch(imap, "FETCH BODY[]", "2", "(BODY[])")
        check_eq("BODY[] of the second message", answers[2].get("BODY[]"), self.second)
        flags = fetch_one(imap, "FETCH FLAGS", 2, "(FLAGS)")["FLAGS"]
        check("BODY[] without PEEK sets \\Seen", b"\\Seen" in flags, "\\Seen", flags)

    def check_search(self, imap):
        u1, u2, u3 = self.uids
        check_eq("SEARCH ALL", search(imap, "SEARCH ALL", "ALL"), [1, 2, 3])
        check_eq('SEARCH SUBJECT "second"', search(imap, "SEARCH SUBJECT", "SUBJECT", '"second"'),
                 [2])
        check_eq("SEARCH SUBJECT is case-insensitive",
                 search(imap, "SEARCH SUBJECT", "SUBJECT", "PLAIN"), [2, 3])
        check_eq("SEARCH FLAGGED", search(imap, "SEARCH FLAGGED", "FLAGGED"), [1])
        check_eq("SEARCH KEYWORD $Important",
                 search(imap, "SEARCH KEYWORD", "KEYWORD", "$Important"), [1])
        check_eq("SEARCH SEEN", search(imap, "SEARCH SEEN", "SEEN"), [2])
        check_eq("SEARCH UNSEEN", search(imap, "SEARCH UNSEEN", "UNSEEN"), [1, 3])
        check_eq("SEARCH NOT FLAGGED", search(imap, "SEARCH NOT", "NOT", "FLAGGED"), [2, 3])
        check_eq("SEARCH OR SUBJECT nested SUBJECT third",
                 search(imap, "SEARCH OR", "OR", "SUBJECT", "nested", "SUBJECT", "third"), [1, 3])
        check_eq("SEARCH FROM", search(imap, "SEARCH FROM", "FROM", "carl@mailwire.test"), [2, 3])
        check_eq("SEARCH BODY", search(imap, "SEARCH BODY", "BODY", "kestrel"), [2])
        check_eq("SEARCH TEXT finds a word in a nested part",
                 search(imap, "SEARCH TEXT", "TEXT", "zebrafinch"), [1])
        check_eq("SEARCH HEADER Message-ID",
                 search(imap, "SEARCH HEADER", "HEADER", "Message-ID", "third.plain"), [3])
        check_eq("SEARCH LARGER", search(imap, "SEARCH LARGER", "LARGER", str(len(self.second))),
                 [1])
        check_eq("SEARCH SENTBEFORE 8-Jul-2025",
                 search(imap, "SEARCH SENTBEFORE", "SENTBEFORE", "8-Jul-2025"), [1])
        check_eq("SEARCH BEFORE 1-Jan-2026 (the APPEND date)",
                 search(imap, "SEARCH BEFORE", "BEFORE", "1-Jan-2026"), [1])
        check_eq("SEARCH 2:* (sequence set)", search(imap, "SEARCH set", "2:*"), [2, 3])
        check_eq("UID SEARCH UID range from the second",
                 search(imap, "UID SEARCH", "UID", f"{u2}:*", uid=True), [u2, u3])
        check_eq("UID SEARCH UID range up to the first",
                 search(imap, "UID SEARCH", "UID", f"1:{u1}", uid=True), [u1])
        check_eq("UID SEARCH with two criteria",
                 search(imap, "UID SEARCH", "UNSEEN", "SUBJECT", "plain", uid=True), [u3])
        check_eq("SEARCH with no match", search(imap, "SEARCH", "SUBJECT", "no-such-subject"), [])

    def check_store(self, imap):
        typ, data = imap.store("3", "+FLAGS", r"(\Answered \Flagged $Forwarded)")
        check_eq("STORE +FLAGS answered OK", typ, "OK")
        answers = fetch_store_answer(data)
        check_eq("STORE +FLAGS answers the new FLAGS", without_recent(answers[3]["FLAGS"]),
                 {"\\Answered", "\\Flagged", "$Forwarded"})
        typ, data = imap.store("3", "-FLAGS", r"(\Flagged)")
        answers = fetch_store_answer(data)
        check_eq("STORE -FLAGS answers the remaining FLAGS", without_recent(answers[3]["FLAGS"]),
                 {"\\Answered", "$Forwarded"})
        typ, data = imap.uid("STORE", str(self.uids[1]), "+FLAGS", r"(\Draft)")
        answers = fetch_store_answer(data)
        check("UID STORE answers FLAGS and UID",
              int(answers[2].get("UID", 0)) == self.uids[1]
              and "\\Draft" in without_recent(answers[2]["FLAGS"]),
              "(UID u FLAGS (.. \\Draft ..))", answers)
        typ, data = imap.store("2", "+FLAGS.SILENT", r"(\Flagged)")
        check("STORE +FLAGS.SILENT answers no FETCH", data == [None], "no data", data)
        flags = fetch_one(imap, "FETCH FLAGS", 2, "(FLAGS)")["FLAGS"]
        check_eq("STORE +FLAGS.SILENT stored", without_recent(flags),
                 {"\\Seen", "\\Draft", "\\Flagged"})
        typ, data = imap.store("2", "FLAGS", r"(\Seen)")
        answers = fetch_store_answer(data)
        check_eq("STORE FLAGS replaces", without_recent(answers[2]["FLAGS"]), {"\\Seen"})

    def check_copy_move_expunge(self, imap):
        typ, data = imap.copy("1:2", quote(self.other))
        check_eq("COPY answered OK", typ, "OK")
        if "UIDPLUS" in self.caps:
            check("COPY answered [COPYUID validity 1:2 uids]",
                  re.search(rb"\[COPYUID \d+ \S+ \S+\]", data[0] or b"") is not None,
                  "[COPYUID v src dst]", data)
        check_eq("COPY: the other mailbox holds two", message_count(imap, self.other), 2)
        check_eq("COPY: the source still holds three", message_count(imap, self.work), 3)
        u3 = self.uids[2]
        if "MOVE" in self.caps:
            typ, data = imap.uid("MOVE", str(u3), quote(self.other))
            check_eq("UID MOVE answered OK", typ, "OK")
            _, expunged = imap.response("EXPUNGE")
            check_eq("UID MOVE: EXPUNGE 3 in the source", expunged, [b"3"])
        else:
            check("no MOVE advertised: moving is COPY + \\Deleted + UID EXPUNGE",
                  self.mode != "rfc", "MOVE in rfc mode", sorted(self.caps))
            typ, _ = imap.uid("COPY", str(u3), quote(self.other))
            check_eq("UID COPY answered OK", typ, "OK")
            typ, _ = imap.uid("STORE", str(u3), "+FLAGS.SILENT", r"(\Deleted)")
            check_eq("UID STORE \\Deleted answered OK", typ, "OK")
            typ, data = imap.uid("EXPUNGE", str(u3))
            check_eq("UID EXPUNGE answered OK", typ, "OK")
            _, expunged = imap.response("EXPUNGE")
            check_eq("UID EXPUNGE: EXPUNGE 3", expunged, [b"3"])
            if self.mode == "icloud":
                try:
                    typ, data = imap.uid("MOVE", str(u3), quote(self.other))
                except imaplib.IMAP4.error as error:
                    typ, data = "BAD", str(error)
                check("iCloud: MOVE is refused", typ in ("NO", "BAD"), "NO or BAD", (typ, data))
        check_eq("move: the source holds two", message_count(imap, self.work), 2)
        check_eq("move: the other mailbox holds three", message_count(imap, self.other), 3)
        uids = search(imap, "UID SEARCH ALL", "ALL", uid=True)
        check_eq("move: the moved UID is gone from the source", uids, self.uids[:2])

        typ, _ = imap.store("1", "+FLAGS.SILENT", r"(\Deleted)")
        check_eq("STORE \\Deleted answered OK", typ, "OK")
        typ, data = imap.expunge()
        check_eq("EXPUNGE answered OK", typ, "OK")
        check_eq("EXPUNGE reports sequence number 1", data, [b"1"])
        uids = search(imap, "UID SEARCH ALL", "ALL", uid=True)
        check_eq("EXPUNGE removed the deleted message only", uids, [self.uids[1]])

    def check_idle(self, imap):
        # `imap` has the work mailbox selected, holding one message; a second session acts
        # on it while this one idles.
        other = self.connect()
        select(other, self.work)
        idle = Idle(imap)
        early = idle.start()
        ok("IDLE answered with '+'")
        if early and self.mode != "icloud":
            fail("nothing pushed before IDLE's '+'", [], early)

        started = time.monotonic()
        typ, _ = other.append(quote(self.work), None, None,
                              simple_message("arrives during idle", "Hello."))
        check_eq("APPEND from a second session", typ, "OK")
        appended = time.monotonic()
        line, took = idle.wait_for(rb"^\* 2 EXISTS", 1.0)
        check("IDLE: '* 2 EXISTS' within 1 s of another session's APPEND", line is not None,
              "* 2 EXISTS within 1 s", took)
        print(f"# EXISTS came {1000 * took:.0f} ms after the APPEND completed "
              f"({1000 * (appended - started):.0f} ms for the APPEND itself)")

        typ, _ = other.store("1", "+FLAGS", r"(\Flagged)")
        check_eq("STORE from a second session", typ, "OK")
        line, took = idle.wait_for(rb"^\* 1 FETCH \(.*\\Flagged", 1.0)
        check("IDLE: '* 1 FETCH (FLAGS (.. \\Flagged ..))' within 1 s of another session's STORE",
              line is not None, "* 1 FETCH (FLAGS (\\Flagged))", took)

        if self.mode == "icloud":
            idle.send_line(b"X1 NOOP")
            line, _ = idle.wait_for(rb"BAD", 2.0)
            check("iCloud: a command during IDLE answered 'BAD DONE is the only command ...'",
                  line is not None and b"DONE is the only command allowed after IDLE" in line,
                  "BAD DONE is the only command allowed after IDLE", line)
        answer = idle.done()
        check("DONE ends IDLE with OK", answer.split()[1:2] == [b"OK"], "tag OK", answer)
        typ, _ = imap.noop()
        check_eq("NOOP after IDLE", typ, "OK")
        other.logout()


def fetch_store_answer(data):
    from mwcheck import fetch_answers

    return fetch_answers([d for d in data if d is not None])


def main():
    check_ = Check(sys.argv)
    check_.starttls()
    check_.refusals()
    check_.session()
    print("# all imaplib checks passed")


if __name__ == "__main__":
    run_main(main)
