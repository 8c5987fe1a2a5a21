# The asynchronous calls of 0.4 from Python under a GLib main loop: a
# record made, listed, fetched and deleted with _async/_finish, the
# callbacks in the main context, and an error through the callback.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

from authenta_test import Authenta, EmulatorTestCase, GLib, main


class AsyncTest(EmulatorTestCase):
    def call(self, method, *args):
        """Runs client.<method>_async(*args, None, callback) in a main loop
        and returns <method>_finish's value."""
        async_call = getattr(self.client, method + "_async")
        finish = getattr(self.client, method + "_finish")

        def start(done):
            async_call(*args, None, lambda client, result: done(result))

        return finish(self.run_loop(start))

    def test_create_list_get_delete(self):
        media = self.call("create_media", "clip.mp4", "video/mp4", 4096, None)
        mid = media.get_mid()
        self.assertEqual(media.get_status(), "INITED")
        records, total = self.call("list_media", 10, 0)
        self.assertEqual(([m.get_mid() for m in records], total), ([mid], 1))
        got = self.call("get_media", mid)
        self.assertEqual(got.get_mid(), mid)
        self.assertTrue(self.call("delete_media", mid))
        with self.assertRaises(GLib.Error) as cm:
            self.call("get_media", mid)
        self.assertAuthentaError(cm, Authenta.Error.NOT_FOUND, 404)

    def test_upload_and_wait(self):
        path = self.make_file()
        media = self.call("create_media", "clip.mp4", "video/mp4", 4096, None)
        uploaded = self.call("upload_file", media, path, None, None)
        verdict = self.call("wait_for_result", uploaded.get_mid(), None, None)
        self.assertEqual(verdict.get_status(), "PROCESSED")


if __name__ == "__main__":
    main()
