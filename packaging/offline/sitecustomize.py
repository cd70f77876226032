"""Blocks Python's network calls in every process that starts with this folder on PYTHONPATH.

    PYTHONPATH=packaging/offline FOLIO_NETWORK_LOG=/tmp/net.log folio --self-test

Python imports ``sitecustomize`` at start-up. This one replaces the socket functions that reach a network
(``connect``, ``connect_ex``, ``sendto``, ``sendmsg``, ``bind`` on internet sockets, name lookups,
``create_connection``) with ones that raise :class:`OSError`, and appends one line per attempt to the file named
by ``FOLIO_NETWORK_LOG`` (and to stderr), so a test can fail on any attempt even when the caller swallowed the
error. Local (AF_UNIX) sockets keep working.
"""

from __future__ import annotations

import os
import socket
import sys

_LOG = os.environ.get("FOLIO_NETWORK_LOG", "")


def _record(what: str) -> None:
    line = f"network attempt blocked: {what}"
    print(line, file=sys.stderr)
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def _is_internet(sock: socket.socket) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6)


def _blocked_method(name: str):
    original = getattr(socket.socket, name)

    def method(self, *args, **kwargs):
        if _is_internet(self):
            _record(f"socket.{name}{args!r}")
            raise OSError(f"network blocked: socket.{name}")
        return original(self, *args, **kwargs)

    return method


def _blocked_function(name: str):
    def function(*args, **kwargs):
        _record(f"socket.{name}{args!r}")
        raise OSError(f"network blocked: socket.{name}")

    return function


for _name in ("connect", "connect_ex", "sendto", "sendmsg", "bind"):
    setattr(socket.socket, _name, _blocked_method(_name))
for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo",
              "create_connection"):
    setattr(socket, _name, _blocked_function(_name))
