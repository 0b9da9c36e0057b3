"""A real Dovecot IMAP server on loopback for the tests: throwaway config, mail users, ports of its own.

``Dovecot(users).start()`` raises ``DovecotUnavailable`` with the reason when it
cannot run here (not installed, refused to start); the tests then skip saying so.
Run as root it uses the package's unprivileged ``dovecot``/``dovenull`` users, as
anyone else it runs entirely as that user.
"""
from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class DovecotUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    host = "127.0.0.1"

    def __init__(self, users: dict[str, str], tls: tuple[Path, Path] | None = None):
        self.users = users
        self.tls = tls  # (cert.pem, key.pem): also serve IMAPS and STARTTLS
        self.port = free_port()
        self.ssl_port = free_port() if tls else 0
        self.dir: Path | None = None
        self.proc: subprocess.Popen | None = None

    def _accounts(self) -> tuple[str, str, int, int]:
        """(internal user, login user, mail uid, mail gid)."""
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.geteuid())
            return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
        try:
            internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
        except KeyError:
            raise DovecotUnavailable("running as root, but the system users dovecot/dovenull do not exist") from None
        return internal.pw_name, login.pw_name, internal.pw_uid, internal.pw_gid

    def start(self) -> Dovecot:
        binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
        if binary is None:
            raise DovecotUnavailable("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
        internal, login, uid, gid = self._accounts()
        # Short path under /tmp: Dovecot's unix sockets live here (108-byte limit); readable by its users.
        self.dir = Path(tempfile.mkdtemp(prefix="xlsuite-dovecot-", dir="/tmp"))
        os.chmod(self.dir, 0o755)
        for sub in ("run", "state", "home"):
            (self.dir / sub).mkdir()
        os.chown(self.dir / "home", uid, gid) if os.geteuid() == 0 else None
        (self.dir / "users").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in self.users.items()),
                                        encoding="utf-8")
        ssl = "ssl = no"
        if self.tls:
            ssl = f"ssl = yes\nssl_cert = <{self.tls[0]}\nssl_key = <{self.tls[1]}\nssl_min_protocol = TLSv1.2"
        (self.dir / "dovecot.conf").write_text(f"""
base_dir = {self.dir}/run
state_dir = {self.dir}/state
log_path = {self.dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.dir}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.dir}/home/%u
}}
# no growing delay after a refused login (the tests refuse one on purpose)
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.ssl_port}
  }}
}}
""", encoding="utf-8")
        self.proc = subprocess.Popen([binary, "-F", "-c", str(self.dir / "dovecot.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                reason = (self.proc.stderr.read() or b"").decode("utf-8", "replace").strip() or self.log()
                self.stop()
                raise DovecotUnavailable(f"dovecot exited at start: {reason[-300:]}")
            try:
                c = imaplib.IMAP4(self.host, self.port, timeout=2)
                c.logout()
                return self
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.1)
        log = self.log()
        self.stop()
        raise DovecotUnavailable(f"dovecot did not answer on 127.0.0.1 within 15 s: {log[-300:]}")

    def log(self) -> str:
        try:
            return (self.dir / "dovecot.log").read_text(encoding="utf-8", errors="replace")
        except (OSError, TypeError):
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    # --- what a sender's mail server would do: put messages in a mailbox ---------------
    def connect(self, user: str) -> imaplib.IMAP4:
        c = imaplib.IMAP4(self.host, self.port, timeout=10)
        password = self.users[user]
        if password.isascii():
            c.login(user, password)
        else:
            c.authenticate("PLAIN", lambda _: f"\0{user}\0{password}".encode("utf-8"))
        return c

    def append(self, user: str, messages: list[bytes], folder: str = "INBOX", received=None) -> None:
        """Deliver ``messages``; ``received`` (a datetime) is when the server says it got them (default now)."""
        c = self.connect(user)
        try:
            for raw in messages:
                typ, data = c.append(folder, None, imaplib.Time2Internaldate(received) if received else None, raw)
                assert typ == "OK", data
        finally:
            c.logout()

    def count(self, user: str, folder: str = "INBOX") -> int:
        c = self.connect(user)
        try:
            typ, data = c.select(_quoted(folder), readonly=True)
            assert typ == "OK", data
            return int(data[0])
        finally:
            c.logout()

    def flags(self, user: str, folder: str = "INBOX") -> list[bytes]:
        c = self.connect(user)
        try:
            c.select(_quoted(folder), readonly=True)
            typ, data = c.fetch("1:*", "(FLAGS)")
            return [d for d in data if d]
        finally:
            c.logout()


def _quoted(folder: str) -> str:
    """An ASCII folder name quoted; a name already encoded and quoted (modified UTF-7) as it is."""
    return folder if folder.startswith('"') else f'"{folder}"'
