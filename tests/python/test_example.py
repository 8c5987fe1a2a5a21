# docs/library.md's Python program: tests/python/example.py run against the
# emulator, and the copy in the docs checked to be the file itself.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import re
import subprocess
import sys

from authenta_test import KEY, EmulatorTestCase, closed_port, main

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "example.py")
MARKER = "<!-- tests/python/example.py, copied; tests/python/test_example.py checks it -->"


class ExampleTest(EmulatorTestCase):
    def run_example(self, path, base_url=None, key=KEY):
        env = dict(os.environ,
                   AUTHENTA_BASE_URL=base_url or self.emu.base_url,
                   AUTHENTA_API_KEY=key)
        return subprocess.run([sys.executable, EXAMPLE, path], env=env,
                              capture_output=True, text=True, timeout=60)

    def test_authentic(self):
        path = self.make_file("clip.mp4")
        run = self.run_example(path)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertRegex(run.stdout,
                         r"^%s: authentic \(mid [0-9A-Za-z_-]+, model DF-1\)\n"
                         r"  face 0: authentic, confidence 0\.969\n$" % re.escape(path))
        self.assertEqual(run.stderr, "")

    def test_fake(self):
        path = self.make_file("fake.mp4")
        run = self.run_example(path)
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn(": fake (mid ", run.stdout)
        self.assertIn("  face 0: fake, confidence 0.938\n", run.stdout)
        self.assertIn("  face 1: authentic, confidence 0.969\n", run.stdout)

    def test_wrong_key(self):
        run = self.run_example(self.make_file(), key="wrong_key")
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stdout, "")
        self.assertIn("error: POST /api/media: ", run.stderr)
        self.assertIn("  kind: invalid-api-key, HTTP status: 401, "
                      "service code: INVALID_API_KEY, mid: None\n", run.stderr)

    def test_network_error(self):
        url = "http://127.0.0.1:%d/api" % closed_port()
        # The default retries: a few seconds.
        run = self.run_example(self.make_file(), base_url=url)
        self.assertEqual(run.returncode, 2)
        self.assertIn("  kind: network, HTTP status: 0, service code: None, "
                      "mid: None (worth retrying)\n", run.stderr)

    def test_docs_copy_is_the_file(self):
        docs = os.environ.get("DOCS_LIBRARY_MD",
                              os.path.join(HERE, "..", "..", "docs", "library.md"))
        with open(docs) as f:
            text = f.read()
        self.assertEqual(text.count(MARKER), 1, "the marker before the copy")
        after = text.split(MARKER, 1)[1]
        m = re.match(r"\n```python\n(.*?\n)```\n", after, re.S)
        self.assertIsNotNone(m, "a ```python block right after the marker")
        with open(EXAMPLE) as f:
            self.assertEqual(m.group(1), f.read(),
                             "docs/library.md's copy of example.py differs from the file")


if __name__ == "__main__":
    main()
