"""Delivery through a real SMTP server on loopback (aiosmtpd): success and each failure mode."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from xlsuite.assessment import assess
from xlsuite.mail import Attachment, MailConfig, SendError, build_message, deliver
from xlsuite.mail.smtp import AUTH, RECIPIENT, SIZE, TLS, UNREACHABLE, message_bytes
from xlsuite.readers import read_report

from .conftest import SEEDS

# AUTH over plain loopback is what these tests want; aiosmtpd warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

PASSWORD = "s3cret-口令"  # non-ASCII: smtplib's own login cannot send it
ASCII_PASSWORD = "s3cret-pw"
DATA = b"PK\x03\x04" + bytes(range(256)) * 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every message the server accepted; refuses the addresses in ``refuse``."""

    def __init__(self, refuse=()):
        self.envelopes = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"gkb" and \
        auth_data.password in (PASSWORD.encode(), ASCII_PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd replies 535 itself


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self, port: int | None = None, refuse=(), **smtp_kwargs):
        self.port = port or free_port()
        self.handler = Recorder(refuse)
        self.kwargs = smtp_kwargs
        self.controller = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=5,
                                     **self.kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        return self.handler.envelopes

    def config(self, **kw) -> MailConfig:
        base = dict(host="127.0.0.1", port=self.port, security="none", sender="gkb@example.gov.cn",
                    to=("city-gkb@example.gov.cn",), timeout=5.0)
        return MailConfig(**{**base, **kw})


@pytest.fixture
def server():
    srv = SmtpServer().start()
    yield srv
    srv.stop()


def xiamen_message(to=("city-gkb@example.gov.cn",), cc=(), data=DATA):
    report = read_report(SEEDS / "xiamen-city-2020.pdf.txt")
    return build_message(assess(report), Attachment("2020-厦门市人民政府.xlsx", data),
                         sender="gkb@example.gov.cn", to=to, cc=cc)


def test_delivered_message_is_byte_for_byte_what_was_built(server):
    msg = xiamen_message(cc=("archive@example.gov.cn",))
    deliver(msg, server.config())
    [env] = server.received
    assert env.mail_from == "gkb@example.gov.cn"
    assert env.rcpt_tos == ["city-gkb@example.gov.cn", "archive@example.gov.cn"]
    got = message_from_bytes(env.content, policy=policy.default)
    assert got["Subject"] == "【政府信息公开年报】厦门市人民政府 2020年度（已校验）"
    assert got["Message-ID"] == msg["Message-ID"]
    [att] = list(got.iter_attachments())
    assert att.get_filename() == "2020-厦门市人民政府.xlsx"
    assert att.get_content() == DATA
    assert env.content.replace(b"\r\n", b"\n") == message_bytes(msg).replace(b"\r\n", b"\n")


def test_unreachable_server_is_one_clear_line():
    cfg = SmtpServer().config()  # never started: nothing listens on the port
    with pytest.raises(SendError) as e:
        deliver(xiamen_message(), cfg)
    assert e.value.kind == UNREACHABLE
    assert e.value.message.startswith(f"无法连接邮件服务器 127.0.0.1:{cfg.port}（连接被拒绝")
    assert "\n" not in e.value.message


@pytest.mark.parametrize("password", [PASSWORD, ASCII_PASSWORD])
def test_login_with_the_right_password_delivers(password):
    srv = SmtpServer(authenticator=authenticator, auth_required=True, auth_require_tls=False).start()
    try:
        deliver(xiamen_message(), srv.config(user="gkb"), password)
        assert len(srv.received) == 1
    finally:
        srv.stop()


def test_login_refused_names_the_user_never_the_password():
    srv = SmtpServer(authenticator=authenticator, auth_required=True, auth_require_tls=False).start()
    try:
        with pytest.raises(SendError) as e:
            deliver(xiamen_message(), srv.config(user="gkb"), "wrong-" + PASSWORD)
        assert e.value.kind == AUTH
        assert e.value.message.startswith("邮件服务器拒绝登录（用户 gkb，535")
        assert PASSWORD not in e.value.message
        assert srv.received == []
    finally:
        srv.stop()


def test_missing_password_is_caught_before_connecting():
    cfg = SmtpServer().config(user="gkb")  # no server: a connection attempt would say unreachable
    with pytest.raises(SendError) as e:
        deliver(xiamen_message(), cfg, None)
    assert e.value.kind == "no_password"
    assert "XLSUITE_SMTP_PASSWORD" in e.value.message


def test_refused_recipient_sends_to_nobody():
    srv = SmtpServer(refuse={"nobody@example.gov.cn"}).start()
    try:
        with pytest.raises(SendError) as e:
            deliver(xiamen_message(to=("city-gkb@example.gov.cn", "nobody@example.gov.cn")), srv.config())
        assert e.value.kind == RECIPIENT
        assert e.value.message == "邮件服务器拒绝收件人：nobody@example.gov.cn（550 5.1.1 No such user here）"
        assert srv.received == []  # not even the accepted recipient: a resend must not duplicate
    finally:
        srv.stop()


def test_message_larger_than_server_size_limit():
    srv = SmtpServer(data_size_limit=20_000).start()
    try:
        with pytest.raises(SendError) as e:
            deliver(xiamen_message(data=DATA * 3), srv.config())
        assert e.value.kind == SIZE
        assert e.value.message.startswith("邮件过大：") and "上限 0.0 MB" not in e.value.message
        assert "127.0.0.1" in e.value.message
        assert srv.received == []
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, as an internal government CA would issue."""
    pytest.importorskip("cryptography")
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    d = tmp_path_factory.mktemp("tls")
    (d / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    return d / "cert.pem", d / "key.pem"


def _server_context(tls_files):
    import ssl
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*map(str, tls_files))
    return ctx


def test_starttls_with_private_ca_then_login(tls_files):
    srv = SmtpServer(tls_context=_server_context(tls_files), require_starttls=True,
                     authenticator=authenticator, auth_required=True).start()
    try:
        deliver(xiamen_message(), srv.config(security="starttls", user="gkb", cafile=tls_files[0]), PASSWORD)
        assert len(srv.received) == 1
        with pytest.raises(SendError) as e:  # without the CA the certificate cannot be trusted
            deliver(xiamen_message(), srv.config(security="starttls", user="gkb"), PASSWORD)
        assert e.value.kind == TLS and "证书校验失败" in e.value.message and "smtp.cafile" in e.value.message
        assert len(srv.received) == 1
    finally:
        srv.stop()


def test_implicit_ssl(tls_files):
    srv = SmtpServer(ssl_context=_server_context(tls_files)).start()
    try:
        deliver(xiamen_message(), srv.config(security="ssl", cafile=tls_files[0]))
        assert len(srv.received) == 1
    finally:
        srv.stop()
