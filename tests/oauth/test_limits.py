"""Each installation is paced by its own limiter with Front's partner-app budget (120 per minute per
company), so one company's exhaustion never slows another's."""

from __future__ import annotations

import time

import pytest
import redis
from front_client.limiter import InProcessLimiter, LimiterTimeout, RateLimitPolicy, RedisLimiter
from front_client.oauth import PARTNER_APP_POLICY, FrontOAuth

from tests.oauth.conftest import Authorize
from tests.oauth.front_app import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI


def test_the_partner_app_budget_is_front_s_120_per_minute() -> None:
    assert (PARTNER_APP_POLICY.global_limit, PARTNER_APP_POLICY.window_seconds) == (120, 60.0)


def test_each_installation_has_its_own_limiter_with_the_partner_budget(
    oauth: FrontOAuth, authorize: Authorize, base_url: str
) -> None:
    authorize(oauth, "acme")
    authorize(oauth, "beta")
    acme, acme_again, beta = (oauth.client(name, base_url=base_url) for name in ("acme", "acme", "beta"))
    with acme, acme_again, beta:
        assert isinstance(acme.limiter, InProcessLimiter)
        assert acme.limiter is acme_again.limiter  # one budget per company, whatever the clients
        assert acme.limiter is not beta.limiter
        assert acme.limiter.policy is PARTNER_APP_POLICY


def test_an_exhausted_company_does_not_slow_another(authorize: Authorize, base_url: str) -> None:
    tiny = RateLimitPolicy(global_limit=2, window_seconds=60.0, learn_from_headers=False)
    oauth = FrontOAuth(
        CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=base_url, rate_limit_policy=tiny
    )
    authorize(oauth, "acme")
    authorize(oauth, "beta")
    with oauth.client("acme", base_url=base_url) as acme, oauth.client("beta", base_url=base_url) as beta:
        acme.request("GET", "/me")
        acme.request("GET", "/me")  # acme's budget for this minute is spent
        with pytest.raises(LimiterTimeout):
            oauth.limiter("acme").acquire("GET", "/me", timeout=0.2)

        started = time.monotonic()
        assert [beta.request("GET", "/me").status_code for _ in range(2)] == [200, 200]
        assert time.monotonic() - started < 5.0


def test_with_redis_each_installation_has_its_own_expiring_key(
    redis_url: str, authorize: Authorize, base_url: str
) -> None:
    with FrontOAuth(
        CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=base_url, redis_url=redis_url
    ) as oauth:
        authorize(oauth, "acme")
        authorize(oauth, "beta")
        acme, beta = oauth.limiter("acme"), oauth.limiter("beta")
        assert isinstance(acme, RedisLimiter) and isinstance(beta, RedisLimiter)
        assert acme.policy is PARTNER_APP_POLICY
        for name in ("acme", "beta"):
            with oauth.client(name, base_url=base_url) as front:
                front.request("GET", "/me")

    server = redis.Redis.from_url(redis_url, decode_responses=True)
    keys = sorted(str(key) for key in server.keys("*"))
    assert any(key.endswith("installation:acme") for key in keys), keys
    assert any(key.endswith("installation:beta") for key in keys), keys
    assert all(server.pttl(key) > 0 for key in keys)  # an idle installation's key goes away by itself
    server.close()
