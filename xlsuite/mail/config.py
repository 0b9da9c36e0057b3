"""Mail settings: a TOML file found in a fixed order, validated once.

The password is deliberately not a setting: it comes from the environment or
the system keyring at send time, so it never sits in a file, on a command line
or in a log.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import XlsuiteError

CONFIG_NAME = "xlsuite.toml"
PASSWORD_ENV = "XLSUITE_SMTP_PASSWORD"
KEYRING_SERVICE = "xlsuite-smtp"  # keyring entry: service "xlsuite-smtp:<host>", username = smtp.user
SECURITY_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_TIMEOUT = 30.0


class MailConfigError(XlsuiteError):
    """The mail settings are missing or wrong: one Chinese line saying which and how to fix it."""

    default_code = "bad_config"


@dataclass(frozen=True)
class MailConfig:
    sender: str
    host: str | None = None
    port: int = 465
    security: str = "ssl"
    user: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    outbox: Path = Path("outbox")
    timeout: float = DEFAULT_TIMEOUT
    cafile: Path | None = None  # a private CA for servers with an internal certificate
    source: Path | None = field(default=None, compare=False)  # the file read, for messages

    @property
    def keyring_service(self) -> str:
        return f"{KEYRING_SERVICE}:{self.host}"


def user_config_dir() -> Path:
    """The per-user settings folder: %APPDATA%\\xlsuite, ~/Library/Application Support/xlsuite, ~/.config/xlsuite."""
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Application Support")
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "xlsuite"


def candidate_paths(cwd: str | os.PathLike | None = None) -> list[Path]:
    return [Path(cwd or os.getcwd()) / CONFIG_NAME, user_config_dir() / CONFIG_NAME]


def find_config(explicit: str | os.PathLike | None = None, cwd: str | os.PathLike | None = None) -> Path:
    """The config file to use: ``explicit`` if given, else ./xlsuite.toml, else the user's config folder."""
    if explicit is not None:
        p = Path(explicit)
        if not p.is_file():
            raise MailConfigError(f"找不到邮件配置文件：{p}")
        return p
    tried = candidate_paths(cwd)
    for p in tried:
        if p.is_file():
            return p
    raise MailConfigError("找不到邮件配置文件（已查找：" + "、".join(str(p) for p in tried) + "）",
                          code="no_config", remedy="请参照 examples/xlsuite.toml 写一份")


def load_config(path: str | os.PathLike | None = None, cwd: str | os.PathLike | None = None) -> MailConfig:
    """Read and validate the config found by :func:`find_config`."""
    import tomllib

    p = find_config(path, cwd)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as e:
        raise MailConfigError(f"邮件配置文件 {p} 格式错误：{e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise MailConfigError(f"无法读取邮件配置文件 {p}：{e}") from None
    return parse_config(data, p)


def parse_config(data: dict, path: Path | None = None) -> MailConfig:
    where = f"邮件配置文件 {path}" if path else "邮件配置"
    smtp = _table(data, "smtp", where)
    send = _table(data, "send", where)
    if "password" in smtp or "password" in send:
        raise MailConfigError(f"{where} 中不能写密码：请删除 password，改用环境变量 {PASSWORD_ENV} 或系统密钥环（keyring）")

    security = str(smtp.get("security", "ssl")).lower()
    if security not in SECURITY_MODES:
        raise MailConfigError(f"{where}：smtp.security 应为 none、starttls 或 ssl 之一，现为 {security!r}")
    port = smtp.get("port", DEFAULT_PORTS[security])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise MailConfigError(f"{where}：smtp.port 应为 1-65535 的整数，现为 {port!r}")
    timeout = smtp.get("timeout", DEFAULT_TIMEOUT)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise MailConfigError(f"{where}：smtp.timeout 应为正数（秒），现为 {timeout!r}")
    sender = _text(smtp, "sender", where)
    if not sender or "@" not in sender:
        raise MailConfigError(f"{where}：缺少发件人地址 smtp.sender（如 gkb@example.gov.cn）")

    base = path.parent if path else Path.cwd()
    outbox = Path(_text(send, "outbox", where) or "outbox")
    cafile = _text(smtp, "cafile", where)
    return MailConfig(
        sender=sender,
        host=_text(smtp, "host", where) or None,
        port=port,
        security=security,
        user=_text(smtp, "user", where),
        to=_addresses(send, "to", where),
        cc=_addresses(send, "cc", where),
        outbox=outbox if outbox.is_absolute() else base / outbox,
        timeout=float(timeout),
        cafile=(Path(cafile) if Path(cafile).is_absolute() else base / cafile) if cafile else None,
        source=path,
    )


def _table(data: dict, name: str, where: str) -> dict:
    t = data.get(name, {})
    if not isinstance(t, dict):
        raise MailConfigError(f"{where}：[{name}] 应为一个表（section）")
    return t


def _text(table: dict, key: str, where: str) -> str:
    v = table.get(key, "")
    if not isinstance(v, str):
        raise MailConfigError(f"{where}：{key} 应为字符串，现为 {v!r}")
    return v.strip()


def _addresses(table: dict, key: str, where: str) -> tuple[str, ...]:
    v = table.get(key, [])
    items = [v] if isinstance(v, str) else v
    if not isinstance(items, list) or not all(isinstance(a, str) for a in items):
        raise MailConfigError(f"{where}：send.{key} 应为邮件地址列表，如 [\"city-gkb@example.gov.cn\"]")
    out = tuple(a.strip() for a in items if a.strip())
    for a in out:
        if "@" not in a:
            raise MailConfigError(f"{where}：send.{key} 中的 {a!r} 不是邮件地址")
    return out


def get_password(config: MailConfig) -> str | None:
    """The SMTP password from ``XLSUITE_SMTP_PASSWORD``, else the system keyring; None when neither has it."""
    return lookup_password(PASSWORD_ENV, config.keyring_service if config.host else None, config.user)


def lookup_password(env: str, service: str | None, user: str) -> str | None:
    """A password from the environment variable ``env``, else the keyring entry (service, user)."""
    pw = os.environ.get(env)
    if pw:
        return pw
    if not user or not service:
        return None
    try:
        import keyring  # optional: the `mail` extra
        import keyring.errors
    except ImportError:
        return None
    try:
        return keyring.get_password(service, user)
    except keyring.errors.KeyringError:
        return None  # no usable backend on this machine (headless Linux): the env var remains
