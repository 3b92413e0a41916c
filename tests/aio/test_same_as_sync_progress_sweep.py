"""tests/waiter/test_progress_sweep.py, the very same tests, against the async client's
``wait_many`` and ``as_completed`` on the emulator: the sweep's display (terminal, plain
lines, pipe), drawn by the async loop, tidy when the async iterator is closed early."""

from __future__ import annotations

import pytest
from sync_facade import Stand, exclude, facade_loop, stand

import waiter.test_progress_sweep as sync_tests
from waiter.test_progress_sweep import *  # noqa: F403

__all__ = ["facade_loop", "stand"]

_DISPLAY = "the display alone, no wait: the same objects for both clients"
_CHILD = "runs the sync sweep in a child process on a pseudo-terminal (its program imports it)"

exclude(
    globals(),
    {
        "test_the_summary_line": _DISPLAY,
        "test_zero_counts_are_left_out": _DISPLAY,
        "test_the_final_summary_tells_the_time_taken_and_what_still_runs": _DISPLAY,
        "test_the_time_left_is_shown_only_if_it_fits": _DISPLAY,
        "test_a_summary_too_wide_for_the_terminal_is_cut": _DISPLAY,
        "test_an_ended_line_names_the_job_its_end_the_time_and_the_reason": _DISPLAY,
        "test_an_ended_line_cuts_the_reason_first_then_the_name": _DISPLAY,
        "test_a_terminal_keeps_one_line_per_end_above_a_live_summary": _DISPLAY,
        "test_an_ended_line_wipes_the_longer_summary_it_replaces": _DISPLAY,
        "test_terminal_lines_fit_the_width": _DISPLAY,
        "test_what_the_service_sends_is_shown_escaped": _DISPLAY,
        "test_a_terminal_that_cannot_encode_a_reason_gets_it_escaped": _DISPLAY,
        "test_line_mode_writes_one_line_per_end_and_a_final_summary": _DISPLAY,
        "test_silent_when_piped_unless_asked": _DISPLAY,
        "test_a_notebook_shows_one_table_updated_in_place": _DISPLAY,
        "test_the_notebook_table_escapes_html_and_control_characters": _DISPLAY,
        "test_a_big_sweep_shows_the_running_jobs_and_the_latest_ends": _DISPLAY,
        "test_a_big_sweep_keeps_room_for_the_latest_ends": _DISPLAY,
        "test_table_rows_always_fit_and_account_for_every_job": _DISPLAY,
        "test_a_notebook_kernel_gets_the_table": _DISPLAY,
        "test_summary_and_ended_lines_fit_any_width": _DISPLAY,
        "test_the_notebook_table_never_passes_markup_or_control_characters": _DISPLAY,
        "test_a_terminal_never_writes_past_its_width_or_a_control_character": _DISPLAY,
        "test_a_real_pseudo_terminal_gets_the_live_display": _CHILD,
    },
)


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)
