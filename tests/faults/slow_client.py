#!/usr/bin/env python3
"""Slow HTTP clients for scripts/fault-tests (standard library only, loopback only).

  slow_client.py post HOST PORT PATH COOKIE BODY SECONDS
      Sends a POST's head at once, then its url-encoded BODY a byte at a time spread over
      SECONDS, then reads the answer. Prints:
        head_sent=<epoch s>            (as soon as the head is sent)
        body_sent=<epoch s> answered=<epoch s> status=<code> session=<0|1>
      (session=1 when the answer sets a prevention_session cookie). A request that is still
      being received when the server is told to stop must be answered all the same.

  slow_client.py half-head HOST PORT
      Opens a connection, sends half a request head (no blank line), prints
      "sent=<epoch s>" and waits until the server closes the connection (prints
      "closed=<epoch s>") or the process is killed.
"""
import socket
import sys
import time


def post(host, port, path, cookie, body, seconds):
    data = body.encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    ).encode()
    s = socket.create_connection((host, port), timeout=60)
    s.sendall(head)
    print(f"head_sent={time.time():.3f}", flush=True)
    pause = seconds / max(len(data), 1)
    for i in range(len(data)):
        s.sendall(data[i:i + 1])
        time.sleep(pause)
    body_sent = time.time()
    answer = b""
    while True:
        try:
            chunk = s.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        answer += chunk
    answered = time.time()
    status = 0
    session = 0
    if answer.startswith(b"HTTP/1.1 "):
        status = int(answer[9:12])
        head_end = answer.find(b"\r\n\r\n")
        for line in answer[:head_end].split(b"\r\n"):
            if line.lower().startswith(b"set-cookie: prevention_session="):
                session = 1
    print(f"body_sent={body_sent:.3f} answered={answered:.3f} status={status} session={session}", flush=True)


def half_head(host, port):
    s = socket.create_connection((host, port), timeout=None)
    s.sendall(f"GET /login HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: fault-tests\r\n".encode())
    print(f"sent={time.time():.3f}", flush=True)
    while True:
        try:
            if not s.recv(4096):
                break
        except OSError:
            break
    print(f"closed={time.time():.3f}", flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "post":
        post(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], float(sys.argv[7]))
    elif mode == "half-head":
        half_head(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(f"unknown mode {mode}")
