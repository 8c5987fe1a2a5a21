# The journal from Python: open, add, list (boxed entries, the array's
# ownership), claim and release between two journal objects, a journaled
# scan and its verdict on disk, forget.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import json
import os

from authenta_test import Authenta, EmulatorTestCase, GLib, main

S = Authenta.JournalStage


class JournalTest(EmulatorTestCase):
    def setUp(self):
        super().setUp()
        self.jdir = os.path.join(self.tmpdir, "journal")
        self.journal = Authenta.Journal.open(self.jdir)

    def tearDown(self):
        self.journal = None
        super().tearDown()

    def test_open_add_list(self):
        self.assertEqual(self.journal.get_path(),
                         os.path.join(self.jdir, Authenta.JOURNAL_FILE_NAME))
        path = self.make_file()
        entry = self.journal.add(path, None, None, None, True)
        self.assertIsInstance(entry, Authenta.JournalEntry)
        self.assertGreater(entry.get_id(), 0)
        self.assertEqual(entry.get_path(), path)
        self.assertEqual(entry.get_name(), "clip.mp4")
        self.assertEqual(entry.get_content_type(), "video/mp4")
        self.assertEqual(entry.get_model_type(), "DF-1")
        self.assertEqual(entry.get_size(), 4096)
        self.assertRegex(entry.get_sha256(), r"^[0-9a-f]{64}$")
        self.assertEqual(entry.get_stage(), S.RECORDED)
        self.assertIsNone(entry.get_mid())
        self.assertTrue(entry.get_delete_after_verdict())
        self.assertEqual(Authenta.journal_stage_to_string(S.RECORDED), "recorded")

        second = self.journal.add(self.make_file("b.mp4"), "b", None, None, False)
        entries = self.journal.list(False)
        self.assertEqual([e.get_id() for e in entries], [entry.get_id(), second.get_id()])
        kept = entries[1]
        del entries
        gc.collect()
        self.assertEqual(kept.get_name(), "b")
        for _ in range(50):
            self.assertEqual(len(self.journal.list(True)), 2)
        looked_up = self.journal.lookup(second.get_id())
        self.assertEqual(looked_up.get_path(), second.get_path())

    def test_claim_release_between_objects(self):
        entry = self.journal.add(self.make_file(), None, None, None, False)
        other = Authenta.Journal.open(self.jdir)
        # Held by the journal that added it.
        self.assertIsNone(other.claim(entry.get_id(), False))
        self.assertIsNone(other.claim(0, False))
        self.journal.release(entry.get_id())
        claimed = other.claim(0, False)
        self.assertIsNotNone(claimed)
        self.assertEqual(claimed.get_id(), entry.get_id())
        self.assertIsNone(self.journal.claim(entry.get_id(), False))
        # Only the claimant may scan it.
        with self.assertRaises(GLib.Error) as cm:
            self.client.scan_journaled(self.journal, claimed, None, None, None)
        self.assertAuthentaError(cm, Authenta.Error.JOURNAL)
        media = self.client.scan_journaled(other, claimed, None, None, None)
        self.assertTrue(media.is_processed())

    def test_scan_journaled(self):
        path = self.make_file("fake-clip.mp4")
        entry = self.journal.add(path, None, None, None, True)
        stages = []

        def progress(stage, media, sent, total, data):
            stages.append(stage)

        media = self.client.scan_journaled(self.journal, entry, progress, None, None)
        self.assertTrue(media.is_processed())
        self.assertTrue(media.is_fake())
        self.assertEqual(stages[0], Authenta.ScanStage.CREATED)
        self.assertFalse(os.path.exists(path), "delete-after-verdict kept the file")

        done = self.journal.lookup(entry.get_id())
        self.assertEqual(done.get_stage(), S.DONE)
        self.assertEqual(done.get_mid(), media.get_mid())
        self.assertEqual(json.loads(done.get_verdict_json())["mid"], media.get_mid())
        self.assertEqual(self.journal.list(False), [])
        self.assertEqual([e.get_id() for e in self.journal.list(True)], [entry.get_id()])

        # A DONE entry gives its journaled verdict with no request.
        creates = self.emu.stats()["create"]
        again = self.client.scan_journaled(self.journal, done, None, None, None)
        self.assertEqual(again.get_mid(), media.get_mid())
        self.assertEqual(self.emu.stats()["create"], creates)

        self.assertTrue(self.journal.forget(entry.get_id()))
        # Forgotten: an id the journal does not hold (NOT_FOUND, since 0.4).
        with self.assertRaises(GLib.Error) as cm:
            self.journal.lookup(entry.get_id())
        self.assertAuthentaError(cm, Authenta.Error.NOT_FOUND)

    def test_transient_failure_is_journaled(self):
        entry = self.journal.add(self.make_file(), None, None, None, False)
        self.client.set_retry_policy(1, 10, 10, 0.0)
        self.emu.add_fault(route="create", action="status", status=503)
        with self.assertRaises(GLib.Error) as cm:
            self.client.scan_journaled(self.journal, entry, None, None, None)
        self.assertAuthentaError(cm, Authenta.Error.SERVER, 503, "SERVICE_UNAVAILABLE")
        kept = self.journal.lookup(entry.get_id())
        self.assertEqual(kept.get_stage(), S.RECORDED)
        self.assertEqual(kept.get_http_status(), 503)
        self.assertEqual(kept.get_error_code(), "server")  # the AuthentaError's nick
        self.assertIn("SERVICE_UNAVAILABLE", kept.get_error_message())
        self.assertEqual(kept.get_attempts(), 1)
        # The next try goes on from there.
        media = self.client.scan_journaled(self.journal, kept, None, None, None)
        self.assertTrue(media.is_processed())


if __name__ == "__main__":
    main()
