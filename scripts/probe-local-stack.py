#!/usr/bin/env python3
"""Loopback probes of the local stack over raw sockets, for the defects a security review found.

Each probe sends bytes a client library would normalise away (a non-UTF-8 Cookie header, a
Content-Length that is a lie, headers that never end) to `local-stack` on 127.0.0.1 and checks
the answer and how long it took:

  1. a non-ASCII neighbour cookie does not hide the session from /api/me;
  5. /api/me's and /api/auth/session's answers built from a session are never cacheable;
  6. an out-of-range NEXTAUTH_SESSION_MAX_AGE stops the server at start with a clear message;
  7. an oversized declared body is refused at once; slow headers and slow bodies are cut off.

Builds the debug binaries `local-stack` and `nextauth-cookie` first (cheap after `cargo test`).
Every server it starts listens on 127.0.0.1 only and is stopped before it exits.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
LOCAL_STACK = TARGET / "debug" / "local-stack"
COOKIE_CLI = TARGET / "debug" / "nextauth-cookie"
SECRET = "probe-secret-only-for-this-loopback-test"
HEADER_TIMEOUT = 2
BODY_TIMEOUT = 2

failures = []


def check(condition, label):
    print(("ok   " if condition else "FAIL ") + label)
    if not condition:
        failures.append(label)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(port):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEXTAUTH_", "AUTH_", "COGNITO_", "LOCAL_STACK_"))
    }
    env.update(
        HOSTNAME="127.0.0.1",
        PORT=str(port),
        NEXTAUTH_URL=f"http://127.0.0.1:{port}",
        NEXTAUTH_SECRET=SECRET,
        LOCAL_STACK_HEADER_READ_TIMEOUT_SECS=str(HEADER_TIMEOUT),
        LOCAL_STACK_BODY_READ_TIMEOUT_SECS=str(BODY_TIMEOUT),
        RUST_LOG="warn",
    )
    return env


def start(port, **extra):
    env = base_env(port)
    env.update(extra)
    proc = subprocess.Popen(
        [str(LOCAL_STACK)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return proc
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("local-stack did not start within 30 s")


def exchange(port, data, wait=8.0):
    """Send `data`, read until the server closes or `wait` passes.

    Returns (status or None, headers as a list of (lower-case name, value), body, seconds,
    whether the server closed the connection)."""
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(data)
        received = b""
        closed = False
        s.settimeout(0.2)
        while time.monotonic() - t0 < wait:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                if complete(received):
                    break
                continue
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    took = time.monotonic() - t0
    if not received:
        return None, [], b"", took, closed
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.strip().lower().decode(), value.strip().decode("latin-1")))
    return status, headers, body, took, closed


def complete(received):
    """Whether a whole response (headers and a Content-Length body) has arrived."""
    head, sep, body = received.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return True


def header(headers, name):
    values = [v for n, v in headers if n == name]
    return ", ".join(values) if values else None


def mint_session(sub):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEXTAUTH_", "AUTH_"))}
    env["NEXTAUTH_SECRET"] = SECRET
    out = subprocess.run(
        [str(COOKIE_CLI), "encode"],
        input=f'{{"sub":"{sub}","name":"Probe"}}',
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def get(path, port, cookie=b""):
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n".encode()
    if cookie:
        request += b"Cookie: " + cookie + b"\r\n"
    return request + b"\r\n"


def probes_on_a_running_stack():
    port = free_port()
    proc = start(port)
    try:
        check(proc.poll() is None, "the local stack starts")
        token = mint_session("probe-user").encode()

        # 1 and 5: a UTF-8 and a Latin-1 neighbour cookie.
        for label, neighbour in [("UTF-8", b"pref=caf\xc3\xa9"), ("Latin-1", b"pref=caf\xe9")]:
            cookie = neighbour + b"; next-auth.session-token=" + token
            status, headers, body, _, _ = exchange(port, get("/api/me", port, cookie))
            check(
                status == 200 and b"probe-user" in body,
                f"1: /api/me keeps the session next to a {label} cookie (got {status})",
            )
            check(
                header(headers, "cache-control") == "private, no-cache, no-store"
                and "Cookie" in (header(headers, "vary") or ""),
                f"5: /api/me with a session is private, no-store, Vary: Cookie ({label})",
            )
            status, headers, body, _, _ = exchange(
                port, get("/api/auth/session", port, cookie)
            )
            check(
                status == 200 and b"Probe" in body,
                f"1: /api/auth/session keeps the session next to a {label} cookie",
            )
            check(
                header(headers, "cache-control") == "private, no-cache, no-store",
                f"5: /api/auth/session is private, no-store ({label})",
            )
        status, headers, _, _, _ = exchange(port, get("/api/me", port))
        check(status == 401, "5: /api/me without a session is 401")
        check(
            header(headers, "cache-control") == "private, no-cache, no-store",
            "5: /api/me's 401 is private, no-store",
        )

        # 7: a declared body far above the limit, with one byte sent.
        lie = (
            "POST /api/auth/signout HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100000000\r\n\r\nc"
        ).encode()
        status, _, _, took, _ = exchange(port, lie)
        check(
            status == 413 and took < 1.5,
            f"7: Content-Length 100000000 is answered 413 at once ({status} after {took:.1f}s)",
        )

        # 7: headers that never end are cut off after the header read timeout.
        status, _, _, took, closed = exchange(
            port, f"GET /api/auth/csrf HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode()
        )
        check(
            closed and HEADER_TIMEOUT - 0.5 <= took <= HEADER_TIMEOUT + 3,
            f"7: unfinished headers are cut off after ~{HEADER_TIMEOUT}s "
            f"(closed: {closed}, after {took:.1f}s, status {status})",
        )

        # 7: a body that arrives too slowly is 408 after the body read timeout.
        slow = (
            "POST /api/auth/signout HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 50\r\n\r\nc"
        ).encode()
        status, _, _, took, _ = exchange(port, slow)
        check(
            status == 408 and BODY_TIMEOUT - 0.5 <= took <= BODY_TIMEOUT + 3,
            f"7: a body that stops coming is 408 after ~{BODY_TIMEOUT}s "
            f"({status} after {took:.1f}s)",
        )

        # The control: an ordinary request still works after all that.
        status, _, body, _, _ = exchange(port, get("/api/auth/csrf", port))
        check(status == 200 and b"csrfToken" in body, "the server still answers")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def probe_session_max_age_bound():
    for value in ["300000000000", "9223372036854775807"]:
        port = free_port()
        proc = start(port, NEXTAUTH_SESSION_MAX_AGE=value)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = None
        stderr = proc.stderr.read().decode(errors="replace")
        check(
            code not in (None, 0) and "NEXTAUTH_SESSION_MAX_AGE" in stderr,
            f"6: NEXTAUTH_SESSION_MAX_AGE={value} stops the server at start "
            f"(exit {code}: {stderr.strip()[:120]})",
        )


def main():
    subprocess.run(
        ["cargo", "build", "--quiet", "-p", "local-stack", "-p", "cookie-cli"],
        cwd=ROOT,
        check=True,
    )
    probes_on_a_running_stack()
    probe_session_max_age_bound()
    if failures:
        print(f"{len(failures)} probe(s) failed")
        sys.exit(1)
    print("all loopback probes passed")


if __name__ == "__main__":
    main()
