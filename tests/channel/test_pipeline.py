"""The Channel API goes through the same pipeline as the Core API: its own pin and patches, one table."""

from __future__ import annotations

import json
from pathlib import Path

import front_channel_api.types
import pytest
import yaml

from tools import fetch_spec, generate, patch_spec
from tools.apis import APIS, SHARED_SPECS

CHANNEL = APIS["channel"]


def shared_channel_spec() -> bytes:
    if not CHANNEL.shared_spec.is_file():
        pytest.skip(f"{CHANNEL.shared_spec} is absent (../shared/front-api-specs)")
    return CHANNEL.shared_spec.read_bytes()


def test_each_api_has_its_pin_its_patches_and_its_package() -> None:
    assert {name: api.package for name, api in APIS.items()} == {
        "core": "front_core_api",
        "channel": "front_channel_api",
    }
    for api in APIS.values():
        pin = fetch_spec.load_pin(api.pin_file)
        assert pin["path"].endswith("/" + api.spec_file) and api.patches_file.is_file()
        assert api.patched_spec().name == api.spec_file.replace(".json", ".patched.json")
    assert CHANNEL.pin_file != APIS["core"].pin_file


def test_the_channel_pin_is_the_file_source_md_lists() -> None:
    data = shared_channel_spec()
    pin = fetch_spec.load_pin(CHANNEL.pin_file)
    assert fetch_spec.sha256_of(data) == pin["sha256"]
    assert f"| {CHANNEL.spec_file} | {pin['path']} | {pin['commit']} | {pin['date']} | {pin['sha256']} |" in (
        SHARED_SPECS / "SOURCE.md"
    ).read_text(encoding="utf-8")


def test_every_channel_patch_still_matches_the_pinned_spec() -> None:
    spec = json.loads(shared_channel_spec())
    overlay = yaml.safe_load(CHANNEL.patches_file.read_text(encoding="utf-8"))
    tiers = json.loads(patch_spec.TIERS_FILE.read_text(encoding="utf-8"))
    patched, results, tiered = patch_spec.patch(spec, overlay, tiers)
    assert {r.action_id: r.matched > 0 for r in results} == {r.action_id: True for r in results}
    assert tiered == 2  # inbound and outbound messages
    body = patched["paths"]["/channels/{channel_id}/inbound_messages"]["post"]
    assert body["requestBody"]["required"] is True
    assert "default" not in body["parameters"][0]["schema"]


def test_without_shared_the_pinned_channel_file_is_downloaded_and_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = shared_channel_spec()
    asked: list[str] = []

    def download(url: str) -> bytes:
        asked.append(url)
        return data

    monkeypatch.setattr(fetch_spec, "_download", download)
    pin = fetch_spec.load_pin(CHANNEL.pin_file)
    absent = tmp_path / "shared" / "absent.json"  # a folder of its own: no other spec file to find there
    fetched = fetch_spec.fetch(tmp_path / "out.json", pin_file=CHANNEL.pin_file, shared_spec=absent)
    assert fetched.is_pinned and (tmp_path / "out.json").read_bytes() == data
    assert asked == [
        f"https://raw.githubusercontent.com/frontapp/front-api-specs/{pin['commit']}/channel-api/channel-api.json"
    ]

    monkeypatch.setattr(fetch_spec, "_download", lambda url: data + b" ")
    with pytest.raises(fetch_spec.SpecSourceError, match=r"spec/channel/pin\.json pins"):
        fetch_spec.fetch(tmp_path / "out2.json", pin_file=CHANNEL.pin_file, shared_spec=absent)


def test_the_generator_config_names_the_package(tmp_path: Path) -> None:
    config = yaml.safe_load(
        generate.write_config(generate.CONFIG, "front_channel_api", tmp_path / "c.yaml").read_text()
    )
    assert (config["package_name_override"], config["project_name_override"]) == (
        "front_channel_api",
        "front-channel-api",
    )
    assert config["literal_enums"] is True  # the rest of templates/config.yaml is kept


def test_the_generated_package_logs_drift_under_its_own_name() -> None:
    assert front_channel_api.types._drift_logger.name == "front_channel_api.drift"
