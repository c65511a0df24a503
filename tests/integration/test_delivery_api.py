"""The subscriptions API against real Redis, through an ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from alerts.api import create_api

pytestmark = pytest.mark.integration

AUTH = {"Authorization": "Bearer t0ken"}


@pytest.fixture
async def api(redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_api(redis_url, "t0ken")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://vigie") as client:
        yield client


async def test_create_list_get_delete(api: httpx.AsyncClient) -> None:
    body = {
        "channel": "webhook+https://example.org/hook",
        "kinds": ["city_capture"],
        "countries": ["iq"],
        "secret": "s",
        "lang": "fr",
        "name": "ops",
    }
    created = await api.post("/subscriptions", json=body, headers=AUTH)
    assert created.status_code == 201
    subscription = created.json()
    assert subscription["countries"] == ["IQ"] and subscription["secret"] == "***"
    listed = await api.get("/subscriptions", headers=AUTH)
    assert [item["id"] for item in listed.json()] == [subscription["id"]]
    got = await api.get(f"/subscriptions/{subscription['id']}", headers=AUTH)
    assert got.json()["name"] == "ops"
    assert (
        await api.delete(f"/subscriptions/{subscription['id']}", headers=AUTH)
    ).status_code == 204
    assert (await api.get(f"/subscriptions/{subscription['id']}", headers=AUTH)).status_code == 404
    assert (
        await api.delete(f"/subscriptions/{subscription['id']}", headers=AUTH)
    ).status_code == 404


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "t0ken"}]
)
async def test_requires_the_bearer_token(api: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await api.get("/subscriptions", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "missing or wrong bearer token"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"channel": "ftp://example.org"}, "unknown channel scheme"),
        ({"channel": "webhook+https://x.org/h", "kinds": ["riot"]}, "kinds.0"),
        ({"channel": "webhook+https://x.org/h", "countries": ["France"]}, "ISO 3166"),
        ({"channel": "webhook+https://x.org/h", "min_killed": -1}, "min_killed"),
        ({"channel": "webhook+https://x.org/h", "lang": "de"}, "lang"),
        ({"channel": "smtp://mail.example.org"}, "needs recipients"),
        ({"kinds": ["city_capture"]}, "channel: Field required"),
        ({"channel": "webhook+https://x.org/h", "colour": "red"}, "colour: Extra inputs"),
    ],
)
async def test_bad_bodies_get_a_clear_422(
    api: httpx.AsyncClient, body: dict[str, object], expected: str
) -> None:
    response = await api.post("/subscriptions", json=body, headers=AUTH)
    assert response.status_code == 422
    assert expected in response.json()["detail"]


async def test_without_a_configured_token_the_api_is_off(redis_url: str) -> None:
    transport = httpx.ASGITransport(app=create_api(redis_url, None))
    async with httpx.AsyncClient(transport=transport, base_url="http://vigie") as client:
        response = await client.get("/subscriptions", headers=AUTH)
    assert response.status_code == 503


async def test_openapi_documents_the_routes(api: httpx.AsyncClient) -> None:
    # The schema itself is public-safe but behind the token like everything else.
    schema = (await api.get("/openapi.json", headers=AUTH)).json()
    assert {"/subscriptions", "/subscriptions/{subscription_id}", "/dead"} <= set(schema["paths"])
