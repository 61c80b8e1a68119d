#!/usr/bin/env python3
"""mbsync (isync) keeps a local Maildir and an IMAP account in step, both ways.

    mbsync_check.py HOST IMAPS_PORT SUBMISSION_PORT CAFILE USER PASSWORD MODE

Writes an mbsyncrc in a scratch directory (IMAPAccount with `SSLType IMAPS` and
`CertificateFile CAFILE`, an IMAPStore, a MaildirStore, a Channel with `Sync All`,
`Create Both`, `Expunge Both`) and checks, running mbsync between the steps:
server to local (mail delivered over SMTP appears in the Maildir, and the server's folders
as local folders, with iCloud's names in icloud mode), local to server (a file put in the
Maildir is APPENDed and seen over IMAP; a local folder is created on the server), a flag
change each way, and a deletion each way. One `ok - ...` line per check; the first failure
prints `not ok - ...` with mbsync's output and exits 1.

MODE is `rfc` or `icloud` (`mailwire serve --mode`), or `dovecot` (the shared Dovecot
account of scripts/test-servers, for debugging this script: only two folders of this run
are synced, and mail is put there by APPEND rather than SMTP).
"""

import ipaddress
import os
import re
import shutil
import smtplib
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
    mailboxes,
    ok,
    plain_message,
    quote,
    run_main,
    search,
    select,
    take_args,
    tls_context,
)

FAR_FOLDERS = {
    "rfc": ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"],
    "icloud": ["INBOX", "Sent Messages", "Deleted Messages", "Drafts", "Junk", "Archive"],
}


def message_id_of(data):
    match = re.search(rb"(?im)^Message-ID:\s*(<[^>\r\n]+>)", data)
    return match.group(1).decode() if match else None


def as_lf(data):
    return data.replace(b"\r\n", b"\n")


def without_tuid(data):
    """mbsync marks each message it copies with an X-TUID header (to find it again on the
    other side); the rest must be what was delivered."""
    return re.sub(rb"(?m)^X-TUID: [^\r\n]*\r?\n", b"", data)


