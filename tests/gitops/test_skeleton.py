"""The skeleton itself: it builds, every pod meets Pod Security `restricted`, images go by
digest through admitted registries, and what the Deployments may grow to fits the quotas."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import replace

from pace_infra.config.checks import cpu_cores, memory_bytes
from pace_infra.gitops.skeleton import UNFILLED_DIGEST, base, overlay
from pace_infra.names import IMAGE_REPOSITORY_ID, IMAGES, WORKLOADS, namespace
from tests.gitops.conftest import of_kind, pod_specs


def test_every_overlay_builds_into_its_namespace(rendered):
    for (env, workload), objects in rendered.items():
        kinds = sorted({o["kind"] for o in objects})
        assert {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"} <= set(
            kinds
        ), (env, workload)
        assert {o["metadata"]["namespace"] for o in objects} == {namespace(workload)}
        assert sorted(d["metadata"]["name"] for d in of_kind(objects, "Deployment")) == sorted(
            IMAGES[workload]
        )


def test_every_pod_meets_pod_security_restricted(rendered):
    # kubernetes.io/docs/concepts/security/pod-security-standards/ (Restricted): non-root,
    # no privilege escalation, all capabilities dropped, seccomp RuntimeDefault or Localhost,
    # no host namespaces, ports or paths; init containers count like containers.
    for key, objects in rendered.items():
        for pod in pod_specs(objects):
            assert pod["securityContext"]["runAsNonRoot"] is True, key
            assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", key
            assert not any(pod.get(k) for k in ("hostNetwork", "hostPID", "hostIPC")), key
            assert all("hostPath" not in v for v in pod.get("volumes", [])), key
            for container in pod["containers"] + pod.get("initContainers", []):
                context = container["securityContext"]
                assert context["allowPrivilegeEscalation"] is False, (key, container["name"])
                assert context["capabilities"]["drop"] == ["ALL"], (key, container["name"])
                assert "add" not in context["capabilities"], (key, container["name"])
                assert not context.get("privileged"), (key, container["name"])
                assert all("hostPort" not in p for p in container.get("ports", [])), key


def test_images_are_by_digest_from_this_environments_repository_or_admitted(rendered, environments):
    envs = {env.name: env for env in environments}
    for (env_name, _workload), objects in rendered.items():
        env = envs[env_name]
        registry = f"{env.region}-docker.pkg.dev/{env.project_id}/{IMAGE_REPOSITORY_ID}/"
        for pod in pod_specs(objects):
            for container in pod["containers"] + pod.get("initContainers", []):
                image = container["image"]
                assert re.search(r"@sha256:[0-9a-f]{64}$", image), image
                name = image.split("@")[0]
                assert name.startswith(registry) or any(
                    fnmatch.fnmatch(name, pattern) for pattern in env.cicd.admitted_images
                ), (env_name, image)


def test_the_images_component_starts_unfilled_with_only_its_systems_images(gitops_dir):
    import yaml

    for workload in WORKLOADS:
        for component in gitops_dir.glob(f"{namespace(workload)}/overlays/*/images/*.yaml"):
            images = yaml.safe_load(component.read_text())["images"]
            assert [i["name"] for i in images] == list(IMAGES[workload])
            assert {i["digest"] for i in images} == {UNFILLED_DIGEST}


def test_what_the_deployments_may_grow_to_fits_the_namespace_quota(rendered, environments):
    envs = {env.name: env for env in environments}
    for (env_name, workload), objects in rendered.items():
        quota = getattr(envs[env_name].platform, f"{workload}_quota")
        scalers = {
            h["spec"]["scaleTargetRef"]["name"]: h
            for h in of_kind(objects, "HorizontalPodAutoscaler")
        }
        pods = cpu = memory = 0.0
        for deployment in of_kind(objects, "Deployment"):
            # At most: every replica the HPA allows, plus the one a roll-out surges.
            replicas = scalers[deployment["metadata"]["name"]]["spec"]["maxReplicas"] + 1
            spec = deployment["spec"]["template"]["spec"]
            containers = spec["containers"] + spec.get("initContainers", [])
            pods += replicas
            cpu += replicas * sum(cpu_cores(c["resources"]["limits"]["cpu"]) for c in containers)
            memory += replicas * sum(
                memory_bytes(c["resources"]["limits"]["memory"]) for c in containers
            )
        assert pods <= quota.pods, (env_name, workload)
        assert cpu <= cpu_cores(quota.limits_cpu), (env_name, workload, cpu)
        assert memory <= memory_bytes(quota.limits_memory), (env_name, workload, memory)


def test_bases_do_not_depend_on_the_environment():
    # One base serves every overlay: base() takes no environment at all.
    assert set(base("web")) == {"pace-web.yaml", "edge.yaml", "kustomization.yaml"}
    assert set(base("ai")) == {
        "pace-ai-backend.yaml",
        "pace-mcp-servers.yaml",
        "kustomization.yaml",
    }


def test_after_a_promotion_the_proxies_reach_the_promoted_replicas(environments):
    prod = next(env for env in environments if env.name == "prod")
    promoted = replace(prod, databases=replace(prod.databases, dr_promoted=True))

    def proxied(env) -> set[str]:
        return {
            container["args"][-1]
            for workload in WORKLOADS
            for patch in overlay(env, workload)["patches.yaml"]
            for container in patch.get("spec", {})
            .get("template", {})
            .get("spec", {})
            .get("initContainers", [])
        }

    assert proxied(prod) == {
        "pace-crm-prod:europe-west2:pace-prod-db",
        "pace-crm-prod:europe-west2:pace-prod-ai-db",
    }
    assert proxied(promoted) == {
        "pace-crm-prod:europe-west1:pace-prod-db-dr",
        "pace-crm-prod:europe-west1:pace-prod-ai-db-dr",
    }
