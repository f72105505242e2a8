#!/usr/bin/env python3
"""Known TCP traffic for the sample traces; run inside a network namespace (see record-samples.sh).

Every connection is an echo: the client sends N bytes, reads them back and closes first; the
server closes after the client's FIN. What it did is printed as one line per connection, so the
expected reports can be reasoned out from it.
"""
import socket
import sys
import threading
import time


def echo_server(listener):
    conn, _ = listener.accept()
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)


def echo(family, host, sizes, pause=0.05):
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.bind((host, 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    for size in sizes:
        server = threading.Thread(target=echo_server, args=(listener,))
        server.start()
        client = socket.socket(family, socket.SOCK_STREAM)
        client.connect((host, port))
        cport = client.getsockname()[1]
        payload = b"x" * size
        client.sendall(payload)
        got = 0
        while got < size:
            chunk = client.recv(65536)
            if not chunk:
                raise RuntimeError("server closed early")
            got += len(chunk)
        client.close()
        server.join()
        print(f"echo {host} server_port={port} client_port={cport} bytes={size}", flush=True)
        time.sleep(pause)
    listener.close()


def refused(host, count):
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind((host, 0))
    port = probe.getsockname()[1]
    probe.close()
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.connect((host, port))
        except ConnectionRefusedError:
            print(f"refused {host} port={port}", flush=True)
        finally:
            s.close()


def partial(marker_dir):
    """Connection A opens before the recording and closes during it; B opens during it and is still
    open when it stops. marker files: ready (A open), go (recording runs), done (B open)."""
    import os
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    a = socket.create_connection(("127.0.0.1", port))
    a_server, _ = listener.accept()
    a.sendall(b"a" * 1000)
    a_server.sendall(a_server.recv(65536))
    a.recv(65536)
    print(f"open-before port={a.getsockname()[1]} server_port={port} bytes=1000", flush=True)
    open(os.path.join(marker_dir, "ready"), "w").close()
    while not os.path.exists(os.path.join(marker_dir, "go")):
        time.sleep(0.05)
    a.close()
    a_server.recv(1)  # the client's FIN
    a_server.close()
    print("closed open-before", flush=True)
    time.sleep(0.05)
    b = socket.create_connection(("127.0.0.1", port))
    b_server, _ = listener.accept()
    b.sendall(b"b" * 2000)
    got = 0
    while got < 2000:
        got += len(b_server.recv(65536))
    print(f"open-after port={b.getsockname()[1]} server_port={port} bytes=2000", flush=True)
    open(os.path.join(marker_dir, "done"), "w").close()
    time.sleep(3600)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "clean":
        echo(socket.AF_INET, "127.0.0.1", [1000, 10000, 100000, 500, 250000])
    elif mode == "ipv6":
        echo(socket.AF_INET6, "::1", [2000, 30000, 400000])
    elif mode == "lossy":
        echo(socket.AF_INET, "127.0.0.1", [300000, 300000, 300000])
    elif mode == "batch":
        # many small connections: enough per trace for tcprec diff's tests
        echo(socket.AF_INET, "127.0.0.1", [2000] * 40, pause=0.02)
    elif mode == "refused":
        refused("127.0.0.1", 3)
    elif mode == "partial":
        partial(sys.argv[2])
    else:
        sys.exit("usage: workload.py clean|ipv6|lossy|batch|refused|partial DIR")
