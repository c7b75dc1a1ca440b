"""`make bench`: its arithmetic and its probe of the binding modules (timing is not a test)."""

from __future__ import annotations

from pace_infra.tools.bench import BenchResult, binding_modules, summarize


def test_summary_uses_medians_and_their_ratios():
    result = summarize([10.0, 30.0, 11.0], [8.0, 9.0, 100.0], [5.0, 6.0, 60.0])
    assert (result.synth_median_s, result.floor_median_s, result.validate_median_s) == (
        11.0,
        9.0,
        6.0,
    )
    assert round(result.ratio, 3) == round(11 / 9, 3)
    assert round(result.validate_ratio, 3) == round(6 / 11, 3)


def test_report_says_whether_each_target_is_met():
    assert "ratio: 1.200 (within the 1.3 target)" in BenchResult(12.0, 10.0, 6.0).report()
    assert "ratio: 1.400 (OVER the 1.3 target)" in BenchResult(14.0, 10.0, 6.0).report()
    assert "validate / synth: 0.500 (within the 1.5 target)" in BenchResult(12, 10, 6).report()
    assert "validate / synth: 2.000 (OVER the 1.5 target)" in BenchResult(12, 10, 24).report()


def test_floor_imports_the_provider_bindings_the_app_uses():
    modules = binding_modules()
    assert "cdktf" in modules
    assert any(m.startswith("cdktf_cdktf_provider_google.") for m in modules)
    assert not any(m.startswith("pace_infra") for m in modules)


def test_floor_includes_the_modules_of_every_stack_the_registry_builds():
    # The app imports its stack classes only when it builds (units.REGISTRY names them): a probe
    # that only imports pace_infra.app would miss most bindings and flatter the ratio.
    modules = set(binding_modules())
    for module in (
        "cdktf_cdktf_provider_google.sql_database_instance",  # databases
        "cdktf_cdktf_provider_google.monitoring_alert_policy",  # monitoring
        "cdktf_cdktf_provider_helm.release",  # platform
        "cdktf_cdktf_provider_pagerduty.provider",  # oncall
    ):
        assert module in modules, module
