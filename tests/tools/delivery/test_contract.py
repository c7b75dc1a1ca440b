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


def test_the_images_files_are_the_ones_the_gitops_skeleton_generates_and_parse(
    environments, tmp_path
):
    from pace_infra.gitops.skeleton import skeleton
    from pace_infra.gitops.write import write_skeleton
    from pace_infra.tools.delivery import overlay

    files = skeleton(list(environments))
    write_skeleton(files, tmp_path)
    for env in environments:
        for app, images in contract.APPS.items():
            path = contract.images_file(app, env.name)
            assert str(path) in files, path  # the platform generates exactly this file
            pins = overlay.read(tmp_path / path)  # and the pipeline's reader accepts it
            assert sorted(pins) == sorted(image.name for image in images)
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
