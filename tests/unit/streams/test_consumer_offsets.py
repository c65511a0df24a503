"""The pure decision of offset healing: a position beyond the log end, confirmed twice."""

from __future__ import annotations

import logging

from streams.consumer_offsets import BeyondLogEnd, Stranded


def test_a_position_beyond_the_log_end_is_stranded_on_the_second_observation() -> None:
    detector: BeyondLogEnd[str] = BeyondLogEnd(confirmations=2)
    assert detector.observe({"a": (48, 3), "b": (5, 5)}) == []
    assert detector.observe({"a": (48, 3), "b": (5, 5)}) == [Stranded("a", 48, 3)]


def test_a_position_at_or_before_the_log_end_is_never_stranded() -> None:
    detector: BeyondLogEnd[str] = BeyondLogEnd(confirmations=1)
    for _ in range(3):
        assert detector.observe({"caught-up": (5, 5), "behind": (2, 9)}) == []


def test_unknown_numbers_and_one_healthy_answer_reset_the_count() -> None:
    detector: BeyondLogEnd[str] = BeyondLogEnd(confirmations=2)
    assert detector.observe({"a": (48, 3)}) == []
    assert detector.observe({"a": (48, None)}) == []
    assert detector.observe({"a": (48, 3)}) == []
    assert detector.observe({"a": (3, 3)}) == []
    assert detector.observe({"a": (48, 3)}) == []
    assert detector.observe({"a": (48, 3)}) == [Stranded("a", 48, 3)]


def test_a_revoked_partition_and_a_healed_one_start_afresh() -> None:
    detector: BeyondLogEnd[str] = BeyondLogEnd(confirmations=2)
    detector.observe({"a": (48, 3), "b": (9, 1)})
    detector.observe({"b": (9, 1)})
    detector.healed("b")
    assert detector.observe({"a": (48, 3), "b": (9, 1)}) == []


def test_aiokafka_out_of_range_resets_are_counted_once_per_line() -> None:
    from aiokafka import TopicPartition

    from streams.consumer_offsets import AIOKAFKA_FETCHER_LOGGER, OFFSET_RESETS, count_kafka_resets

    counter = count_kafka_resets("unit-group")
    assert count_kafka_resets("unit-group") is counter
    before = OFFSET_RESETS.labels("unit-group", "vigie.alerts", "2")._value.get()
    logger = logging.getLogger(AIOKAFKA_FETCHER_LOGGER)
    # The line aiokafka writes when Apache Kafka answers OffsetOutOfRange.
    logger.info(
        "Fetch offset %s is out of range for partition %s, resetting offset",
        48,
        TopicPartition("vigie.alerts", 2),
    )
    logger.info("Unrelated line %s %s", 1, 2)
    after = OFFSET_RESETS.labels("unit-group", "vigie.alerts", "2")._value.get()
    assert after - before == 1
