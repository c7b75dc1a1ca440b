"""The GitOps skeleton and the synthesized stacks agree on every name one side gives the other:
a name changed on either side fails here, before Argo CD or GKE would find out."""

from __future__ import annotations

from pace_infra.monitoring.filters import AI_PATH_RULE, WEB_URL_MAP
from pace_infra.names import APP_PORT, PACE_AI_DB, PACE_DB, WORKLOADS, EnvNames, namespace
from tests.gitops.conftest import of_kind, pod_specs
from tests.helpers import resources


def _names(stack: dict, kind: str, attribute: str = "name") -> set[str]:
    return {r[attribute] for r in resources(stack, kind).values()}


def test_the_crm_ingress_attaches_exactly_the_edge_the_edge_stack_creates(rendered, stacks):
    for (env, workload), objects in rendered.items():
        if workload != "web":
            continue
        edge = stacks[f"{env}-edge"]
        (ingress,) = of_kind(objects, "Ingress")
        (backend,) = of_kind(objects, "BackendConfig")
        (frontend,) = of_kind(objects, "FrontendConfig")
        ip = ingress["metadata"]["annotations"]["kubernetes.io/ingress.global-static-ip-name"]
        assert {ip} == _names(edge, "google_compute_global_address"), env
        assert {backend["spec"]["securityPolicy"]["name"]} == _names(
            edge, "google_compute_security_policy"
        ), env
        assert {frontend["spec"]["sslPolicy"]} == _names(edge, "google_compute_ssl_policy"), env
        # The certificate GKE provisions is the one the Ingress names, for the hosts it serves.
        (certificate,) = of_kind(objects, "ManagedCertificate")
        annotations = ingress["metadata"]["annotations"]
        assert (
            annotations["networking.gke.io/managed-certificates"] == certificate["metadata"]["name"]
        )
        assert sorted(certificate["spec"]["domains"]) == sorted(
            rule["host"] for rule in ingress["spec"]["rules"]
        )


def test_pods_run_as_the_kubernetes_service_accounts_the_platform_stack_creates(rendered, stacks):
    for (env, workload), objects in rendered.items():
        platform = stacks[f"{env}-platform"]
        namespaces = {
            f"${{kubernetes_namespace_v1.{key}.metadata[0].name}}": n["metadata"]
            for key, n in resources(platform, "kubernetes_namespace_v1").items()
        }
        accounts = {
            (namespaces[a["metadata"]["namespace"]]["name"], a["metadata"]["name"])
            for a in resources(platform, "kubernetes_service_account_v1").values()
            if namespaces[a["metadata"]["namespace"]]["name"] == namespace(workload)
        }
        # The namespace enforces what the skeleton's pods are built to meet.
        (labels,) = [n["labels"] for n in namespaces.values() if n["name"] == namespace(workload)]
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted", (env, workload)
        used = {(namespace(workload), pod["serviceAccountName"]) for pod in pod_specs(objects)}
        # Both ways: no pod names an account that does not exist, and no account is left unused.
        assert used == accounts, (env, workload)


def test_proxies_reach_exactly_the_primary_instances_of_the_databases_stack(
    rendered, stacks, environments
):
    for env in environments:
        created = {
            f"{env.project_id}:{instance['region']}:{instance['name']}"
            for instance in resources(
                stacks[f"{env.name}-databases"], "google_sql_database_instance"
            ).values()
            if "master_instance_name" not in instance
        }
        reached = {
            container["args"][-1]
            for workload in WORKLOADS
            for pod in pod_specs(rendered[(env.name, workload)])
            for container in pod.get("initContainers", [])
            if container["name"] == "cloud-sql-proxy"
        }
        assert reached == created, env.name


