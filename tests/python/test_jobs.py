# The Jobs API and its tasks from Python: the task table, an audio scan
# (blocking and under a main loop), the job calls one by one (create,
# upload, finalize, wait, list, cancel, delete), and their errors.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os

from authenta_test import Authenta, EmulatorTestCase, GLib, main

# An ID3v2 tag: enough for the library's sniffing of an MP3 file.
MP3_HEAD = b"ID3\x04\0\0\0\0\0\0"


class JobsTest(EmulatorTestCase):
    def make_mp3(self, name="voice.mp3", size=4096):
        path = os.path.join(self.tmpdir, name)
        with open(path, "wb") as f:
            f.write(MP3_HEAD + bytes((i * 5 + 1) & 0xFF for i in range(size - len(MP3_HEAD))))
        return path

    def test_task_table(self):
        tasks = Authenta.task_list()
        self.assertIn("DF-1", tasks)
        self.assertIn("ai-audio-detection", tasks)
        # (task, api, id, takes MP3) as the API doc lists them.
        for task, api, number, mp3 in [
            ("DF-1", Authenta.TaskApi.MEDIA, 0, False),
            ("ai-audio-detection", Authenta.TaskApi.JOBS, 2, True),
            ("2", Authenta.TaskApi.JOBS, 2, True),
            ("ekyc-deepfake", Authenta.TaskApi.JOBS, 11, False),
            ("no-such-task", Authenta.TaskApi.NONE, 0, False),
        ]:
            self.assertEqual(Authenta.task_get_api(task), api, task)
            self.assertEqual(Authenta.task_get_id(task), number, task)
            self.assertEqual(Authenta.task_accepts(task, "audio/mpeg"), mp3, task)
        self.assertEqual(Authenta.task_get_name("2"), "ai-audio-detection")
        self.assertIn("audio/wav", Authenta.task_get_content_types("ai-audio-detection"))
        self.assertEqual(Authenta.task_default_for_content_type("audio/mpeg"), "ai-audio-detection")
        self.assertEqual(Authenta.task_default_for_content_type("video/mp4"), "DF-1")
        self.assertEqual(Authenta.content_type_for_task("video/mp4", "ai-audio-detection"),
                         "audio/mp4")
        self.assertEqual(Authenta.content_type_for_task("video/mp4", "DF-1"), "video/mp4")

    def assertJobVerdict(self, media, fake=False):
        self.assertEqual(media.get_api(), Authenta.TaskApi.JOBS)
        self.assertEqual(media.get_task(), "ai-audio-detection")
        self.assertEqual(media.get_status(), "PROCESSED")
        self.assertTrue(media.is_processed())
        self.assertIs(media.is_fake(), fake)
        self.assertEqual(media.get_id(), media.get_mid())
        self.assertIn('"completed"', media.get_json())

    def test_scan_audio_sync(self):
        # No task named: audio's default.
        media = self.client.scan_file(self.make_mp3(), None, None, None, None, None)
        self.assertJobVerdict(media)
        stats = self.emu.stats()
        self.assertEqual((stats["job-create"], stats["job-finalize"], stats["create"]), (1, 1, 0))

    def test_scan_audio_async(self):
        path = self.make_mp3("fake-voice.mp3")
        stages = []

        def progress(stage, media, sent, total, data):
            stages.append(stage)

        def start(done):
            self.client.scan_file_async(
                path, model_type="ai-audio-detection", progress=progress,
                callback=lambda client, result: done(result))

        media = self.client.scan_file_finish(self.run_loop(start))
        self.assertIsInstance(media, Authenta.Media, media)
        self.assertJobVerdict(media, fake=True)
        self.assertIn(Authenta.ScanStage.CREATED, stages)
        self.assertIn(Authenta.ScanStage.PROCESSING, stages)

    def test_job_calls(self):
        path = self.make_mp3()
        job = self.client.create_job("voice.mp3", "audio/mpeg", os.path.getsize(path),
                                     "ai-audio-detection", None)
        job_id = job.get_id()
        self.assertTrue(job_id.isdigit(), job_id)  # the emulator's number, kept as text
        uploaded = self.client.upload_file(job, path, None, None, None)
        self.assertTrue(self.client.finalize_job(uploaded.get_id(), None))
        result = self.client.wait_for_job(uploaded.get_id(), None, None, None)
        self.assertJobVerdict(result)
        jobs, total = self.client.list_jobs(1, 10, None, None)
        self.assertEqual(total, 1)
        self.assertEqual([j.get_id() for j in jobs], [job_id])
        got = self.client.get_job(job_id, None)
        self.assertEqual(got.get_status(), "PROCESSED")
        self.assertTrue(self.client.delete_job(job_id, None))
        with self.assertRaises(GLib.Error) as cm:
            self.client.get_job(job_id, None)
        self.assertAuthentaError(cm, Authenta.Error.NOT_FOUND, 404, "JOB_NOT_FOUND")

    def test_cancel_before_finalize(self):
        job = self.client.create_job("voice.mp3", "audio/mpeg", 100, "ai-audio-detection", None)
        self.assertTrue(self.client.cancel_job(job.get_id(), None))
        self.assertEqual(self.client.get_job(job.get_id(), None).get_status(), "CANCELLED")
        # A job given up on after a cancelled scan: no error either way.
        other = self.client.create_job("voice.mp3", "audio/mpeg", 100, "ai-audio-detection", None)
        self.client.abandon_job(other.get_id())
        self.assertEqual(self.emu.stats()["job-cancel"], 2)

    def test_errors(self):
        # (call, error code): refused before any request.
        for call, code in [
            (lambda: self.client.create_job("a.mp3", "audio/mpeg", 10, "no-such-task", None),
             Authenta.Error.INVALID_ARGUMENT),
            (lambda: self.client.create_job("a.mp4", "video/mp4", 10, "ai-audio-detection", None),
             Authenta.Error.UNSUPPORTED_MEDIA),
            (lambda: self.client.get_job("../jobs", None), Authenta.Error.INVALID_ARGUMENT),
            # No Media API model takes sound.
            (lambda: self.client.create_media("a.mp3", "audio/mpeg", 10, "DF-1", None),
             Authenta.Error.UNSUPPORTED_MEDIA),
        ]:
            with self.assertRaises(GLib.Error) as cm:
                call()
            self.assertAuthentaError(cm, code)
        self.assertEqual((self.emu.stats()["job-create"], self.emu.stats()["create"]), (0, 0))
        # A job that fails on the service: its errorMessage in the error.
        with self.assertRaises(GLib.Error) as cm:
            self.client.scan_file(self.make_mp3("fail-voice.mp3"), None, None, None, None, None)
        error = self.assertAuthentaError(cm, Authenta.Error.PROCESSING_FAILED)
        self.assertIn("Processing failed", error.message)


if __name__ == "__main__":
    main()
