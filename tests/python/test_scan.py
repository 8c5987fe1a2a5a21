# A scan from Python: the blocking call, and the asynchronous one under a
# GLib main loop, with progress callbacks.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

from authenta_test import Authenta, EmulatorTestCase, main


class ScanTest(EmulatorTestCase):
    def assertVerdict(self, media):
        self.assertIsInstance(media, Authenta.Media)
        self.assertTrue(media.is_processed())
        self.assertTrue(media.is_terminal())
        self.assertEqual(media.get_status(), "PROCESSED")
        self.assertRegex(media.get_mid(), r"^[0-9A-Za-z_-]{1,64}$")
        self.assertEqual(media.get_name(), "clip.mp4")
        self.assertEqual(media.get_content_type(), "video/mp4")
        self.assertEqual(media.get_size(), 4096)
        self.assertEqual(media.get_model_type(), "DF-1")
        # The emulator's verdict for an authentic video (docs/emulator.md).
        self.assertIs(media.is_fake(), False)
        self.assertEqual(media.get_faces(), 1)
        self.assertEqual(media.get_deepfakes(), 0)
        self.assertEqual(media.get_n_participants(), 1)
        p = media.get_participant(0)
        self.assertIsInstance(p, Authenta.Participant)
        self.assertEqual(p.get_id(), 0)
        self.assertIs(p.get_fake(), False)
        self.assertEqual(p.get_confidence(), 0.96875)
        self.assertTrue(p.get_heatmap_url())
        self.assertTrue(media.get_result_url() is None or media.get_result_url().startswith("http"))
        self.assertIn('"PROCESSED"', media.get_json())

    def test_scan_file_sync(self):
        path = self.make_file()
        media = self.client.scan_file(path, None, None, None, None, None)
        self.assertVerdict(media)
        # The record the verdict is about is the one the service holds.
        again = self.client.get_media(media.get_mid(), None)
        self.assertEqual(again.get_status(), "PROCESSED")
        self.assertEqual(self.emu.stats()["create"], 1)

    def test_scan_file_sync_progress(self):
        stages = []

        def progress(stage, media, sent, total, data):
            stages.append((stage, sent, total))
            self.assertIsInstance(media, Authenta.Media)
            self.assertIs(data, marker)

        marker = object()
        media = self.client.scan_file(self.make_file(), None, None, None, progress, marker, None)
        self.assertVerdict(media)
        seen = [s for s, _, _ in stages]
        self.assertEqual(seen[0], Authenta.ScanStage.CREATED)
        self.assertIn(Authenta.ScanStage.UPLOADED, seen)
        self.assertIn((Authenta.ScanStage.UPLOADED, 4096, 4096), stages)
        self.assertEqual(seen[-1], Authenta.ScanStage.PROCESSING)
        self.assertEqual(Authenta.scan_stage_to_string(Authenta.ScanStage.UPLOADED), "uploaded")

    def test_scan_file_async(self):
        path = self.make_file()
        progress_stages = []

        def progress(stage, media, sent, total, data):
            # Called from the scan's worker thread.
            progress_stages.append(stage)

        def start(done):
            # PyGObject takes the first closure's data (progress_data) as
            # the "extra arguments" tuple: leave it out, as here (the
            # closure carries what it needs), or pass a tuple.
            self.client.scan_file_async(
                path, progress=progress,
                callback=lambda client, result: done(result))

        result = self.run_loop(start)
        media = self.client.scan_file_finish(result)
        self.assertVerdict(media)
        self.assertIn(Authenta.ScanStage.CREATED, progress_stages)
        self.assertIn(Authenta.ScanStage.UPLOADED, progress_stages)

    def test_scan_file_async_progress_data(self):
        path = self.make_file()
        marker = object()
        seen = []

        def progress(stage, media, sent, total, data):
            seen.append(data)

        def start(done):
            self.client.scan_file_async(
                path, None, None, None, progress, (marker,), None,
                lambda client, result, *user_data: done((result, user_data)), "user data")

        result, user_data = self.run_loop(start)
        self.assertVerdict(self.client.scan_file_finish(result))
        self.assertEqual(user_data, ("user data",))
        self.assertTrue(seen)
        self.assertEqual({id(d) for d in seen}, {id(marker)})

    def test_scan_fake_image(self):
        path = self.make_file("fake-photo.jpg", 0)
        with open(path, "wb") as f:
            f.write(b"\xff\xd8\xff\xe0" + bytes(1000))
        media = self.client.scan_file(path, None, None, None, None, None)
        self.assertTrue(media.is_processed())
        self.assertEqual(media.get_content_type(), "image/jpeg")
        self.assertEqual(media.get_media_type(), "Image")
        self.assertTrue(media.is_fake())
        self.assertEqual(media.get_confidence(), 0.9375)

    def test_scan_file_async_many(self):
        paths = [self.make_file("clip.mp4" if i == 0 else "clip-%d.mp4" % i) for i in range(4)]
        results = []

        def start(done):
            def ready(client, result):
                results.append(client.scan_file_finish(result))
                if len(results) == len(paths):
                    done(results)

            for p in paths:
                self.client.scan_file_async(p, "clip.mp4", None, None, None, None, None, ready)

        media = self.run_loop(start)
        self.assertEqual(len({m.get_mid() for m in media}), len(paths))
        for m in media:
            self.assertVerdict(m)


if __name__ == "__main__":
    main()