def test_each_database_client_logs_in_as_the_iam_user_of_its_own_identity(
    rendered, stacks, environments
):
    for env in environments:
        names = EnvNames(env.name)
        gke_accounts = _names(stacks[f"{env.name}-gke"], "google_service_account", "account_id")
        users = resources(stacks[f"{env.name}-databases"], "google_sql_user").values()
        for database in (PACE_DB, PACE_AI_DB):
            workload = database.workload
            account = names.workload_service_account(workload)
            assert account in gke_accounts
            # The databases stack's IAM user of this instance is the workload's own GSA.
            instance_key = database.key.replace("-", "_")
            (user,) = [u for u in users if u["instance"].endswith(f".{instance_key}.name}}")]
            assert f"identity_{workload}_" in user["name"]
            (deployment,) = [
                d
                for d in of_kind(rendered[(env.name, workload)], "Deployment")
                if any(
                    e["value"] == database.database
                    for e in d["spec"]["template"]["spec"]["containers"][0]["env"]
                    if e["name"] == "DB_NAME"
                )
            ]
            env_vars = {
                e["name"]: e["value"]
                for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]
            }
            assert env_vars["DB_USER"] == f"{account}@{env.project_id}.iam"


def test_pods_select_and_tolerate_exactly_the_node_pools_of_the_gke_stack(rendered, stacks):
    for (env, workload), objects in rendered.items():
        pools = resources(stacks[f"{env}-gke"], "google_container_node_pool")
        pool = pools[f"node_pool_{workload}"]["node_config"]
        for pod in pod_specs(objects):
            assert pod["nodeSelector"].items() <= pool["labels"].items(), (env, workload)
            taints = {(t["key"], t["value"], t["effect"]) for t in pool.get("taint", [])}
            tolerated = {
                (t["key"], t["value"], {"NoSchedule": "NO_SCHEDULE"}[t["effect"]])
                for t in pod.get("tolerations", [])
            }
            assert tolerated == taints, (env, workload)


def test_the_ai_path_rule_and_the_url_map_are_what_the_slos_select_on(rendered):
    for (env, workload), objects in rendered.items():
        if workload != "web":
            continue
        (ingress,) = of_kind(objects, "Ingress")
        paths = {p["path"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]}
        # matched_url_path_rule is the Ingress path as written.
        assert f'"{next(iter(paths - {"/*"}))}"' in AI_PATH_RULE, env
        # GKE names the URL map k8s2-um-<hash>-<namespace>-<ingress>-<hash>: the CRM's namespace.
        assert f"-{ingress['metadata']['namespace']}-" in WEB_URL_MAP, env


def test_the_load_balancer_reaches_the_port_the_crm_listens_on(rendered, stacks):
    for (env, workload), objects in rendered.items():
        if workload != "web":
            continue
        ports = {
            p["containerPort"] for pod in pod_specs(objects) for p in pod["containers"][0]["ports"]
        }
        assert ports == {APP_PORT}
        (backend,) = of_kind(objects, "BackendConfig")
        assert backend["spec"]["healthCheck"]["port"] == APP_PORT
        firewall = resources(stacks[f"{env}-network"], "google_compute_firewall")
        allowed = {
            int(p) for a in firewall["firewall_allow_health_checks"]["allow"] for p in a["ports"]
        }
        assert APP_PORT in allowed, env


def test_every_deployment_of_the_skeleton_has_a_no_replica_alert_on_its_name(rendered):
    # The MCP servers have no public endpoint: this alert is their availability signal, so a
    # Deployment renamed in the skeleton must not leave an alert watching the old name.
    from pace_infra.config import Thresholds
    from pace_infra.monitoring.workload_alerts import no_replica_query, workload_alerts

    for (env, workload), objects in rendered.items():
        alerts = {spec.key: spec for spec in workload_alerts(workload, Thresholds())}
        for deployment in of_kind(objects, "Deployment"):
            name = deployment["metadata"]["name"]
            (condition,) = alerts[f"{workload}-{name}-unavailable"].conditions
            assert condition.query == no_replica_query(namespace(workload), name), env
