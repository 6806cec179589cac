from __future__ import annotations

import json
from pathlib import Path

import front_client
import pytest
from front_client.tiers import Tier, TierTable, load_tier_table, normalize_path, tier_for


@pytest.mark.parametrize(
    ("method", "path", "tier"),
    [
        ("POST", "/exports", "1"),
        ("post", "/exports/", "1"),
        ("POST", "/exports?foo=bar", "1"),
        ("POST", "https://api2.frontapp.com/teams/tim_1/exports?x=1", "1"),
        ("GET", "/exports", None),
        ("POST", "/exports/exp_1", None),
        ("PATCH", "/conversations/cnv_1", "2"),
        ("PATCH", "/conversations/cnv_1/", "2"),
        ("PATCH", "/conversations", None),
        ("PATCH", "/conversations/cnv_1/extra", None),
        ("PATCH", "/conversations//", None),
        ("PUT", "/conversations/cnv_1/assignee", "2"),
        ("POST", "/channels/cha_1/messages", "2"),
        ("POST", "/inboxes/inb_1/imported_messages", "2"),
        ("GET", "/teammates/tea_1", None),
        ("PATCH", "/teammates/tea_1", "2"),
    ],
)
def test_tier_for_matches_segment_wise(method: str, path: str, tier: str | None) -> None:
    found = tier_for(method, path)
    assert (found.name if found else None) == tier


def test_default_rates_and_shape() -> None:
    table = load_tier_table()
    assert table.tiers["1"] == Tier("1", 1, 1.0)
    assert table.tiers["2"] == Tier("2", 3, 1.0)
    raw = json.loads(Path(front_client.__file__).with_name("tiers.json").read_text())
    assert set(raw) >= {"tiers", "routes"}
    assert len(table.routes) == len(raw["routes"])
    assert TierTable.from_dict(table.to_dict()).to_dict() == table.to_dict()


def test_with_rates_overrides_only_named_tiers() -> None:
    table = load_tier_table().with_rates({"2": (6, 0.5)})
    assert table.tier_for("PATCH", "/conversations/c") == Tier("2", 6, 0.5)
    assert table.tier_for("POST", "/exports") == Tier("1", 1, 1.0)


def test_load_from_path_and_unknown_tier(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(
        json.dumps(
            {
                "tiers": {"9": {"requests": 2, "per_seconds": 3}},
                "routes": [{"method": "get", "path": "/a/{b}", "tier": 9}],
            }
        )
    )
    table = load_tier_table(path)
    assert table.tier_for("GET", "/a/x") == Tier("9", 2, 3.0)
    path.write_text(json.dumps({"tiers": {}, "routes": [{"method": "GET", "path": "/a", "tier": 1}]}))
    with pytest.raises(ValueError, match="unknown tier"):
        load_tier_table(path)


@pytest.mark.parametrize(("raw", "normal"), [("/a/b/", "/a/b"), ("", "/"), ("/", "/"), ("a?x=/y", "/a")])
def test_normalize_path(raw: str, normal: str) -> None:
    assert normalize_path(raw) == normal
