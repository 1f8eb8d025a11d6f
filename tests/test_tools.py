"""The test harness's own pieces: a kernel start that gets one more try when the kernel dies at birth."""

from __future__ import annotations

import inspect

import nbval.kernel
import pytest

from .tools import retrying_kernel_start


def starts(*outcomes: object):
    """A stand-in for nbval's kernel start that gives (or raises) `outcomes` in turn, and counts calls."""
    calls = []

    def start(*args: object, **kwargs: object) -> object:
        calls.append((args, kwargs))
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return start, calls


def test_a_kernel_that_dies_as_it_starts_gets_one_more_try_and_a_warning():
    start, calls = starts(RuntimeError("Kernel died before replying to kernel_info"), "kernel")
    with pytest.warns(UserWarning, match="a kernel died as it started"):
        assert retrying_kernel_start(start)(kernel_name="python3") == "kernel"
    assert calls == [((), {"kernel_name": "python3"})] * 2


def test_a_second_death_and_any_other_error_are_raised():
    start, calls = starts(*[RuntimeError("Kernel died before replying to kernel_info")] * 2)
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="died"):
        retrying_kernel_start(start)()
    assert len(calls) == 2
    start, calls = starts(RuntimeError("Kernel didn't respond in 60 seconds"))
    with pytest.raises(RuntimeError, match="respond"):
        retrying_kernel_start(start)()
    assert len(calls) == 1


def test_nbval_starts_its_kernels_through_the_retry():
    started = nbval.kernel.start_new_kernel
    assert started.__code__ is not inspect.unwrap(started).__code__  # RunningKernel calls it by this name
