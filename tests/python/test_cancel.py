# Cancellation from Python: a Gio.Cancellable cancelled from a timeout
# while the service is still processing ends the scan promptly with
# Gio.IOErrorEnum.CANCELLED.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import time

from authenta_test import Authenta, EmulatorTestCase, Gio, GLib, main

# Far longer than any test may take: only the cancel can end the scan.
PROCESSING_S = "60"


class CancelTest(EmulatorTestCase):
    EMULATOR_ARGS = ("--processing-time", PROCESSING_S)

    def test_cancel_async_from_timeout(self):
        cancellable = Gio.Cancellable()
        stages = []
        path = self.make_file()

        def start(done):
            def cancel():
                self.cancelled_at = time.monotonic()
                cancellable.cancel()
                return GLib.SOURCE_REMOVE

            def progress(stage, media, sent, total, data):
                stages.append(stage)

            # Well into the processing (the upload of 4 KiB takes ms).
            GLib.timeout_add(700, cancel)
            self.client.scan_file_async(path, progress=progress, cancellable=cancellable,
                                        callback=lambda c, r: done(r))

        result = self.run_loop(start, timeout_s=20)
        finished_at = time.monotonic()
        with self.assertRaises(GLib.Error) as cm:
            self.client.scan_file_finish(result)
        self.assertTrue(cm.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED),
                        str(cm.exception))
        self.assertLess(finished_at - self.cancelled_at, 1.0)
        self.assertIn(Authenta.ScanStage.UPLOADED, stages)
        self.assertEqual(self.emu.stats()["upload"], 1)

    def test_cancel_sync_from_progress(self):
        # A blocking call holds the GIL (PyGObject does not release it), so
        # no other Python thread runs meanwhile; the progress callback runs
        # in the calling thread, at each poll, and may cancel.
        cancellable = Gio.Cancellable()
        polls = []

        def progress(stage, media, sent, total, data):
            if stage == Authenta.ScanStage.PROCESSING:
                polls.append(time.monotonic())
                if len(polls) == 2:
                    cancellable.cancel()

        with self.assertRaises(GLib.Error) as cm:
            self.client.scan_file(self.make_file(), None, None, None, progress, None, cancellable)
        ended = time.monotonic()
        self.assertTrue(cm.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED),
                        str(cm.exception))
        self.assertEqual(len(polls), 2)
        self.assertLess(ended - polls[1], 1.0)

    def test_cancelled_before_start(self):
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        with self.assertRaises(GLib.Error) as cm:
            self.client.list_media(1, 0, cancellable)
        self.assertTrue(cm.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
        self.assertEqual(self.emu.stats()["list"], 0)


if __name__ == "__main__":
    main()
