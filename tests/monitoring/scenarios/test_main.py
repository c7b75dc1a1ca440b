from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.__main__ import main


def test_nothing_synthesized_exits_2(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "no monitoring stack" in capsys.readouterr().err


def test_a_run_prints_one_line_per_policy_and_the_summary(synth_dir, stacks, capsys):
    # The session's synth (fresh: --synth-if-stale would not synthesize again).
    code = main(["--synth-if-stale", str(synth_dir)])
    lines = capsys.readouterr().out.splitlines()
    per_env = {
        name.removesuffix("-monitoring"): len(load_policies(stack))
        for name, stack in stacks.items()
        if name.endswith("-monitoring")
    }
    policies = sum(per_env.values())
    assert len(lines) == policies + len(per_env) + 1
    for env, count in per_env.items():
        assert any(line.startswith(f"{env}: {count} policies, ") for line in lines)
    assert lines[-1].startswith(f"{policies} policies, ")
    assert lines[-1].endswith("all as expected"), [
        line for line in lines if line.startswith("FAIL")
    ]
    assert code == 0


def test_markdown_writes_the_reference_instead_of_running(synth_dir, tmp_path, capsys):
    target = tmp_path / "alert-scenarios.md"
    assert main(["--markdown", str(target), str(synth_dir)]) == 0
    assert target.read_text(encoding="utf-8").startswith("# Alert scenarios")
    assert capsys.readouterr().out.strip() == f"wrote {target}"
