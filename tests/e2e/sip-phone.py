#!/usr/bin/env python3
"""A Cisco phone, as far as a SIP registrar over TLS can tell: one TLS
connection presenting the phone's certificate (and the intermediates in
the same file), then REGISTERs on it, one line per reply on stdout:

    reply 1 200 OK
    reply 1 403 Forbidden|Reason: SIP;cause=403;text="..."|Warning: ...
    closed                 (the server closed the connection)
    handshake-failed TEXT  (the TLS handshake did not complete)

Usage: sip-phone.py --port PORT [--cert FILE --key FILE] [--tls 1.2|1.3]
           [--user FROM-USER | --user-hex HEX] [--count N] [--time]
       sip-phone.py --bench N --port P1,P2,... [--cert ... --key ...]
--time prints "time-ms T" for connect + handshake + first REGISTER's reply.
--bench makes N rounds of one new connection to each port in turn (the
order rotating from round to round), one REGISTER each, and prints
"time-ms PORT T" per connection (a non-200 reply is fatal).
Only 127.0.0.1.  Test tool: the server's certificate is not checked.
"""
import argparse
import socket
import ssl
import sys
import time
import uuid


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--port", required=True)
    p.add_argument("--bench", type=int, default=0)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--tls", choices=["1.2", "1.3"], default="1.3")
    p.add_argument("--user", default="SEP001122334455")
    p.add_argument("--user-hex", help="the From user's bytes, in hex")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--time", action="store_true")
    p.add_argument("--wait-close", type=float, default=1.0,
                   help="seconds to wait for the server to close after a "
                   "refusal")
    return p.parse_args()


def read_reply(conn, buf):
    """One SIP response: (status line, headers dict of lists, rest)."""
    while b"\r\n\r\n" not in buf:
        data = conn.recv(65536)
        if not data:
            return None, None, buf
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("utf-8", "replace").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    length = int(headers.get("content-length", ["0"])[0] or 0)
    while len(rest) < length:
        data = conn.recv(65536)
        if not data:
            break
        rest += data
    return lines[0], headers, rest[length:]


def context(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    v = ssl.TLSVersion.TLSv1_2 if a.tls == "1.2" else ssl.TLSVersion.TLSv1_3
    ctx.minimum_version = v
    ctx.maximum_version = v
    if a.cert:
        ctx.load_cert_chain(a.cert, a.key)
    return ctx


def bench(a, ctx, user):
    """Rounds of one connection per port, in turn: the time to a 200."""
    ports = [int(p) for p in a.port.split(",")]
    for i in range(a.bench):
        # each server takes each place in a round in turn
        k = i % len(ports)
        for port in ports[k:] + ports[:k]:
            start = time.monotonic()
            raw = socket.create_connection(("127.0.0.1", port), timeout=10)
            conn = ctx.wrap_socket(raw, server_hostname=None)
            local = "127.0.0.1:%d" % conn.getsockname()[1]
            conn.sendall(register(user, local, uuid.uuid4().hex, 1))
            status, _, _ = read_reply(conn, b"")
            took = (time.monotonic() - start) * 1000
            conn.close()
            if status is None or " 200 " not in status + " ":
                print("bench: port %d answered %s" % (port, status))
                return 1
            print("time-ms %d %.3f" % (port, took), flush=True)
    return 0


def register(user, local, call_id, cseq):
    branch = "z9hG4bK" + uuid.uuid4().hex[:16]
    return (b"REGISTER sips:127.0.0.1 SIP/2.0\r\n"
            b"Via: SIP/2.0/TLS " + local.encode() + b";branch=" +
            branch.encode() + b";rport\r\n"
            b"Max-Forwards: 70\r\n"
            b"From: <sips:" + user + b"@127.0.0.1>;tag=" +
            uuid.uuid4().hex[:8].encode() + b"\r\n"
            b"To: <sips:" + user + b"@127.0.0.1>\r\n"
            b"Call-ID: " + call_id.encode() + b"\r\n"
            b"CSeq: " + str(cseq).encode() + b" REGISTER\r\n"
            b"Contact: <sips:" + user + b"@" + local.encode() +
            b";transport=tls>\r\n"
            b"Expires: 3600\r\n"
            b"User-Agent: phonetrust-test-phone\r\n"
            b"Content-Length: 0\r\n\r\n")


def main():
    a = parse_args()
    user = bytes.fromhex(a.user_hex) if a.user_hex else a.user.encode()
    ctx = context(a)
    if a.bench > 0:
        return bench(a, ctx, user)
    start = time.monotonic()
    raw = socket.create_connection(("127.0.0.1", int(a.port)), timeout=10)
    try:
        conn = ctx.wrap_socket(raw, server_hostname=None)
    except (ssl.SSLError, OSError) as e:
        print("handshake-failed", str(e).replace("\n", " "))
        return 0
    local = "127.0.0.1:%d" % conn.getsockname()[1]
    call_id = uuid.uuid4().hex
    buf = b""
    for i in range(1, a.count + 1):
        msg = register(user, local, call_id, i)
        try:
            conn.sendall(msg)
            status, headers, buf = read_reply(conn, buf)
        except (ssl.SSLError, OSError) as e:
            print("closed", str(e).replace("\n", " "))
            return 0
        if status is None:
            print("closed")
            return 0
        if i == 1 and a.time:
            print("time-ms %.3f" % ((time.monotonic() - start) * 1000))
        code = status.split(" ", 1)[1] if " " in status else status
        extra = ["Reason: " + r for r in headers.get("reason", [])]
        extra += ["Warning: " + w for w in headers.get("warning", [])]
        print("reply %d %s" % (i, "|".join([code] + extra)))
        if not code.startswith("2"):
            break
    else:
        conn.close()
        return 0
    # after a refusal: does the server close the connection?
    conn.settimeout(a.wait_close)
    try:
        data = conn.recv(1)
        print("closed" if not data else "open")
    except socket.timeout:
        print("open")
    except (ssl.SSLError, OSError):
        print("closed")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
