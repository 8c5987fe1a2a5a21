#!/usr/bin/env python3
"""A TLS endpoint on loopback for the library's certificate tests.

tls-server.py CERT KEY LOG: serves HTTPS on 127.0.0.1 on a free port with
the given certificate, prints the port on stdout, appends one line to LOG
for every TCP connection accepted (so a test can count handshakes, hence
retries), and answers every request 404 in the service's error shape.
Exits when stdin closes, so it never outlives its test.
"""
import http.server
import ssl
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        body = b'{"code":"NOT_FOUND","statusCode":404,"message":"Media not found"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = do_PUT = _answer

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client refusing our certificate is the point of the test

    def get_request(self):
        sock, addr = super().get_request()
        with open(sys.argv[3], "a") as log:
            log.write("accepted\n")
        return sock, addr


def main():
    cert, key = sys.argv[1], sys.argv[2]
    server = Server(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    # Handshakes happen per connection, in the handler threads.
    server.socket = context.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the test closes our stdin (or dies)
    server.shutdown()


if __name__ == "__main__":
    main()
