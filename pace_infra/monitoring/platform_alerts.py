"""What PACE alerts on for the cluster itself: nodes short of allocatable capacity, pods left
Pending, pods a ResourceQuota refused, and containers the kernel killed for memory."""

from __future__ import annotations

from pace_infra.config import Thresholds
from pace_infra.monitoring.filters import (
    KUBE_POD_PHASE,
    kubernetes_event_filter,
    node_filter,
    promql_selector,
)
from pace_infra.monitoring.model import AlertSpec, LogMatch, Promql, Threshold
from pace_infra.names import WORKLOADS, namespace

# A pod Pending this long is more than a cluster-autoscaler scale-up (a new node is Ready in a
# few minutes, and FailedScheduling events are written on every scale-up while it waits): the
# autoscaler is at its maximum, the pod fits no node, or its image or volume cannot be had.
PENDING_FOR = "900s"


def pending_pods_query() -> str:
    """Every pod of the cluster in phase Pending (kube-state's phase series is 1 for the
    pod's current phase)."""
    return f"sum by (namespace, pod) ({promql_selector(KUBE_POD_PHASE, phase='Pending')}) > 0"


def quota_rejection_filter() -> str:
    """A ReplicaSet of pace-web or pace-ai refused a pod by its namespace's ResourceQuota: the
    controller's FailedCreate event ("... is forbidden: exceeded quota: ..."). Selected by the
    event's object, not by the monitored resource type GKE files a ReplicaSet's events under."""
    namespaces = " OR ".join(f'"{namespace(w)}"' for w in WORKLOADS)
    return (
        f"{kubernetes_event_filter('FailedCreate')} "
        'jsonPayload.involvedObject.kind="ReplicaSet" '
        f"jsonPayload.involvedObject.namespace=({namespaces}) "
        'jsonPayload.message:"exceeded quota"'
    )


def oom_kill_filter() -> str:
    """The kernel's OOM killer ended a process on a node (GKE's node problem detector writes an
    OOMKilling event on the Node for each kill, a container hitting its memory limit included)."""
    return kubernetes_event_filter("OOMKilling", "k8s_node")


def platform_alerts(t: Thresholds) -> list[AlertSpec]:
    def node(metric: str, what: str) -> AlertSpec:
        return AlertSpec(
            key=f"platform-node-{what}",
            title=f"Nodes short of allocatable {what}",
            system="platform",
            family="exhaustion",
            severity="WARNING",
            summary=f"Node {what} use is above {t.node_allocatable_utilization:.0%} of "
            "allocatable: the autoscaler is at its maximum or cannot keep up.",
            first_steps="- `kubectl top nodes`\n- Node pool autoscaling limits in the config",
            runbook="node-pressure",
            conditions=[
                Threshold(
                    name=f"Allocatable {what} utilization",
                    filter=node_filter(metric),
                    threshold=t.node_allocatable_utilization,
                    duration="600s",
                )
            ],
        )

    return [
        node("cpu/allocatable_utilization", "cpu"),
        node("memory/allocatable_utilization", "memory"),
        AlertSpec(
            key="platform-pending-pods",
            title="Pods Pending for 15 minutes",
            system="platform",
            family="exhaustion",
            severity="WARNING",
            summary="A pod has been Pending for 15 minutes, longer than any cluster-autoscaler "
            "scale-up takes: no node fits it, the node pools are at their maximum, or its "
            "image or volume cannot be had. The incident names the pod.",
            first_steps="- `kubectl get pods -A --field-selector=status.phase=Pending`\n"
            "- `kubectl -n <namespace> describe pod <pod>`: FailedScheduling (taints, "
            "resources, max nodes) or image pull events\n"
            "- Logs Explorer: `logName:cluster-autoscaler` for NotTriggerScaleUp",
            runbook="pending-pods",
            conditions=[
                Promql(name="Pods Pending", query=pending_pods_query(), duration=PENDING_FOR)
            ],
        ),
        AlertSpec(
            key="platform-quota-rejections",
            title="ResourceQuota refuses pods",
            system="platform",
            family="exhaustion",
            severity="WARNING",
            summary="A ReplicaSet in pace-web or pace-ai could not create a pod: the namespace's "
            "ResourceQuota is exhausted, so the HPA cannot scale out and a roll-out cannot "
            "surge.",
            first_steps="- `kubectl -n <namespace> describe resourcequota`: used against hard\n"
            "- `kubectl -n <namespace> describe rs <replicaset>`: the FailedCreate message\n"
            "- Raise the namespace quota in the config, or lower the HPA maximum",
            runbook="quota-rejections",
            conditions=[
                LogMatch(name="FailedCreate: exceeded quota", filter=quota_rejection_filter())
            ],
        ),
        AlertSpec(
            key="platform-oom-kills",
            title="Containers killed for memory",
            system="platform",
            family="exhaustion",
            severity="WARNING",
            summary="The kernel killed a process for memory on a node: a container reached its "
            "memory limit (or the node ran out). One kill restarts one container; repeated "
            "kills show up as a crash loop.",
            first_steps="- The event's node and process name (jsonPayload.message)\n"
            "- `kubectl get pods -A -o wide --field-selector spec.nodeName=<node>`, then "
            "`kubectl describe pod`: Last State OOMKilled\n"
            "- Memory limit vs usage: the namespace's dashboard",
            runbook="oom-kills",
            conditions=[LogMatch(name="OOMKilling events", filter=oom_kill_filter())],
        ),
    ]
