"""The command line: every subcommand registered, global options on either side."""

from __future__ import annotations

import pytest

from vigie.cli import COMMANDS, build_parser, main


def test_every_command_is_registered() -> None:
    parser = build_parser()
    help_text = parser.format_help()
    for name in COMMANDS:
        assert name in help_text


@pytest.mark.parametrize(
    "argv",
    [["--data-dir", "/tmp/x", "up", "--demo"], ["up", "--demo", "--data-dir", "/tmp/x"]],
)
def test_data_dir_before_or_after_the_subcommand(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert args.data_dir == "/tmp/x" and args.demo


def test_up_contract_options() -> None:
    args = build_parser().parse_args(["up", "--run-for", "90", "--feeds", "f.yaml"])
    assert args.run_for == 90.0 and str(args.feeds) == "f.yaml" and not args.demo


def test_up_refuses_a_missing_feeds_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["--data-dir", str(tmp_path), "up", "--feeds", str(tmp_path / "none.yaml")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_subcommand_help_lists_the_data_dir(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["up", "--help"])
    assert "--data-dir" in capsys.readouterr().out
