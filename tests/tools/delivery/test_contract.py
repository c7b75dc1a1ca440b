"""contract: the names the platform side must match, derived from the environment files."""

from __future__ import annotations

import pytest

from pace_infra.tools.delivery import contract
from pace_infra.tools.delivery.contract import Refusal, target


def test_the_names_of_an_environment():
    staging = target("staging")
    assert staging.registry == "europe-west2-docker.pkg.dev/pace-crm-staging/pace-images"
    assert staging.image("pace-web") == f"{staging.registry}/pace-web"
    assert staging.ci_service_account == "pace-staging-ci@pace-crm-staging.iam.gserviceaccount.com"
    assert staging.attestor == "projects/pace-crm-staging/attestors/pace-staging-built-by-ci"
    assert staging.signing_key == (
        "projects/pace-crm-staging/locations/europe-west2/keyRings/pace-staging/"
        "cryptoKeys/attestor-signing"
    )
    assert staging.federation_provider == (
        "projects/527093618844/locations/global/workloadIdentityPools/pace-staging-bitbucket/"
        "providers/bitbucket-pipelines"
    )
    assert (staging.release_branch, target("prod").gitops_revision) == ("main", "production")


def test_the_gitops_layout_matches_the_overlay_paths_in_config(environments):
    for env in environments:
        assert str(contract.overlay_dir("pace-web", env.name)) == env.gitops.web_path
        assert str(contract.overlay_dir("pace-ai", env.name)) == env.gitops.ai_path
    assert str(contract.images_file("pace-ai", "dev")) == (
        "pace-ai/overlays/dev/images/kustomization.yaml"
    )


def test_every_environment_is_in_the_promotion_order(environments):
    assert sorted(env.name for env in environments) == sorted(contract.PROMOTION_ORDER)
    assert [contract.next_env(e) for e in ("dev", "staging")] == ["staging", "prod"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: contract.next_env("prod"), "prod is the last environment"),
        (lambda: target("qa"), "unknown environment 'qa'"),
        (lambda: contract.app_images("pace-crm"), "unknown application 'pace-crm'"),
    ],
)
def test_unknown_names_are_refused(call, message):
    with pytest.raises(Refusal, match=message):
        call()
