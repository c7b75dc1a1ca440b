"""The building blocks of the skeleton's workloads, alone (no config, no synth)."""

from __future__ import annotations

from pace_infra.config.values_delivery import WorkloadSize
from pace_infra.gitops.workloads import (
    CONNECTION_NAME_PLACEHOLDER,
    PROXY_PORT,
    app_container,
    deployment,
    disruption_budget,
    proxy_sidecar,
)
from pace_infra.names import NODE_POOL_LABEL


def test_the_proxy_is_a_native_sidecar_on_private_ip_with_iam_authentication():
    proxy = proxy_sidecar("proxy@sha256:" + "a" * 64)
    assert proxy["restartPolicy"] == "Always"  # an init container that keeps running
    assert {"--auto-iam-authn", "--private-ip", f"--port={PROXY_PORT}"} <= set(proxy["args"])
    assert proxy["args"][-1] == CONNECTION_NAME_PLACEHOLDER  # the overlay names the instance


def test_a_database_client_connects_through_the_sidecar_and_others_get_no_database():
    client = app_container("pace-web", 3000, WorkloadSize(), "pace")
    values = {e["name"]: e["value"] for e in client["env"]}
    assert values["DB_HOST"] == "127.0.0.1" and values["DB_PORT"] == str(PROXY_PORT)
    assert values["DB_NAME"] == "pace"
    assert app_container("pace-mcp-servers", 3000, WorkloadSize(), None)["env"] == []


def test_only_the_ai_system_tolerates_the_ai_pools_taint():
    app = app_container("x", 3000, WorkloadSize(), None)
    ai = deployment("ai", "pace-mcp-servers", app, None, automount_api_token=False)
    web = deployment("web", "pace-web", app, None, automount_api_token=False)
    ai_pod, web_pod = (d["spec"]["template"]["spec"] for d in (ai, web))
    assert ai_pod["tolerations"] == [
        {"key": NODE_POOL_LABEL, "operator": "Equal", "value": "ai", "effect": "NoSchedule"}
    ]
    assert "tolerations" not in web_pod
    assert (ai_pod["nodeSelector"], web_pod["nodeSelector"]) == (
        {NODE_POOL_LABEL: "ai"},
        {NODE_POOL_LABEL: "web"},
    )
    assert ai["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": 0}


def test_a_disruption_budget_lets_one_pod_go_at_a_time():
    assert disruption_budget("pace-web")["spec"]["maxUnavailable"] == 1
