#!/usr/bin/env python3
# example.py: scan one file with libauthenta from Python and print the
# verdict.  Exits 0 (authentic), 1 (fake) or 2 (error).
#
#   AUTHENTA_API_KEY=... python3 example.py video.mp4
import sys

import gi

gi.require_version("Authenta", "1.0")
from gi.repository import Authenta, GLib  # noqa: E402


def main(path):
    try:
        # None, None: the base URL and key from AUTHENTA_BASE_URL and
        # AUTHENTA_API_KEY (the public service by default).
        client = Authenta.Client.new(None, None)
        media = client.scan_file(path, None, None, None, None, None)
    except GLib.Error as error:
        print("error: %s" % error.message, file=sys.stderr)
        if error.matches(Authenta.error_quark(), error.code):
            kind = Authenta.Error(error.code).value_nick
            print("  kind: %s, HTTP status: %d, service code: %s, mid: %s%s" % (
                kind,
                Authenta.error_get_http_status(error),
                Authenta.error_get_service_code(error),
                Authenta.error_get_mid(error),
                " (worth retrying)" if Authenta.error_is_transient(error) else ""),
                file=sys.stderr)
        return 2

    verdict = "fake" if media.is_fake() else "authentic"
    print("%s: %s (mid %s, model %s)" % (path, verdict, media.get_mid(),
                                         media.get_model_type()))
    for i in range(media.get_n_participants()):
        face = media.get_participant(i)
        print("  face %d: %s, confidence %.3f" % (
            face.get_id(), "fake" if face.get_fake() else "authentic",
            face.get_confidence()))
    return 1 if media.is_fake() else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: example.py FILE")
    sys.exit(main(sys.argv[1]))
