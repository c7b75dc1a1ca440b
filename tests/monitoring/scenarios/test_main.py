from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.__main__ import main


def test_nothing_synthesized_exits_2(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "no monitoring stack" in capsys.readouterr().err


def test_a_run_prints_one_line_per_policy_and_the_summary(synth_dir, stacks, capsys):
    # The session's synth (fresh: --synth-if-stale would not synthesize again).
    code = main(["--synth-if-stale", str(synth_dir)])
    lines = capsys.readouterr().out.splitlines()
    policies = sum(
        len(load_policies(stack)) for name, stack in stacks.items() if name.endswith("-monitoring")
    )
    assert len(lines) == policies + 1
    assert lines[-1].startswith(f"{policies} policies, ")
    assert lines[-1].endswith("all as expected"), [
        line for line in lines if line.startswith("FAIL")
    ]
    assert code == 0
