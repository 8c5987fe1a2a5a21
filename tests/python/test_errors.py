# Every kind of failure, as a Python application sees it: a GLib.Error in
# AUTHENTA_ERROR whose code, HTTP status, service code and mid are readable
# through Authenta.error_get_*() although PyGObject keeps only the domain,
# code and message.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os

from authenta_test import (KEY, Authenta, EmulatorTestCase, GLib, closed_port,
                           error_details, main)

E = Authenta.Error
BAD_MID = "0123456789abcdef01234567"


class ErrorsTest(EmulatorTestCase):
    # The emulator of every row: the normal key, one with read permission
    # only and one with none.
    EMULATOR_ARGS = ("--processing-time", "0.2", "--api-key", KEY,
                     "--api-key", "key_read_only:r", "--api-key", "key_no_perms:")

    def rows(self):
        """(name, action, code, HTTP status, service code, mid).  An action
        is called with the test case and returns what the failing call
        returned; a mid of True means "the one the action used"."""
        emu = self.emu

        def with_key(key, call):
            return lambda t: call(t.make_client(emu, key, attempts=1))

        def fault(route, call, **f):
            def action(t):
                emu.add_fault(route=route, **f)
                return call(t.make_client(emu, KEY, attempts=1))
            return action

        def poor(t):
            emu0 = t.start_emulator("--balance", "0")
            return t.make_client(emu0, KEY).create_media("a.mp4", "video/mp4", 10, None, None)

        def closed(t):
            url = "http://127.0.0.1:%d/api" % closed_port()
            return t.make_client(url, KEY, attempts=1).list_media(1, 0, None)

        def no_service(t):
            return t.make_client(emu.root_url + "/nothing", KEY, attempts=1).list_media(1, 0, None)

        def unsupported(t):
            path = os.path.join(t.tmpdir, "notes.txt")
            with open(path, "w") as f:
                f.write("plain text, no media")
            return t.client.scan_file(path, None, None, None, None, None)

        def processing_failed(t):
            path = t.make_file("will-fail.mp4")
            return t.client.scan_file(path, None, None, None, None, None)

        def timeout(t):
            emu.control("/_emulator/config", {"processing_time_ms": 30000})
            t.client.set_poll_policy(50, 1.0, 50, 300)
            return t.client.scan_file(t.make_file(), None, None, None, None, None)

        def upload_rejected(t):
            emu.add_fault(route="upload", action="status", status=400,
                          code="InvalidArgument", message="bad")
            return t.client.scan_file(t.make_file(), None, None, None, None, None)

        def bad_journal(t):
            jdir = os.path.join(t.tmpdir, "not-a-journal")
            os.mkdir(jdir)
            with open(os.path.join(jdir, Authenta.JOURNAL_FILE_NAME), "wb") as f:
                f.write(b"not an SQLite database " * 100)
            return Authenta.Journal.open(jdir)

        def file_changed(t):
            path = t.make_file()
            journal = Authenta.Journal.open(os.path.join(t.tmpdir, "journal"))
            entry = journal.add(path, None, None, None, False)
            with open(path, "ab") as f:
                f.write(b"more")
            return t.client.scan_journaled(journal, entry, None, None, None)

        list1 = lambda c: c.list_media(1, 0, None)  # noqa: E731
        return [
            ("wrong key", with_key("wrong_key", list1),
             E.INVALID_API_KEY, 401, "INVALID_API_KEY", None),
            ("no permission", with_key("key_no_perms", list1),
             E.FORBIDDEN, 403, "FORBIDDEN", None),
            ("read-only key creates", with_key(
                "key_read_only", lambda c: c.create_media("a.mp4", "video/mp4", 10, None, None)),
             E.FORBIDDEN, 403, "FORBIDDEN", None),
            ("no credits", poor, E.INSUFFICIENT_BALANCE, 402, "INSUFFICIENT_BALANCE", None),
            ("no such record", lambda t: t.client.get_media(BAD_MID, None),
             E.NOT_FOUND, 404, "NOT_FOUND", BAD_MID),
            ("delete no such record", lambda t: t.client.delete_media(BAD_MID, None),
             E.NOT_FOUND, 404, "NOT_FOUND", BAD_MID),
            ("closed port", closed, E.NETWORK, 0, None, None),
            ("server error", fault("list", list1, action="status", status=500),
             E.SERVER, 500, "INTERNAL_SERVER_ERROR", None),
            ("bad gateway", fault("list", list1, action="status", status=502),
             E.SERVER, 502, "BAD_GATEWAY", None),
            ("rate limited", fault("list", list1, action="status", status=429),
             E.RATE_LIMITED, 429, "TOO_MANY_REQUESTS", None),
            ("bad request", fault("list", list1, action="status", status=400),
             E.BAD_REQUEST, 400, "BAD_REQUEST", None),
            ("malformed answer", fault("list", list1, action="malformed"),
             E.PROTOCOL, 200, None, None),
            ("no service at the URL", no_service, E.NO_SERVICE, 404, None, None),
            ("malformed mid", lambda t: t.client.get_media("../etc", None),
             E.INVALID_ARGUMENT, 0, None, None),
            ("unsupported file", unsupported, E.UNSUPPORTED_MEDIA, 0, None, None),
            ("upload refused", upload_rejected, E.UPLOAD_REJECTED, 400, "InvalidArgument", True),
            ("processing failed", processing_failed, E.PROCESSING_FAILED, None, "FAILED", True),
            ("no verdict in time", timeout, E.TIMEOUT, None, None, True),
            ("not a journal", bad_journal, E.JOURNAL, 0, None, None),
            ("recording changed", file_changed, E.FILE_CHANGED, 0, None, None),
        ]

    def test_error_table(self):
        rows = self.rows()
        names = {r[0] for r in rows}
        self.assertEqual(len(names), len(rows))
        # Every code the library has, but TLS (tests/lib/test-tls.c).
        self.assertEqual({r[2] for r in rows} | {E.TLS},
                         {getattr(E, n) for n in dir(E) if n.isupper()})
        for name, action, code, status, service_code, mid in rows:
            with self.subTest(name):
                with self.assertRaises(GLib.Error) as cm:
                    action(self)
                error = self.assertAuthentaError(cm, code)
                got_code, got_status, got_service, got_mid = error_details(error)
                if status is not None:
                    self.assertEqual(got_status, status, str(error))
                self.assertEqual(got_service, service_code, str(error))
                if mid is True:
                    self.assertRegex(got_mid or "", r"^[0-9A-Za-z_-]+$", str(error))
                    self.assertIn(got_mid, error.message)
                else:
                    self.assertEqual(got_mid, mid, str(error))
                self.assertEqual(Authenta.error_is_transient(error),
                                 code in (E.NETWORK, E.SERVER, E.TIMEOUT, E.RATE_LIMITED,
                                          E.NO_SERVICE, E.PROTOCOL), str(error))
                emu_reset(self.emu)

    def test_details_survive_a_copy_in_python(self):
        # The error handed back is a new GError built from the Python one:
        # its details come back, also after other errors came and went.
        with self.assertRaises(GLib.Error) as cm:
            self.make_client(self.emu, "wrong_key").get_media(BAD_MID, None)
        first = cm.exception
        for _ in range(10):
            with self.assertRaises(GLib.Error):
                self.client.get_media(BAD_MID, None)
        copy = GLib.Error(first.message, first.domain, first.code)
        self.assertEqual(error_details(copy), (E.INVALID_API_KEY, 401, "INVALID_API_KEY", BAD_MID))

    def test_details_of_a_foreign_error(self):
        # An error the library never made has no details, whatever its code.
        made_up = GLib.Error("made up", "AuthentaError", int(E.SERVER))
        self.assertEqual(error_details(made_up), (E.SERVER, 0, None, None))
        other = GLib.Error("other domain", "g-io-error-quark", 1)
        self.assertEqual(Authenta.error_get_http_status(other), 0)
        self.assertIsNone(Authenta.error_get_service_code(other))
        self.assertFalse(Authenta.error_is_transient(other))


def emu_reset(emu):
    emu.control("/_emulator/reset", {})


if __name__ == "__main__":
    main()
