"""The ``[collect]`` table of xlsuite.toml: the office mailbox, the list, the output folder.

Found like the mail settings (``--config``, ./xlsuite.toml, the user's config
folder). The password is never a setting: ``XLSUITE_IMAP_PASSWORD`` or the
keyring entry ``xlsuite-imap:<host>`` / ``user``.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..mail.config import MailConfigError, find_config, lookup_password

PASSWORD_ENV = "XLSUITE_IMAP_PASSWORD"
KEYRING_SERVICE = "xlsuite-imap"
SECURITY_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 143, "starttls": 143, "ssl": 993}
DEFAULT_WINDOW_DAYS = 180
DEFAULT_OUTPUT = "收件"


@dataclass(frozen=True)
class CollectConfig:
    host: str | None = None
    port: int = 993
    security: str = "ssl"
    user: str = ""
    folder: str = "INBOX"
    window_days: int = DEFAULT_WINDOW_DAYS  # only messages received in the last N days; 0: all
    move_to: str | None = None
    timeout: float = 30.0
    cafile: Path | None = None
    list: Path | None = None
    output: Path | None = None
    year: int | None = None
    office: str = "我办"  # how replies and reminders name the collecting office
    source: Path | None = field(default=None, compare=False)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def keyring_service(self) -> str:
        return f"{KEYRING_SERVICE}:{self.host}"


def load_collect_config(path: str | os.PathLike | None = None, cwd: str | os.PathLike | None = None,
                        *, required: bool = True) -> CollectConfig:
    """The ``[collect]`` settings; without a config file, empty settings unless ``required``."""
    try:
        p = find_config(path, cwd)
    except MailConfigError:
        if required or path is not None:
            raise
        return CollectConfig()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as e:
        raise MailConfigError(f"配置文件 {p} 格式错误：{e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise MailConfigError(f"无法读取配置文件 {p}：{e}") from None
    return parse_collect_config(data, p)


def parse_collect_config(data: dict, path: Path | None = None) -> CollectConfig:
    where = f"配置文件 {path}" if path else "配置"
    t = data.get("collect", {})
    if not isinstance(t, dict):
        raise MailConfigError(f"{where}：[collect] 应为一个表（section）")
    if "password" in t:
        raise MailConfigError(f"{where} 中不能写密码：请删除 collect.password，改用环境变量 {PASSWORD_ENV} "
                              "或系统密钥环（keyring）")
    security = str(t.get("security", "ssl")).lower()
    if security not in SECURITY_MODES:
        raise MailConfigError(f"{where}：collect.security 应为 none、starttls 或 ssl 之一，现为 {security!r}")
    port = _int(t, "port", DEFAULT_PORTS[security], where, 1, 65535)
    window = _int(t, "window_days", DEFAULT_WINDOW_DAYS, where, 0, 100000)
    year = t.get("year")
    if year is not None:
        year = _int(t, "year", None, where, 2000, 2100)
    timeout = t.get("timeout", 30)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise MailConfigError(f"{where}：collect.timeout 应为正数（秒），现为 {timeout!r}")
    base = path.parent if path else Path.cwd()

    def file(key: str) -> Path | None:
        v = _text(t, key, where)
        return None if not v else (Path(v) if Path(v).is_absolute() else base / v)

    return CollectConfig(
        host=_text(t, "host", where) or None, port=port, security=security, user=_text(t, "user", where),
        folder=_text(t, "folder", where) or "INBOX", window_days=window,
        move_to=_text(t, "move_to", where) or None, timeout=float(timeout), cafile=file("cafile"),
        list=file("list"), output=file("output"), year=year, office=_text(t, "office", where) or "我办",
        source=path)


def _int(t: dict, key: str, default, where: str, lo: int, hi: int) -> int:
    v = t.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise MailConfigError(f"{where}：collect.{key} 应为 {lo}-{hi} 的整数，现为 {v!r}")
    return v


def _text(t: dict, key: str, where: str) -> str:
    v = t.get(key, "")
    if not isinstance(v, str):
        raise MailConfigError(f"{where}：collect.{key} 应为字符串，现为 {v!r}")
    return v.strip()


def get_imap_password(config: CollectConfig) -> str | None:
    return lookup_password(PASSWORD_ENV, config.keyring_service if config.host else None, config.user)
