"""Hand one message to the SMTP server, all recipients or none.

Every failure becomes a :class:`SendError` with a machine ``kind`` and one
Chinese line for staff. The password is passed in, used for LOGIN/PLAIN only,
and never appears in an error.
"""
from __future__ import annotations

import base64
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

from ..errors import XlsuiteError
from .config import PASSWORD_ENV, MailConfig
from .message import human_size, recipients_of

# kinds
UNREACHABLE, TLS, NO_PASSWORD, AUTH, RECIPIENT, SIZE, SERVER, NO_HOST = (
    "unreachable", "tls", "no_password", "auth", "recipient", "size", "server", "no_host")
# After these nothing else in the batch can get through either.
FATAL_KINDS = {UNREACHABLE, TLS, NO_PASSWORD, AUTH, NO_HOST}


class SendError(XlsuiteError):
    def __init__(self, kind: str, message: str):
        self.kind = kind
        super().__init__(message, code=kind)


def message_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=SMTP_POLICY)


def _reply(resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return " ".join(text.split())


def _where(config: MailConfig) -> str:
    return f"{config.host}:{config.port}"


def _connect(config: MailConfig) -> smtplib.SMTP:
    assert config.host is not None  # deliver() refuses a config without one
    if config.security == "ssl":
        context = ssl.create_default_context(cafile=config.cafile)
        return smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    return smtplib.SMTP(config.host, config.port, timeout=config.timeout)


def deliver(msg: EmailMessage, config: MailConfig, password: str | None = None) -> None:
    """Send ``msg`` to its To/Cc recipients through the configured server; raises SendError."""
    if not config.host:
        raise SendError(NO_HOST, f"邮件配置 {config.source or ''} 中没有 smtp.host：无法发送（可以只导出 .eml 邮件文件）")
    if config.user and not password:
        raise SendError(NO_PASSWORD, f"已配置登录用户 {config.user}，但没有密码：请设置环境变量 {PASSWORD_ENV}，"
                                     f"或用 keyring 保存（服务名 {config.keyring_service}，用户名 {config.user}）")
    recipients = recipients_of(msg)
    if not recipients:
        raise SendError(RECIPIENT, "邮件没有收件人")
    data = message_bytes(msg)
    try:
        try:
            conn = _connect(config)
        except socket.gaierror:
            raise SendError(UNREACHABLE, f"找不到邮件服务器 {config.host}（域名无法解析）：请检查网络或 smtp.host") from None
        except ssl.SSLError as e:
            raise _tls_error(config, e) from None
        except (OSError, smtplib.SMTPException) as e:
            raise SendError(UNREACHABLE, f"无法连接邮件服务器 {_where(config)}（{_os_reason(e)}）："
                                         "请检查网络，或 smtp.host、smtp.port 设置") from None
        with conn:
            _session(conn, config, password, msg, data, recipients)
    except SendError:
        raise
    except ssl.SSLError as e:
        raise _tls_error(config, e) from None
    except smtplib.SMTPServerDisconnected:
        raise SendError(UNREACHABLE, f"邮件服务器 {_where(config)} 中途断开了连接：请稍后重发") from None
    except smtplib.SMTPResponseException as e:
        raise SendError(SERVER, f"邮件服务器 {_where(config)} 拒绝了请求（{e.smtp_code} {_reply(e.smtp_error)}）") from None
    except (OSError, smtplib.SMTPException) as e:
        raise SendError(UNREACHABLE, f"与邮件服务器 {_where(config)} 的连接中断（{_os_reason(e)}）：请稍后重发") from None


def _session(conn: smtplib.SMTP, config: MailConfig, password: str | None, msg: EmailMessage,
             data: bytes, recipients: list[str]) -> None:
    conn.ehlo_or_helo_if_needed()
    if config.security == "starttls":
        if not conn.has_extn("starttls"):
            raise SendError(TLS, f"邮件服务器 {_where(config)} 不支持 STARTTLS：请检查 smtp.security 与 smtp.port")
        conn.starttls(context=ssl.create_default_context(cafile=config.cafile))
        conn.ehlo()
    if config.user:
        if not conn.has_extn("auth"):
            raise SendError(AUTH, f"邮件服务器 {_where(config)} 不提供登录（AUTH）：请检查 smtp.security，"
                                  "或不需要登录时清空 smtp.user")
        try:
            _login(conn, config.user, password or "")
        except smtplib.SMTPAuthenticationError as e:
            raise SendError(AUTH, f"邮件服务器拒绝登录（用户 {config.user}，{e.smtp_code} {_reply(e.smtp_error)}）："
                                  f"请检查密码（环境变量 {PASSWORD_ENV} 或系统密钥环）") from None
        except smtplib.SMTPException as e:
            raise SendError(AUTH, f"登录邮件服务器失败（用户 {config.user}，{_reply(str(e))}）") from None

    size_limit = int(conn.esmtp_features.get("size", "0") or 0) if conn.has_extn("size") else 0
    if size_limit and len(data) > size_limit:
        raise SendError(SIZE, f"邮件过大：{human_size(len(data))}（附件编码后），超过邮件服务器 {_where(config)} "
                              f"的上限 {human_size(size_limit)}：请压缩附件或联系邮件管理员")
    options = [f"SIZE={len(data)}"] if conn.has_extn("size") else []
    code, resp = conn.mail(config.sender, options)
    if code != 250:
        conn.rset()
        if code == 552:
            raise SendError(SIZE, f"邮件过大：{human_size(len(data))}，邮件服务器不接受（{code} {_reply(resp)}）")
        raise SendError(SERVER, f"邮件服务器拒绝发件人 {config.sender}（{code} {_reply(resp)}）")
    refused = {}
    for rcpt in recipients:
        code, resp = conn.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = f"{code} {_reply(resp)}"
    if refused:
        # All or none: a partial delivery would be sent twice on the resend.
        conn.rset()
        raise SendError(RECIPIENT, "邮件服务器拒绝收件人：" + "；".join(f"{a}（{r}）" for a, r in refused.items()))
    try:
        conn.data(data)
    except smtplib.SMTPDataError as e:
        if e.smtp_code == 552:
            raise SendError(SIZE, f"邮件过大：{human_size(len(data))}，"
                                  f"邮件服务器不接受（{e.smtp_code} {_reply(e.smtp_error)}）") from None
        raise SendError(SERVER, f"邮件服务器拒收邮件（{e.smtp_code} {_reply(e.smtp_error)}）") from None


def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
    if (user + password).isascii():
        conn.login(user, password)
        return
    # smtplib encodes credentials as ASCII; a Chinese password goes as UTF-8 in AUTH PLAIN (RFC 4616).
    token = base64.b64encode(f"\0{user}\0{password}".encode("utf-8")).decode("ascii")
    code, resp = conn.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


def _tls_error(config: MailConfig, e: ssl.SSLError) -> SendError:
    if isinstance(e, ssl.SSLCertVerificationError):
        return SendError(TLS, f"邮件服务器 {_where(config)} 的证书校验失败（{e.verify_message}）："
                              "内网自签证书请在 smtp.cafile 中指定 CA 证书")
    return SendError(TLS, f"与邮件服务器 {_where(config)} 建立加密连接失败（{e.reason or e}）："
                          "请检查 smtp.security 与端口是否一致（465 用 ssl，587 用 starttls）")


def _os_reason(e: BaseException) -> str:
    if isinstance(e, ConnectionRefusedError):
        return "连接被拒绝，服务器未运行或端口不对"
    if isinstance(e, (TimeoutError, socket.timeout)):
        return "连接超时"
    return getattr(e, "strerror", None) or str(e) or type(e).__name__
