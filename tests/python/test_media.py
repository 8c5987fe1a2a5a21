# Records from Python: list (the array's ownership: no CRITICAL, no crash,
# records alive after the list is gone), get, delete, foreach, from JSON.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc

from authenta_test import Authenta, EmulatorTestCase, GLib, main


class MediaTest(EmulatorTestCase):
    def create(self, n):
        return [self.client.create_media("clip-%d.mp4" % i, "video/mp4", 1000 + i, None, None)
                for i in range(n)]

    def test_list_media_ownership(self):
        created = self.create(5)
        records, total = self.client.list_media(3, 0, None)
        self.assertEqual(total, 5)
        self.assertEqual(len(records), 3)
        for m in records:
            self.assertIsInstance(m, Authenta.Media)
        # Newest first; the records outlive the list they came in and every
        # wrapper of it (the segfault was a double unref here).
        mids = [m.get_mid() for m in records]
        self.assertEqual(mids, [m.get_mid() for m in reversed(created)][:3])
        first = records[0]
        del records
        gc.collect()
        self.assertEqual(first.get_mid(), mids[0])
        self.assertEqual(first.get_status(), "INITED")
        # The same page many times: a reference miscount would crash or leak.
        for _ in range(50):
            page, _ = self.client.list_media(3, 0, None)
            self.assertEqual([m.get_mid() for m in page], mids)
        gc.collect()

    def test_list_media_empty_and_offset(self):
        records, total = self.client.list_media(3, 0, None)
        self.assertEqual((records, total), ([], 0))
        self.create(4)
        records, total = self.client.list_media(10, 3, None)
        self.assertEqual((len(records), total), (1, 4))

    def test_get_media(self):
        (created,) = self.create(1)
        got = self.client.get_media(created.get_mid(), None)
        self.assertIsNot(got, created)  # a new answer, a new object
        self.assertEqual(got.get_mid(), created.get_mid())
        self.assertEqual(got.get_name(), "clip-0.mp4")
        self.assertEqual(got.get_status(), "INITED")
        self.assertFalse(got.is_terminal())
        self.assertEqual(got.get_media_type(), "Video")
        created_at = got.dup_created_at_datetime()
        self.assertIsInstance(created_at, GLib.DateTime)
        self.assertGreater(created_at.get_year(), 2000)
        # Only a create answer carries the upload URL.
        self.assertTrue(created.get_upload_url().startswith(self.emu.root_url))
        self.assertGreater(created.get_expires_in(), 0)

    def test_delete_media(self):
        a, b = self.create(2)
        self.assertTrue(self.client.delete_media(a.get_mid(), None))
        records, total = self.client.list_media(10, 0, None)
        self.assertEqual([m.get_mid() for m in records], [b.get_mid()])
        with self.assertRaises(GLib.Error) as cm:
            self.client.get_media(a.get_mid(), None)
        self.assertAuthentaError(cm, Authenta.Error.NOT_FOUND, 404)
        self.assertEqual(Authenta.error_get_mid(cm.exception), a.get_mid())
        self.assertEqual(self.emu.stats()["delete"], 1)

    def test_foreach_media(self):
        created = self.create(7)
        seen = []

        def each(media, data):
            seen.append((media.get_mid(), data))
            return len(seen) < 6  # stop after six

        self.assertTrue(self.client.foreach_media(2, each, "data", None))
        self.assertEqual(len(seen), 6)
        self.assertEqual({d for _, d in seen}, {"data"})
        self.assertEqual([mid for mid, _ in seen],
                         [m.get_mid() for m in reversed(created)][:6])

    def test_media_from_json(self):
        m = Authenta.Media.new_from_json(
            '{"mid":"m1","status":"PROCESSED","type":"Image","fake":true,'
            '"confidence":0.75,"unknown":1}', -1)
        self.assertEqual(m.get_mid(), "m1")
        self.assertTrue(m.is_processed())
        self.assertIsNone(m.get_name())
        self.assertEqual(m.get_faces(), -1)
        self.assertIn('"unknown"', m.get_json())
        with self.assertRaises(GLib.Error) as cm:
            Authenta.Media.new_from_json("not json", -1)
        self.assertAuthentaError(cm, Authenta.Error.PROTOCOL)


if __name__ == "__main__":
    main()
