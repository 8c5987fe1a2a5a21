# Shared fixture of the Python suite: one authenta-emulator per test on a
# free loopback port, its test controls, sample files, and a main loop
# runner that cannot hang.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest
import urllib.request

import gi

gi.require_version("Authenta", "1.0")
gi.require_version("Gio", "2.0")
from gi.repository import Authenta, Gio, GLib  # noqa: E402

KEY = "api_emulator_key"

# The start of an MP4 file: enough for the library's content sniffing.
MP4_HEAD = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom"


def error_details(error):
    """(code, HTTP status, service code, mid) of an AUTHENTA_ERROR."""
    return (
        error.code,
        Authenta.error_get_http_status(error),
        Authenta.error_get_service_code(error),
        Authenta.error_get_mid(error),
    )


def closed_port():
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """authenta-emulator --port 0 ARGS…: its base URL is its first line."""

    def __init__(self, *args):
        path = os.environ.get("AUTHENTA_EMULATOR")
        if not path:
            raise unittest.SkipTest("AUTHENTA_EMULATOR is not set: run through meson test")
        self.proc = subprocess.Popen(
            [path, "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not (line.startswith("http://127.0.0.1:") and line.endswith("/api")):
            self.stop()
            raise AssertionError("no base URL from the emulator: %r" % line)
        self.base_url = line
        self.root_url = line[: -len("/api")]

    def control(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.root_url + path,
            data=data,
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json"},
        )
        # Loopback only: a developer's proxy must not be asked.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as answer:
            return json.loads(answer.read())

    def add_fault(self, **fault):
        self.control("/_emulator/faults", fault)

    def stats(self):
        return self.control("/_emulator/stats")

    def stop(self):
        """SIGTERM, then at most 10 s for it to exit (SIGKILL after)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                raise AssertionError("the emulator ignored SIGTERM")
        self.proc.stdout.close()
        return self.proc.returncode


class EmulatorTestCase(unittest.TestCase):
    """Each test gets its own emulator (EMULATOR_ARGS) and temporary folder."""

    EMULATOR_ARGS = ("--processing-time", "0.2")

    def setUp(self):
        self.tmpdir = tempfile.mkdtemp(prefix="authenta-python-")
        self.emulators = []
        self.emu = self.start_emulator(*self.EMULATOR_ARGS)
        self.client = self.make_client(self.emu, KEY)

    def tearDown(self):
        self.client = None
        statuses = [emu.stop() for emu in self.emulators]
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        self.assertEqual(statuses, [0] * len(statuses), "an emulator did not exit cleanly")

    def start_emulator(self, *args):
        emu = Emulator(*args)
        self.emulators.append(emu)
        return emu

    def make_client(self, emu_or_url, key, attempts=None):
        url = emu_or_url if isinstance(emu_or_url, str) else emu_or_url.base_url
        client = Authenta.Client.new(url, key)
        if attempts is not None:
            # One try, no back-off: errors come at once.
            client.set_retry_policy(attempts, 10, 10, 0.0)
        return client

    def make_file(self, name="clip.mp4", size=4096):
        path = os.path.join(self.tmpdir, name)
        body = bytes((i * 7 + 3) & 0xFF for i in range(size - len(MP4_HEAD)))
        with open(path, "wb") as f:
            f.write(MP4_HEAD + body)
        return path

    def run_loop(self, start, timeout_s=20):
        """Runs a main loop: start(done) begins the work and calls
        done(value) when it is over.  Fails the test (rather than hanging)
        if done is not called within timeout_s."""
        loop = GLib.MainLoop()
        outcome = {}

        def done(value):
            outcome["value"] = value
            loop.quit()

        def on_timeout():
            outcome["timed_out"] = True
            loop.quit()
            return GLib.SOURCE_REMOVE

        timer = GLib.timeout_add(int(timeout_s * 1000), on_timeout)
        start(done)
        loop.run()
        if "timed_out" in outcome:
            self.fail("the main loop ran %s s without an answer" % timeout_s)
        GLib.source_remove(timer)
        return outcome["value"]

    def assertAuthentaError(self, cm_or_error, code, http_status=None, service_code=None):
        error = getattr(cm_or_error, "exception", cm_or_error)
        self.assertTrue(error.matches(Authenta.error_quark(), code),
                        "expected %s, got %s (%s)" % (code, error.domain, error))
        if http_status is not None:
            self.assertEqual(Authenta.error_get_http_status(error), http_status)
        if service_code is not None:
            self.assertEqual(Authenta.error_get_service_code(error), service_code)
        return error


def main():
    unittest.main(verbosity=2)
