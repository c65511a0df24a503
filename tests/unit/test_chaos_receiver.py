"""The chaos bench's receiver follows the webhook contract: a repeat of an accepted delivery
id is answered 2xx and counted as re-sent, never as a second delivery."""

from __future__ import annotations

import hashlib
import hmac
import json

import aiohttp

from tests.benches import load_bench


async def _post(port: int, secret: str, delivery: str, alert_id: str) -> int:
    body = json.dumps(
        {"alert": {"id": alert_id, "revision": 1, "sources": [{"item_id": "item-1"}]}}
    ).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Vigie-Signature": signature, "X-Vigie-Delivery": delivery}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/hook", data=body, headers=headers) as response,
    ):
        return response.status


async def test_a_repeated_delivery_id_is_a_resend_and_a_new_id_a_duplicate() -> None:
    chaos = load_bench("chaos")
    receiver = chaos.ChaosReceiver()
    runner = await receiver.start()
    try:
        statuses = [
            await _post(receiver.port, chaos.SECRET, "d-1", "a-1"),
            await _post(receiver.port, chaos.SECRET, "d-1", "a-1"),
            await _post(receiver.port, chaos.SECRET, "d-2", "a-1"),
        ]
    finally:
        await runner.cleanup()
    assert statuses == [204, 204, 204]
    assert [a.delivery for a in receiver.accepted] == ["d-1", "d-2"]
    assert [a.delivery for a in receiver.resent] == ["d-1"]


def test_a_row_holds_only_with_resends_from_the_killed_alert_worker() -> None:
    chaos = load_bench("chaos")

    def row(fault: str, resent: int, duplicated: int = 0) -> object:
        return chaos.Row(fault, 25, 25, resent, duplicated, 1.0)

    assert row("alert worker", 1).held
    assert not row("stream worker", 1).held
    assert not row("alert worker", 0, duplicated=1).held
    assert not chaos.Row("redis", 25, 24, 0, 0, None).held
