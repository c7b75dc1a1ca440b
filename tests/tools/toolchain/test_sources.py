"""Which CLI runs and where each provider comes from (the choice, not the build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pace_infra.tools.toolchain.pins import PROVIDERS
from pace_infra.tools.toolchain.sources import (
    ChoiceError,
    choose_cli,
    cli_config,
    parse_mode,
    provider_sources,
)


class Probe:
    """A registry probe that records how often it was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer, self.calls = answer, 0

    def __call__(self) -> bool:
        self.calls += 1
        return self.answer


def _built(*names: str):
    return lambda provider: provider.name in names


@pytest.mark.parametrize("value", [None, "", "auto"])
def test_mode_defaults_to_auto(value):
    assert parse_mode(value) == "auto"


def test_an_unknown_mode_is_one_line_naming_the_variable():
    with pytest.raises(ChoiceError, match=r"^PACE_PROVIDERS: 'mirror' is not one of auto, build"):
        parse_mode("mirror")


def test_auto_uses_built_providers_and_never_probes_the_registry_when_all_are_built():
    probe = Probe(True)
    sources = provider_sources("auto", PROVIDERS, _built(*(p.name for p in PROVIDERS)), probe)
    assert set(sources.values()) == {"mirror"}
    assert probe.calls == 0


def test_auto_takes_unbuilt_providers_from_a_reachable_registry_without_go():
    probe = Probe(True)
    sources = provider_sources("auto", PROVIDERS, _built("google"), probe)
    assert sources == {
        "google": "mirror",
        "kubernetes": "registry",
        "helm": "registry",
        "pagerduty": "registry",
    }
    assert probe.calls == 1  # asked once, not once per provider


def test_auto_builds_unbuilt_providers_when_the_registry_is_out_of_reach():
    sources = provider_sources("auto", PROVIDERS, _built("google"), Probe(False))
    assert sources["google"] == "mirror"
    assert {sources[n] for n in ("kubernetes", "helm", "pagerduty")} == {"build"}


def test_build_mode_never_asks_the_registry():
    probe = Probe(True)
    sources = provider_sources("build", PROVIDERS, _built(), probe)
    assert set(sources.values()) == {"build"}
    assert probe.calls == 0


def test_registry_mode_ignores_built_providers():
    sources = provider_sources("registry", PROVIDERS, _built("google"), Probe(False))
    assert set(sources.values()) == {"registry"}


def _which(found: dict[str, str]):
    return found.get


def test_the_machines_terraform_is_preferred():
    choice = choose_cli(None, _which({"terraform": "/usr/bin/terraform", "tofu": "/usr/bin/tofu"}))
    assert (choice.kind, choice.path) == ("terraform", "/usr/bin/terraform")
    assert choice.registry_host == "registry.terraform.io"


def test_without_terraform_opentofu_is_built():
    choice = choose_cli(None, _which({}))
    assert (choice.kind, choice.path) == ("tofu", None)
    assert choice.registry_host == "registry.opentofu.org"


def test_tofu_can_be_asked_for_and_is_taken_from_path_when_there():
    assert choose_cli("tofu", _which({"tofu": "/opt/tofu"})).path == "/opt/tofu"
    assert choose_cli("tofu", _which({"terraform": "/usr/bin/terraform"})).path is None


def test_a_cli_that_is_neither_terraform_nor_tofu_is_refused():
    with pytest.raises(ChoiceError, match=r"^PACE_TF_CLI: 'pulumi' is neither"):
        choose_cli("pulumi", _which({}))


def test_asking_for_terraform_where_there_is_none_is_refused():
    with pytest.raises(ChoiceError, match=r"^PACE_TF_CLI: terraform is not on PATH"):
        choose_cli("terraform", _which({}))


def test_cli_config_installs_only_the_planned_providers(tmp_path):
    mirror, external = tmp_path / "mirror", tmp_path / "external"
    text = cli_config(
        {"hashicorp/google": mirror, "pagerduty/pagerduty": external},
        ["hashicorp/helm"],
        host="registry.terraform.io",
        plugin_cache=tmp_path / "plugins",
    )
    google, pagerduty = (
        f'["registry.terraform.io/{a}"]' for a in ("hashicorp/google", "pagerduty/pagerduty")
    )
    assert f'path    = "{mirror}"\n    include = {google}' in text
    assert f'path    = "{external}"\n    include = {pagerduty}' in text
    assert 'direct {\n    include = ["registry.terraform.io/hashicorp/helm"]' in text
    assert "kubernetes" not in text  # neither mirrored nor from the registry: not installable
    assert f'plugin_cache_dir   = "{tmp_path / "plugins"}"' in text


def test_cli_config_without_registry_providers_has_no_direct_block(tmp_path):
    text = cli_config(
        {"hashicorp/google": Path("/m")}, [], host="registry.opentofu.org", plugin_cache=tmp_path
    )
    assert "direct" not in text
    assert '"registry.opentofu.org/hashicorp/google"' in text


def test_cli_path_prints_only_a_runnable_cli(capsys):
    import os

    from pace_infra.tools.toolchain.setup import main

    assert main(["--cli-path"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert os.access(line, os.X_OK) and os.path.basename(line).startswith(("terraform", "tofu"))
