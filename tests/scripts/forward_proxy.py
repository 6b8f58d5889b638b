#!/usr/bin/env python3
# A tiny loopback HTTP proxy for proxy_e2e.sh: forwards absolute-form requests (http_proxy) and tunnels
# CONNECT (https_proxy), counting both in a JSON file so the test can prove the client used it.
import json
import os
import select
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

counts = {"forwarded": 0, "connect": 0, "authorization_seen": 0}
lock = threading.Lock()
counts_path = sys.argv[1]


def bump(key):
    with lock:
        counts[key] += 1
        with open(counts_path + ".tmp", "w") as f:
            json.dump(counts, f)
        # rename: a reader never sees a half-written file
        os.replace(counts_path + ".tmp", counts_path)


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_CONNECT(self):
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.send_error(502)
            return
        bump("connect")
        self.send_response(200, "Connection established")
        self.end_headers()
        # Bytes both ways until either side closes; the proxy never sees inside the TLS.
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 30)
                if not readable:
                    break
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    (upstream if s is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()
            self.close_connection = True

    def forward(self):
        url = urlsplit(self.path)
        if url.scheme != "http" or not url.hostname:
            self.send_error(400, "absolute http URL expected")
            return
        bump("forwarded")
        if self.headers.get("Authorization"):
            bump("authorization_seen")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = url.path + ("?" + url.query if url.query else "")
        upstream = socket.create_connection((url.hostname, url.port or 80), timeout=30)
        try:
            head = f"{self.command} {path} HTTP/1.1\r\n"
            for name, value in self.headers.items():
                if name.lower() not in ("proxy-connection", "connection", "keep-alive"):
                    head += f"{name}: {value}\r\n"
            head += "Connection: close\r\n\r\n"
            upstream.sendall(head.encode("latin-1") + body)
            answer = b""
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                answer += data
        finally:
            upstream.close()
        # The upstream closed after its answer; so does this connection, and it says so, so the client
        # never reuses it (and never resends a request on a connection that died under it).
        head, sep, rest = answer.partition(b"\r\n\r\n")
        lines = [l for l in head.split(b"\r\n") if not l.lower().startswith((b"connection:", b"keep-alive:"))]
        self.connection.sendall(b"\r\n".join(lines + [b"Connection: close"]) + sep + rest)
        self.close_connection = True

    do_GET = forward
    do_POST = forward
    do_PUT = forward


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
server.daemon_threads = True
with open(counts_path, "w") as f:
    json.dump(counts, f)
print(f"proxy listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
