"""The access log line carries the status actually sent, also when a middleware's error was answered outside it."""

from __future__ import annotations

from typing import Any

import pytest

from pdp.web import observability
from tests.conftest import TenantFixture
from tests.factories import provider_payload


class _Recorder:
    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def info(self, event: str, **fields: Any) -> None:
        self.lines.append({"event": event, **fields})


@pytest.fixture
def access_log(monkeypatch: pytest.MonkeyPatch) -> _Recorder:
    # The configured logger filters below warning in tests and caches itself: record the calls instead.
    recorder = _Recorder()
    monkeypatch.setattr(observability, "log", recorder)
    return recorder


def _status_logged(recorder: _Recorder, response: Any) -> Any:
    request_id = response.headers["x-request-id"]
    [line] = [line for line in recorder.lines if line["request_id"] == request_id]
    assert line["event"] == "http.request"
    return line["status"]


async def test_errors_raised_by_middleware_are_logged_with_their_status(
    client: Any, tenant: TenantFixture, access_log: _Recorder
) -> None:
    missing_key = await client.get("/v1/me")
    assert missing_key.status_code == 401
    assert _status_logged(access_log, missing_key) == 401

    headers = {**tenant.headers, "Idempotency-Key": "access-log-1"}
    assert (await client.post("/v1/providers", json=provider_payload(), headers=headers)).status_code == 201
    reused = await client.post("/v1/providers", json=provider_payload(), headers=headers)
    assert reused.status_code == 409
    assert _status_logged(access_log, reused) == 409

    forged = await client.post("/portal/mandates/accept/whatever", data={"full_name": "Jeanne Dupont"})
    assert forged.status_code == 403
    assert _status_logged(access_log, forged) == 403


async def test_a_success_and_an_unknown_route_are_logged_once(
    client: Any, tenant: TenantFixture, access_log: _Recorder
) -> None:
    me = await client.get("/v1/me", headers=tenant.headers)
    assert me.status_code == 200
    assert _status_logged(access_log, me) == 200
    unknown = await client.get("/v1/no-such-route", headers=tenant.headers)
    assert unknown.status_code == 404
    assert _status_logged(access_log, unknown) == 404
