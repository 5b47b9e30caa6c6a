"""Incremental windows and configuration from the environment."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest

from extract._config import ConfigError, Secret, SourceConfig, account_key, read_environment
from extract._windows import WindowStore

TODAY = date(2026, 11, 23)


def test_first_run_then_incremental_with_overlap(paths):
    store = WindowStore(paths, "tiktok")
    first = store.window("zone.a0", overlap_days=3, first_run_days=30, today=TODAY)
    assert (first.start, first.end, first.reason) == (
        date(2026, 10, 24),
        date(2026, 11, 22),
        "first_run",
    )
    assert first.days == 30
    store.commit("zone.a0", last_fetched=first.end, cursor={"page": "x"}, run_id="r1")
    later = store.window("zone.a0", overlap_days=3, first_run_days=30, today=date(2026, 11, 30))
    assert (later.start, later.end, later.reason) == (
        date(2026, 11, 19),
        date(2026, 11, 29),
        "incremental",
    )
    assert store.read("zone.a0")["cursor"] == {"page": "x"}
    other = store.window("other", overlap_days=3, first_run_days=30, today=TODAY)
    assert other.reason == "first_run"  # state is per account


def test_since_overrides_the_saved_state_and_refuses_the_future(paths):
    store = WindowStore(paths, "spotify")
    store.commit("a", last_fetched=date(2026, 11, 20))
    window = store.window(
        "a", overlap_days=3, first_run_days=30, since=date(2026, 1, 1), today=TODAY
    )
    assert (window.start, window.end, window.reason) == (
        date(2026, 1, 1),
        date(2026, 11, 22),
        "since",
    )
    with pytest.raises(ConfigError, match="after yesterday"):
        store.window("a", overlap_days=3, first_run_days=30, since=TODAY, today=TODAY)


def test_commits_are_atomic_and_concurrent_accounts_are_all_kept(paths):
    store = WindowStore(paths, "meta_ads")
    threads = [
        threading.Thread(target=store.commit, args=(f"act_{i}",), kwargs={"last_fetched": TODAY})
        for i in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    data = json.loads(store.path.read_text())
    assert sorted(data["accounts"]) == sorted(f"act_{i}" for i in range(12))
    assert [p.name for p in store.path.parent.iterdir()] == ["meta_ads.json"]  # no temp left


def test_a_corrupt_state_file_says_how_to_recover(paths):
    store = WindowStore(paths, "linktree")
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text("{not json")
    with pytest.raises(ConfigError, match="delete it to start linktree afresh"):
        store.window("a", overlap_days=1, first_run_days=1, today=TODAY)


def test_config_per_account_overrides_and_defaults():
    env = {
        "LAKE_TIKTOK_ACCOUNTS": "zone.a0, blue-frog ,zone.a0",
        "LAKE_TIKTOK_USERNAME": "label@example.com",
        "LAKE_TIKTOK_PASSWORD": "shared-pass",
        "LAKE_TIKTOK__BLUE_FROG_PASSWORD": "frog-pass",
        "LAKE_TIKTOK_BASE_URL": "http://127.0.0.1:5000/tiktok/",
        "LAKE_TIKTOK_OTP_FILE": "/tmp/code.txt",
    }
    config = SourceConfig.from_env("tiktok", env)
    assert config.accounts == ("zone.a0", "blue-frog")
    assert config.base_url == "http://127.0.0.1:5000/tiktok"
    zone, frog = config.credentials("zone.a0"), config.credentials("blue-frog")
    assert zone.password.reveal() == "shared-pass" and frog.password.reveal() == "frog-pass"
    assert frog.username == "label@example.com" and str(frog.otp_file) == "/tmp/code.txt"
    assert sorted(config.secrets()) == ["frog-pass", "shared-pass"]
    assert account_key("zone.a0") == "ZONE_A0"
    default = SourceConfig.from_env("meta_ads", {})
    assert default.accounts == ("default",) and default.base_url is None
    with pytest.raises(ConfigError, match="set LAKE_META_ADS_TOKEN"):
        default.credentials("default").require("token")


def test_secrets_never_show_in_text():
    secret = Secret("p@ss-w0rd")
    assert str(secret) == repr(secret).replace("Secret('", "").replace("')", "") == "***"
    assert f"{secret}" == "***" and "p@ss" not in repr({"k": secret})
    assert secret.reveal() == "p@ss-w0rd"


def test_dotenv_in_the_working_directory_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("LAKE_YOUTUBE_TOKEN=from-dotenv\nLAKE_YOUTUBE_ACCOUNTS=chan\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAKE_YOUTUBE_ACCOUNTS", "from-env")
    env = read_environment()
    assert env["LAKE_YOUTUBE_TOKEN"] == "from-dotenv"
    assert env["LAKE_YOUTUBE_ACCOUNTS"] == "from-env"
