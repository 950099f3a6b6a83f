"""The staff workspace's settings: the generated secret key, flags and numbers, and the settings
an admin changes in the workspace."""
from __future__ import annotations

import stat

import pytest

from bot import settings
from bot.staff import config


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "var_dir", lambda: tmp_path)
    monkeypatch.delenv("STAFF_SECRET_KEY", raising=False)
    return tmp_path


def test_an_empty_secret_key_is_generated_once_into_var(var, monkeypatch):
    key = config.secret_key()
    path = var / "staff-secret-key"
    assert len(key) >= 60 and path.read_text() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.secret_key() == key                   # the same one next time
    monkeypatch.setenv("STAFF_SECRET_KEY", "x" * 40)
    assert config.secret_key() == "x" * 40
    monkeypatch.setenv("STAFF_SECRET_KEY", "too short")
    with pytest.raises(config.ConfigError, match="STAFF_SECRET_KEY: use at least 32"):
        config.secret_key()


def test_a_damaged_key_file_is_an_error_not_a_weak_key(var):
    (var / "staff-secret-key").write_text("abc")
    with pytest.raises(config.ConfigError, match="delete the file"):
        config.secret_key()


@pytest.mark.parametrize("value,expected", [("true", True), ("1", True), ("yes", True),
                                            ("false", False), ("0", False), ("", False)])
def test_flags(monkeypatch, value, expected):
    monkeypatch.setenv("STAFF_SECURE_COOKIES", value)
    assert config.flag("STAFF_SECURE_COOKIES") is expected


def test_bad_settings_are_named(monkeypatch):
    monkeypatch.setenv("STAFF_SECURE_COOKIES", "maybe")
    with pytest.raises(config.ConfigError, match="STAFF_SECURE_COOKIES: expected true or false"):
        config.flag("STAFF_SECURE_COOKIES")
    monkeypatch.setenv("STAFF_PORT", "eighty")
    with pytest.raises(config.ConfigError, match="STAFF_PORT: expected a whole number"):
        config.integer("STAFF_PORT", 1, 65535)
    monkeypatch.setenv("STAFF_PORT", "70000")
    with pytest.raises(config.ConfigError, match="from 1 to 65535"):
        config.integer("STAFF_PORT", 1, 65535)


def test_the_number_of_homes_is_not_set_by_default(store, clock, monkeypatch):
    monkeypatch.delenv("STAFF_HOMES", raising=False)
    with store.write() as db:
        assert config.get_editable(db, "homes") is None
        assert config.set_editable(db, "homes", "2,500", actor="staff:ann", now=clock()) == 2500
    with store.write() as db:
        assert config.get_editable(db, "homes") == 2500
        assert config.set_editable(db, "homes", "", actor="staff:ann", now=clock()) is None


def test_settings_an_admin_changes_win_over_the_environment(store, clock, monkeypatch):
    monkeypatch.setenv("STAFF_HOMES", "1200")
    with store.write() as db:
        assert config.get_editable(db, "homes") == 1200 and not config.is_overridden(db, "homes")
        assert config.set_editable(db, "homes", "3,400", actor="staff:ann", now=clock()) == 3400
        assert config.set_editable(db, "low_confidence", "45%", actor="staff:ann",
                                   now=clock()) == pytest.approx(0.45)
        with pytest.raises(config.ConfigError, match="whole number"):
            config.set_editable(db, "homes", "many", actor="staff:ann", now=clock())
        with pytest.raises(config.ConfigError, match="at most 1"):
            config.set_editable(db, "low_confidence", "2", actor="staff:ann", now=clock())
    with store.write() as db:
        assert config.get_editable(db, "homes") == 3400 and config.is_overridden(db, "homes")
        assert config.set_editable(db, "homes", "", actor="staff:ann", now=clock()) == 1200
    with store.read() as db:
        assert config.get_editable(db, "homes") == 1200