class Check:
    def __init__(self, argv):
        take_args(self, argv, ("host", "imaps_port", "submission_port", "cafile", "user",
                               "password", "mode"), __doc__)
        self.dir = tempfile.mkdtemp(prefix="mailwire-mbsync-")
        self.maildir = os.path.join(self.dir, "mail")
        run = f"{os.getpid()}-{time.time_ns() % 1_000_000}"
        if self.mode == "dovecot":
            self.box = f"mbsync-{run}"
            self.local_made = f"mbsync-{run}-local"
            self.patterns = f'"mbsync-{run}*"'
        else:
            self.box = "INBOX"
            self.local_made = "Made Locally"
            # iCloud's Notes folder LISTs but cannot be selected: iCloud users leave it out.
            self.patterns = "* !Notes" if self.mode == "icloud" else "*"
        self.last_output = ""

    # ------------------------------------------------------------ set-up

    def write_config(self):
        password_file = os.path.join(self.dir, "password")
        with open(os.open(password_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
            file.write(self.password)
        # mbsync 1.4 checks only DNS names in the certificate, not IP addresses: a loopback
        # address is reached as localhost, which the server's certificate names.
        host = self.host
        try:
            if ipaddress.ip_address(host).is_loopback:
                host = "localhost"
        except ValueError:
            pass
        config = f"""\
IMAPAccount far
Host {host}
Port {self.imaps_port}
User "{self.user}"
PassCmd "cat '{password_file}'"
SSLType IMAPS
CertificateFile "{self.cafile}"
Timeout 20

IMAPStore far
Account far

MaildirStore near
Path "{self.maildir}/"
Inbox "{self.maildir}/INBOX"
SubFolders Verbatim

Channel both
Far :far:
Near :near:
Patterns {self.patterns}
Sync All
Create Both
Expunge Both
SyncState *
"""
        os.makedirs(self.maildir, exist_ok=True)
        self.config = os.path.join(self.dir, "mbsyncrc")
        with open(self.config, "w") as file:
            file.write(config)

    def local(self, folder):
        if folder == "INBOX" or (self.mode == "dovecot" and folder == self.box):
            name = "INBOX" if self.mode != "dovecot" else folder
            return os.path.join(self.maildir, name)
        return os.path.join(self.maildir, folder)

    def mbsync(self, step):
        # mbsync refuses to run without HOME (CI may not set it); the scratch directory
        # also keeps it away from the user's own mbsync files.
        environment = dict(os.environ, HOME=self.dir)
        done = subprocess.run(["mbsync", "-c", self.config, "-a"], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=120, env=environment)
        self.last_output = (done.stdout + done.stderr).decode(errors="replace")
        if done.returncode != 0:
            fail(f"mbsync ({step}) exits 0", 0, (done.returncode, self.last_output[-2000:]))
        ok(f"mbsync ({step}) exits 0")

    def imap(self):
        return login(imap_tls(self.host, self.imaps_port, self.cafile), self.user, self.password)

    def deliver(self, subject):
        """Puts a message into the synced inbox: over SMTP on the in-memory server (as mail
        arrives), by APPEND on the shared Dovecot account (whose INBOX is not synced)."""
        data = plain_message(subject, self.user, self.user, body=f"Body of {subject}.\r\n")
        if self.mode == "dovecot":
            imap = self.imap()
            typ, _ = imap.append(quote(self.box), None, None, data)
            imap.logout()
            check_eq(f"APPEND {subject!r}", typ, "OK")
        else:
            smtp = smtplib.SMTP(self.host, self.submission_port, timeout=10)
            smtp.starttls(context=tls_context(self.cafile))
            smtp.login(self.user, self.password)
            refused = smtp.sendmail(self.user, [self.user], data)
            smtp.quit()
            check_eq(f"SMTP delivery of {subject!r}", refused, {})
        return data

    # ------------------------------------------------------------ the local side

    def local_messages(self, folder):
        """{message id: (path, bytes, maildir flags)} of a local folder."""
        found = {}
        root = self.local(folder)
        for sub in ("new", "cur"):
            directory = os.path.join(root, sub)
            if not os.path.isdir(directory):
                continue
            for name in os.listdir(directory):
                path = os.path.join(directory, name)
                with open(path, "rb") as file:
                    data = file.read()
                flags = name.split(":2,", 1)[1] if ":2," in name else ""
                found[message_id_of(data)] = (path, data, flags)
        return found

    def put_local(self, folder, data, flags=""):
        root = self.local(folder)
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(root, sub), exist_ok=True)
        name = f"{time.time_ns()}.{os.getpid()}.mailwire-test"
        sub = "cur" if flags else "new"
        suffix = f":2,{flags}" if flags else ""
        path = os.path.join(root, sub, name + suffix)
        with open(path, "wb") as file:
            file.write(as_lf(data))
        return path

    # ------------------------------------------------------------ the far side

    def far_message(self, imap, folder, message_id):
        """(uid, flags, bytes) of the message with `message_id` in `folder`, or None."""
        select(imap, folder)
        uids = search(imap, "UID SEARCH HEADER Message-ID", "HEADER", "Message-ID",
                      f'"{message_id}"', uid=True)
        if not uids:
            return None
        if len(uids) != 1:
            fail(f"{message_id} is once in {folder}", 1, len(uids))
        answers = fetch(imap, "UID FETCH", str(uids[0]), "(FLAGS BODY.PEEK[])", uid=True)
        answer = next(iter(answers.values()))
        flags = {f.decode() for f in answer["FLAGS"] if f.lower() != b"\\recent"}
        return uids[0], flags, answer["BODY[]"]

    # ------------------------------------------------------------ the checks

    def run(self):
        if self.mode == "dovecot":
            imap = self.imap()
            check_eq(f"CREATE {self.box}", imap.create(quote(self.box))[0], "OK")
            imap.logout()
        self.write_config()

        # Server to local.
        first = self.deliver("mbsync first")
        second = self.deliver("mbsync second")
        imap = self.imap()
        select(imap, self.box)
        uid = search(imap, "UID SEARCH", "HEADER", "Message-ID",
                     f'"{message_id_of(second)}"', uid=True)
        imap.uid("STORE", str(uid[0]), "+FLAGS", r"(\Seen)")
        imap.logout()
        self.mbsync("first sync")
        local = self.local_messages(self.box)
        for name, data in (("first", first), ("second", second)):
            entry = local.get(message_id_of(data))
            check(f"server to local: the {name} message is in the local Maildir", entry is not None,
                  message_id_of(data), sorted(k or "?" for k in local))
            check_eq(f"server to local: the {name} message's bytes (LF line ends)",
                     without_tuid(entry[1]), as_lf(data))
        check("server to local: \\Seen became the Maildir flag S",
              "S" in local[message_id_of(second)][2], "S", local[message_id_of(second)][2])
        check("server to local: an unseen message has no S",
              "S" not in local[message_id_of(first)][2], "no S", local[message_id_of(first)][2])
        if self.mode != "dovecot":
            for folder in FAR_FOLDERS[self.mode]:
                check(f"server to local: folder {folder!r} created locally",
                      os.path.isdir(os.path.join(self.local(folder), "cur")), folder,
                      sorted(os.listdir(self.maildir)))
            check("no local Notes folder", not os.path.exists(self.local("Notes")), "none",
                  sorted(os.listdir(self.maildir)))
        if self.mode == "icloud":
            sent = self.local_messages("Sent Messages")
            check("iCloud: the SMTP server's copy in Sent Messages synced locally",
                  message_id_of(first) in sent, message_id_of(first), sorted(sent))

        later = self.deliver("mbsync later")
        self.mbsync("a delivery since the last sync")
        check("server to local: a message delivered after the first sync arrives",
              message_id_of(later) in self.local_messages(self.box), message_id_of(later),
              sorted(self.local_messages(self.box)))

        # Local to server.
        made_here = plain_message("mbsync made locally", self.user, self.user,
                                  body="Written into the Maildir by hand.\r\n")
        self.put_local(self.box, made_here)
        elsewhere = plain_message("mbsync in a new folder", self.user, self.user)
        self.put_local(self.local_made, elsewhere, flags="S")
        self.mbsync("local changes")
        imap = self.imap()
        far = self.far_message(imap, self.box, message_id_of(made_here))
        check("local to server: the Maildir file was APPENDed", far is not None,
              message_id_of(made_here), None)
        check_eq("local to server: its bytes (CRLF on the wire)",
                 without_tuid(far[2]), made_here)
        check_eq("local to server: a new message has no flags", far[1], set())
        check(f"local to server: folder {self.local_made!r} created on the server",
              self.local_made in mailboxes(imap), self.local_made, sorted(mailboxes(imap)))
        far_elsewhere = self.far_message(imap, self.local_made, message_id_of(elsewhere))
        check("local to server: the new folder's message arrived, \\Seen",
              far_elsewhere is not None and "\\Seen" in far_elsewhere[1],
              "present with \\Seen", far_elsewhere and far_elsewhere[1])
        imap.logout()

        # A flag change each way.
        local = self.local_messages(self.box)
        path, _, flags = local[message_id_of(first)]
        flagged = path.split(":2,")[0] + ":2," + "".join(sorted(set(flags + "F")))
        os.rename(path, flagged.replace(os.sep + "new" + os.sep, os.sep + "cur" + os.sep))
        imap = self.imap()
        select(imap, self.box)
        uid = self.far_message(imap, self.box, message_id_of(second))[0]
        typ, _ = imap.uid("STORE", str(uid), "+FLAGS", r"(\Answered)")
        check_eq("server: STORE +FLAGS \\Answered", typ, "OK")
        imap.logout()
        self.mbsync("a flag changed on each side")
        imap = self.imap()
        far = self.far_message(imap, self.box, message_id_of(first))
        check("flag local to server: Maildir F became \\Flagged", "\\Flagged" in far[1],
              "\\Flagged", far[1])
        imap.logout()
        local = self.local_messages(self.box)
        check("flag server to local: \\Answered became the Maildir flag R",
              "R" in local[message_id_of(second)][2], "R", local[message_id_of(second)][2])

        # A deletion each way.
        os.remove(local[message_id_of(first)][0])
        imap = self.imap()
        select(imap, self.box)
        uid = self.far_message(imap, self.box, message_id_of(later))[0]
        imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
        typ, _ = imap.expunge()
        check_eq("server: EXPUNGE of a message", typ, "OK")
        imap.logout()
        self.mbsync("a deletion on each side")
        imap = self.imap()
        check("deletion local to server: the message is expunged on the server",
              self.far_message(imap, self.box, message_id_of(first)) is None, "gone", "present")
        check("the other messages stay on the server",
              self.far_message(imap, self.box, message_id_of(second)) is not None, "present",
              "gone")
        imap.logout()
        local = self.local_messages(self.box)
        check("deletion server to local: the Maildir file is gone",
              message_id_of(later) not in local, "gone", sorted(local))
        check("the other local messages stay", message_id_of(second) in local, "present",
              sorted(local))

        self.mbsync("nothing changed")
        check("a sync with nothing to do changes nothing",
              set(self.local_messages(self.box)) == set(local), sorted(local),
              sorted(self.local_messages(self.box)))

    def cleanup(self):
        if self.mode == "dovecot":
            imap = self.imap()
            for name in (self.box, self.local_made):
                imap.delete(quote(name))
            imap.logout()
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    check_ = Check(sys.argv)
    try:
        check_.run()
    finally:
        check_.cleanup()
    print("# all mbsync checks passed")


if __name__ == "__main__":
    run_main(main)
