"""tests/waiter/test_progress.py, the very same tests, against the async client's wait: the
single job's display (terminal, pipe, notebook), drawn by the async loop on a scripted job
(:meth:`~sync_facade.Stand.scripted`), with its real sleep in one-second ticks."""

from __future__ import annotations

import pytest
from sync_facade import Stand, exclude, facade_loop, stand

import waiter.test_progress as sync_tests
from optjob_sdk import waiting
from optjob_sdk.aio import waiting as aio_waiting
from waiter.test_progress import *  # noqa: F403

__all__ = ["facade_loop", "stand"]

_DISPLAY = "the display alone, no wait: the same objects for both clients"
_CHILD = "runs the sync wait in a child process on a pseudo-terminal (its program imports it)"

exclude(
    globals(),
    {
        "test_a_terminal_line_is_updated_in_place": _DISPLAY,
        "test_a_shorter_frame_wipes_the_longer_one_before_it": _DISPLAY,
        "test_frames_fit_the_terminal_width_shortening_the_name_first": _DISPLAY,
        "test_render_fits_a_width": _DISPLAY,
        "test_a_status_change_keeps_the_previous_line": _DISPLAY,
        "test_a_pause_ticks_in_steps_of_a_second_at_most": _DISPLAY,
        "test_silent_unless_a_terminal_or_asked": _DISPLAY,
        "test_render_formats_hours": _DISPLAY,
        "test_a_notebook_display_is_updated_in_place": _DISPLAY,
        "test_notebook_kernel_detection": _DISPLAY,
        "test_a_real_pseudo_terminal_gets_the_in_place_display": _CHILD,
        "test_the_terminal_width_comes_from_columns_or_the_terminal": _DISPLAY,
        "test_render_escapes_control_characters": _DISPLAY,
        "test_render_escapes_at_every_width": _DISPLAY,
        "test_terminal_and_line_displays_write_no_control_characters": _DISPLAY,
        "test_a_notebook_display_shows_escaped_text": _DISPLAY,
        "test_render_is_always_one_printable_line": _DISPLAY,
    },
)


@pytest.fixture(autouse=True)
def _async_loop(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "wait_for_job", stand.wait_for_job)

    async def real_sleep(seconds: float) -> None:
        # The async loop's real sleep is the sync loop's, as the test set it (a recorder).
        waiting._real_sleep(seconds)

    monkeypatch.setattr(aio_waiting, "_real_sleep", real_sleep)
