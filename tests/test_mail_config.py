"""Mail settings: the search order, validation messages, and where the password may come from."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from xlsuite.mail import MailConfigError, find_config, get_password, load_config
from xlsuite.mail.config import PASSWORD_ENV, parse_config

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
[smtp]
host = "smtp.example.gov.cn"
port = 465
security = "ssl"
user = "gkb"
sender = "gkb@example.gov.cn"
[send]
to = ["city-gkb@example.gov.cn"]
outbox = "outbox"
"""


@pytest.fixture
def homes(tmp_path, monkeypatch):
    """An empty current folder and user config folder."""
    cwd, xdg = tmp_path / "cwd", tmp_path / "xdg"
    cwd.mkdir()
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    monkeypatch.chdir(cwd)
    return cwd, xdg / "xlsuite"


def test_example_config_is_the_documented_shape():
    cfg = load_config(ROOT / "examples" / "xlsuite.toml")
    assert (cfg.host, cfg.port, cfg.security, cfg.user, cfg.sender) == \
        ("smtp.example.gov.cn", 465, "ssl", "gkb", "gkb@example.gov.cn")
    assert cfg.to == ("city-gkb@example.gov.cn",)
    assert cfg.outbox == ROOT / "examples" / "outbox"  # relative to the config file, not the cwd


def test_search_order_current_folder_then_user_folder(homes):
    cwd, user_dir = homes
    with pytest.raises(MailConfigError) as e:
        find_config()
    assert str(cwd / "xlsuite.toml") in str(e.value) and str(user_dir / "xlsuite.toml") in str(e.value)
    user_dir.mkdir(parents=True)
    (user_dir / "xlsuite.toml").write_text(GOOD.replace("gkb@", "user@"), encoding="utf-8")
    assert load_config().sender == "user@example.gov.cn"
    (cwd / "xlsuite.toml").write_text(GOOD, encoding="utf-8")
    cfg = load_config()
    assert cfg.sender == "gkb@example.gov.cn" and cfg.source == cwd / "xlsuite.toml"
    assert cfg.outbox == cwd / "outbox"


def test_explicit_config_must_exist(homes):
    with pytest.raises(MailConfigError, match="找不到邮件配置文件：.*none.toml"):
        load_config("none.toml")


def test_windows_user_folder_is_appdata(monkeypatch, tmp_path):
    from xlsuite.mail.config import user_config_dir
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path))
    assert user_config_dir() == tmp_path / "xlsuite"


@pytest.mark.parametrize("change,message", [
    ('security = "ssl"', "smtp.security 应为 none、starttls 或 ssl 之一，现为 'tls'"),
    ("port = 465", "smtp.port 应为 1-65535 的整数，现为 '465'"),
    ('sender = "gkb@example.gov.cn"', "缺少发件人地址 smtp.sender"),
    ('to = ["city-gkb@example.gov.cn"]', "send.to 中的 'city-gkb' 不是邮件地址"),
    ('user = "gkb"', "不能写密码"),
])
def test_bad_settings_say_which_key(tmp_path, change, message):
    bad = {'security = "ssl"': 'security = "tls"', "port = 465": 'port = "465"',
           'sender = "gkb@example.gov.cn"': 'sender = ""', 'to = ["city-gkb@example.gov.cn"]': 'to = ["city-gkb"]',
           'user = "gkb"': 'user = "gkb"\npassword = "hunter2"'}[change]
    p = tmp_path / "xlsuite.toml"
    p.write_text(GOOD.replace(change, bad), encoding="utf-8")
    with pytest.raises(MailConfigError) as e:
        load_config(p)
    assert message in str(e.value) and str(p) in str(e.value)
    assert "hunter2" not in str(e.value)


def test_broken_toml_names_the_file(tmp_path):
    p = tmp_path / "xlsuite.toml"
    p.write_text("[smtp\nhost=", encoding="utf-8")
    with pytest.raises(MailConfigError, match="格式错误"):
        load_config(p)


def test_defaults_port_by_security_and_single_address():
    cfg = parse_config({"smtp": {"host": "h", "security": "starttls", "sender": "a@b.cn"}, "send": {"to": "c@d.cn"}})
    assert (cfg.port, cfg.to, cfg.user, cfg.timeout) == (587, ("c@d.cn",), "", 30.0)


def test_password_from_environment_first(monkeypatch, memory_keyring):
    cfg = parse_config(tomllib_loads(GOOD))
    memory_keyring.set_password(cfg.keyring_service, "gkb", "from-keyring")
    monkeypatch.setenv(PASSWORD_ENV, "from-env")
    assert get_password(cfg) == "from-env"
    monkeypatch.delenv(PASSWORD_ENV)
    assert get_password(cfg) == "from-keyring"
    assert cfg.keyring_service == "xlsuite-smtp:smtp.example.gov.cn"
    assert "from-keyring" not in repr(cfg)


def test_no_password_anywhere_is_none(monkeypatch, memory_keyring):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    assert get_password(parse_config(tomllib_loads(GOOD))) is None


def tomllib_loads(text):
    import tomllib
    return tomllib.loads(text)


@pytest.fixture
def memory_keyring():
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1

        def __init__(self):
            self.store = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    before = keyring.get_keyring()
    backend = Memory()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)
