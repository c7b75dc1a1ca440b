"""The offline interpreter itself: the Workflows semantics the workflow tests rely on."""

from __future__ import annotations

import pytest

from tests.workflows.emulator import Execution, Recorded, Unsupported, WorkflowError


def _run(source: str, routes: dict | None = None) -> object:
    return Execution(source, {"E": "e"}, Recorded(routes or {})).run()


def test_a_loop_updates_outer_variables_and_keeps_its_own_local():
    source = """
main:
  steps:
    - init:
        assign:
          - seen: []
    - loop:
        for:
          value: item
          in: [1, 2]
          steps:
            - inner:
                assign:
                  - local: ${item * 10}
                  - seen: ${list.concat(seen, local)}
    - done:
        return: ${seen}
"""
    assert _run(source) == [10, 20]


def test_except_binds_the_connectors_error_and_the_run_goes_on():
    source = """
main:
  steps:
    - attempt:
        try:
          call: googleapis.x.v1.get
          args: {name: "${sys.get_env(\\"E\\")}"}
        except:
          as: e
          steps:
            - caught:
                return: ${map.get(e, "code")}
"""
    assert _run(source, {"googleapis.x.v1.get": [(0, {"error": {"code": 404}})]}) == 404


def test_workflows_convert_nothing_implicitly():
    with pytest.raises(WorkflowError):
        _run('main:\n  steps:\n    - s:\n        return: ${"a" + 1}\n')


def test_syntax_the_interpreter_does_not_know_fails_the_test():
    with pytest.raises(Unsupported):
        _run("main:\n  steps:\n    - s:\n        parallel: {}\n")
    with pytest.raises(Unsupported):
        _run('main:\n  steps:\n    - s:\n        return: ${text.find_all("a", "b")}\n')
