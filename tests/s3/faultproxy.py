#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for the S3 exporter's tests (stdlib only).

It sits between mbhost and a real S3 server on 127.0.0.1 and forwards every
request unchanged (Host header included, so SigV4 signatures stay valid),
except those matched by a rule, which get a fault instead:

  503        HTTP 503 ServiceUnavailable (not forwarded)
  slowdown   HTTP 503 with S3's SlowDown error (not forwarded)
  error200   HTTP 200 whose body is an <Error> (InternalError), as S3 may
             answer CompleteMultipartUpload (not forwarded)
  drop       the connection is closed without an answer (not forwarded)
  stall      the request is held without an answer for 60 s, then dropped
  slowbody   HTTP 503 whose <Error> body trickles at 2 bytes/s (not
             forwarded): faster than any low-speed limit, never done

Rules are read from a JSON file before each request, so a test can change
them between runs: a list of objects with
  method  "PUT", "POST", ... (required)
  query   a substring the query string must contain; "" or absent: any,
          "-" the query must be empty
  path    a substring the (encoded) path must contain; absent: any
  fault   one of the above
  after   how many matching requests pass untouched first (default 0)
  times   how many matching requests get the fault (absent: every one)

Every request is logged, one line each, to --log:
  METHOD PATH?QUERY -> STATUS          (forwarded)
  METHOD PATH?QUERY -> FAULT NAME      (injected)
The port is written to --port-file once the proxy listens.
"""
import argparse
import http.client
import http.server
import json
import os
import socket
import struct
import threading
import time
import urllib.parse

ERROR_BODIES = {
    "503": (503, "ServiceUnavailable", "Please reduce your request rate."),
    "slowdown": (503, "SlowDown", "Please reduce your request rate."),
    "error200": (200, "InternalError",
                 "We encountered an internal error. Please try again."),
}


class Rules:
    def __init__(self, path):
        self.path = path
        self.seen = {}  # rule -> matching requests so far
        self.used = {}  # rule -> faults injected so far
        self.lock = threading.Lock()

    def fault_for(self, method, path, query):
        try:
            with open(self.path) as f:
                rules = json.load(f)
        except (OSError, ValueError):
            rules = []
        with self.lock:
            for i, rule in enumerate(rules):
                want = rule.get("query", "")
                if rule.get("method") != method:
                    continue
                if want == "-" and query or want not in ("", "-") and want not in query:
                    continue
                if rule.get("path", "") not in path:
                    continue
                key = json.dumps(rule, sort_keys=True) + str(i)
                seen = self.seen[key] = self.seen.get(key, 0) + 1
                if seen <= rule.get("after", 0):
                    continue
                times = rule.get("times")
                if times is not None and self.used.get(key, 0) >= times:
                    continue
                self.used[key] = self.used.get(key, 0) + 1
                return rule["fault"]
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # the request log is ours
        pass

    def record(self, outcome):
        with self.server.log_lock, open(self.server.log_path, "a") as log:
            log.write(f"{self.command} {self.path} -> {outcome}\n")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def drop(self):
        # RST instead of FIN: what a crashed server or a middlebox does.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def send_error_body(self, fault):
        status, code, message = ERROR_BODIES[fault]
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}'
                f"</Code><Message>{message}</Message></Error>").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_slow_body(self):
        status, code, message = ERROR_BODIES["503"]
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}'
                f"</Code><Message>{message}</Message></Error>").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(0, len(body), 2):
                self.wfile.write(body[i:i + 2])
                self.wfile.flush()
                time.sleep(1)
        except OSError:  # the client gave up: what the test wants
            self.close_connection = True

    def forward(self, body):
        upstream = http.client.HTTPConnection(self.server.upstream_host,
                                              self.server.upstream_port,
                                              timeout=120)
        headers = {k: v for k, v in self.headers.items()}
        upstream.request(self.command, self.path, body=body, headers=headers)
        resp = upstream.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for name, value in resp.getheaders():
            if name.lower() not in ("content-length", "transfer-encoding",
                                    "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        upstream.close()
        return resp.status

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        fault = self.server.rules.fault_for(self.command, url.path, url.query)
        if fault == "stall":
            self.record("FAULT stall")
            time.sleep(60)
            self.drop()
            return
        if fault == "drop":
            self.record("FAULT drop")
            self.drop()
            return
        body = self.read_body()
        if fault == "slowbody":
            self.record("FAULT slowbody")
            self.send_slow_body()
            return
        if fault in ERROR_BODIES:
            self.record(f"FAULT {fault}")
            self.send_error_body(fault)
            return
        try:
            status = self.forward(body)
        except OSError as e:
            self.record(f"UPSTREAM ERROR {e}")
            self.drop()
            return
        self.record(str(status))

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", required=True, help="host:port of the S3 server")
    ap.add_argument("--rules", required=True, help="JSON rules file")
    ap.add_argument("--log", required=True, help="request log file")
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    host, port = args.upstream.rsplit(":", 1)
    server.upstream_host, server.upstream_port = host, int(port)
    server.rules = Rules(args.rules)
    server.log_path = args.log
    server.log_lock = threading.Lock()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
