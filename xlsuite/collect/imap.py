"""The office mailbox over IMAP (the standard library's imaplib).

Read-only unless messages are to be moved: the folder is EXAMINEd and bodies
are fetched with BODY.PEEK, so nothing is marked read or changed on the server.
Every failure is a ``MailboxError`` with one Chinese line naming the server.
"""
from __future__ import annotations

import base64
import imaplib
import re
import socket
import ssl
from collections.abc import Iterable
from datetime import date, datetime

from ..errors import XlsuiteError
from .config import PASSWORD_ENV, CollectConfig

UNREACHABLE, TLS, AUTH, FOLDER, SERVER = "unreachable", "tls", "auth", "folder", "server"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class MailboxError(XlsuiteError):
    def __init__(self, kind: str, message: str):
        self.kind = kind
        super().__init__(message, code=kind)


def encode_folder(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3), quoted."""
    out: list[str] = []
    pending: list[str] = []

    def flush():
        if pending:
            b64 = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + b64.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    text = "".join(out)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def uid_set(uids: Iterable[int]) -> str:
    """1,2,3,5 -> "1:3,5": short commands for long lists."""
    parts: list[str] = []
    run: list[int] = []
    for u in sorted(set(uids)):
        if run and u == run[-1] + 1:
            run.append(u)
            continue
        if run:
            parts.append(f"{run[0]}:{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [u]
    if run:
        parts.append(f"{run[0]}:{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(parts)


def imap_date(d: date) -> str:
    return f"{d.day}-{_MONTHS[d.month - 1]}-{d.year}"  # SEARCH SINCE wants English month names


def _fetched(data: list) -> list[tuple[bytes, bytes]]:
    """(attributes, literal) per message of a FETCH response; attributes include what follows the literal."""
    out: list[list[bytes]] = []
    for part in data:
        if isinstance(part, tuple):
            out.append([part[0], part[1]])
        elif isinstance(part, bytes) and out:
            out[-1][0] += b" " + part  # e.g. b' UID 7)' after the literal
    return [(a, b) for a, b in out]


def _uid_of(attrs: bytes) -> int | None:
    m = re.search(rb"\bUID (\d+)", attrs)
    return int(m.group(1)) if m else None


class ImapMailbox:
    """One session with the office mailbox: ``with ImapMailbox(cfg, pw) as box: ...``."""

    def __init__(self, config: CollectConfig, password: str | None, *, writable: bool = False):
        self.config = config
        self.password = password
        self.writable = writable
        self.conn: imaplib.IMAP4 | None = None
        self.uidvalidity: int | None = None

    # --- session ---------------------------------------------------------------
    def __enter__(self) -> ImapMailbox:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        cfg = self.config
        if not cfg.host:
            raise MailboxError(SERVER, f"没有邮箱服务器：请在配置文件{_of(cfg)}的 [collect] 中填写 host")
        if not cfg.user:
            raise MailboxError(AUTH, f"没有邮箱用户名：请在配置文件{_of(cfg)}的 [collect] 中填写 user")
        if self.password is None:
            raise MailboxError(AUTH, f"没有邮箱密码（用户 {cfg.user}）：请设置环境变量 {PASSWORD_ENV}，"
                                     f"或用 python -m keyring set {cfg.keyring_service} {cfg.user} 保存")
        try:
            ctx = ssl.create_default_context(cafile=str(cfg.cafile) if cfg.cafile else None)
        except (OSError, ssl.SSLError) as e:
            raise MailboxError(TLS, f"无法读取 CA 证书 {cfg.cafile}（{e}）") from None
        try:
            if cfg.security == "ssl":
                self.conn = imaplib.IMAP4_SSL(cfg.host, cfg.port, ssl_context=ctx, timeout=cfg.timeout)
            else:
                self.conn = imaplib.IMAP4(cfg.host, cfg.port, timeout=cfg.timeout)
                if cfg.security == "starttls":
                    self.conn.starttls(ssl_context=ctx)
        except ssl.SSLError as e:
            raise self._tls_error(e) from None
        except imaplib.IMAP4.error as e:
            raise MailboxError(TLS if cfg.security == "starttls" else SERVER,
                               f"邮箱服务器 {cfg.where} 不接受连接（{_text(e)}）") from None
        except OSError as e:
            raise MailboxError(UNREACHABLE, f"无法连接邮箱服务器 {cfg.where}（{_os_reason(e)}）") from None
        self._login()
        self._select(cfg.folder)

    @property
    def _conn(self) -> imaplib.IMAP4:
        assert self.conn is not None, "not connected"
        return self.conn

    def _login(self) -> None:
        user, pw = self.config.user, self.password or ""
        try:
            if (user + pw).isascii():
                self._conn.login(user, pw)
            else:  # imaplib's LOGIN is ASCII-only: a Chinese password goes as UTF-8 in AUTHENTICATE PLAIN
                self._conn.authenticate("PLAIN", lambda _: f"\0{user}\0{pw}".encode("utf-8"))
        except imaplib.IMAP4.error as e:
            raise MailboxError(AUTH, f"邮箱服务器 {self.config.where} 拒绝登录（用户 {user}：{_text(e)}）") from None
        except OSError as e:
            raise MailboxError(UNREACHABLE, f"与邮箱服务器 {self.config.where} 的连接中断（{_os_reason(e)}）") \
                from None

    def _select(self, folder: str) -> None:
        typ, data = self._call("select", encode_folder(folder), readonly=not self.writable)
        if typ != "OK":
            raise MailboxError(FOLDER, f"邮箱中没有文件夹“{folder}”（{_text(data)}）：请检查 collect.folder")
        _typ, v = self._conn.response("UIDVALIDITY")
        self.uidvalidity = int(v[0]) if v and v[0] else None

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            if self.conn.state == "SELECTED":
                self.conn.close()
            self.conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
        self.conn = None

    def _call(self, name: str, *args, **kw):
        try:
            return getattr(self.conn, name)(*args, **kw)
        except imaplib.IMAP4.abort as e:
            raise MailboxError(UNREACHABLE, f"与邮箱服务器 {self.config.where} 的连接中断（{_text(e)}）") from None
        except imaplib.IMAP4.error as e:
            raise MailboxError(SERVER, f"邮箱服务器 {self.config.where} 报错（{name}：{_text(e)}）") from None
        except OSError as e:
            raise MailboxError(UNREACHABLE, f"与邮箱服务器 {self.config.where} 的连接中断（{_os_reason(e)}）") \
                from None

    def _uid(self, *args) -> list:
        typ, data = self._call("uid", *args)
        if typ != "OK":
            raise MailboxError(SERVER, f"邮箱服务器 {self.config.where} 报错（UID {args[0]}：{_text(data)}）")
        return data

    # --- messages ----------------------------------------------------------------
    def search(self, since: date | None = None) -> list[int]:
        """UIDs of the folder's messages, those received since ``since`` when given."""
        data = self._uid("SEARCH", *(("SINCE", imap_date(since)) if since else ("ALL",)))
        return sorted(int(x) for x in b" ".join(d for d in data if d).split())

    def message_ids(self, uids: list[int]) -> dict[int, str | None]:
        """Each message's Message-ID header (None when it has none), without fetching bodies."""
        if not uids:
            return {}
        from email.parser import BytesHeaderParser

        from .intake import message_id

        out: dict[int, str | None] = {u: None for u in uids}
        data = self._uid("FETCH", uid_set(uids), "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        for attrs, literal in _fetched(data):
            uid = _uid_of(attrs)
            if uid in out:
                out[uid] = message_id(BytesHeaderParser().parsebytes(literal or b"").get("Message-ID"))
        return out

    def fetch(self, uid: int) -> tuple[bytes, datetime | None]:
        """The whole message (unchanged on the server) and when the server received it."""
        data = self._uid("FETCH", str(uid), "(UID INTERNALDATE BODY.PEEK[])")
        for attrs, literal in _fetched(data):
            if _uid_of(attrs) == uid:
                when = imaplib.Internaldate2tuple(attrs)
                received = datetime(*when[:6]).astimezone() if when else None
                return literal, received
        raise MailboxError(SERVER, f"邮箱服务器 {self.config.where} 没有返回邮件 UID {uid}（可能已被删除）")

    def move(self, uids: list[int], folder: str) -> None:
        """Move messages to ``folder`` (created when missing): MOVE, or COPY + delete + EXPUNGE."""
        if not uids:
            return
        target = encode_folder(folder)
        typ, listed = self._call("list", '""', target)
        if typ == "OK" and not any(listed):
            typ, data = self._call("create", target)
            if typ != "OK":
                raise MailboxError(FOLDER, f"无法在邮箱中新建文件夹“{folder}”（{_text(data)}）")
        caps = self._conn.capabilities
        ids = uid_set(uids)
        if "MOVE" in caps:
            self._uid("MOVE", ids, target)
            return
        self._uid("COPY", ids, target)
        self._uid("STORE", ids, "+FLAGS.SILENT", r"(\Deleted)")
        if "UIDPLUS" in caps:
            self._uid("EXPUNGE", ids)
        else:
            self._call("expunge")

    def _tls_error(self, e: ssl.SSLError) -> MailboxError:
        where = self.config.where
        if isinstance(e, ssl.SSLCertVerificationError):
            return MailboxError(TLS, f"邮箱服务器 {where} 的证书校验失败（{e.verify_message}）："
                                     "内网自签证书请在 collect.cafile 中指定 CA 证书")
        return MailboxError(TLS, f"与邮箱服务器 {where} 建立加密连接失败（{e.reason or e}）："
                                 "请检查 collect.security 与端口是否一致（993 用 ssl，143 用 starttls 或 none）")


def _of(cfg: CollectConfig) -> str:
    return f" {cfg.source} " if cfg.source else ""


def _text(e) -> str:
    if isinstance(e, list):
        e = b" ".join(x for x in e if isinstance(x, bytes))
    if isinstance(e, BaseException) and e.args:
        e = e.args[0]
    if isinstance(e, bytes):
        e = e.decode("utf-8", "replace")
    return str(e).strip() or "无详细信息"


def _os_reason(e: BaseException) -> str:
    if isinstance(e, ConnectionRefusedError):
        return "连接被拒绝，服务器未运行或端口不对"
    if isinstance(e, (TimeoutError, socket.timeout)):
        return "连接超时"
    if isinstance(e, socket.gaierror):
        return "域名无法解析"
    return getattr(e, "strerror", None) or str(e) or type(e).__name__
