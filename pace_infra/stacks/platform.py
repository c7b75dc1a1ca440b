"""`<env>-platform`: what runs in the cluster besides the apps: namespaces, policies, Argo CD."""

from __future__ import annotations

from cdktf_cdktf_provider_google.data_google_client_config import DataGoogleClientConfig
from cdktf_cdktf_provider_helm.provider import HelmProvider, HelmProviderKubernetes
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider
from constructs import Construct

from pace_infra.config import Environment, NamespaceQuota
from pace_infra.constructs.argocd import ArgoCd, ArgoCdProps, GitOpsApplication
from pace_infra.constructs.gke import GkeCluster
from pace_infra.constructs.namespace import Namespace, NamespaceProps, Quota
from pace_infra.constructs.workload_identity import WorkloadServiceAccount
from pace_infra.stacks.base import PaceStack


def _quota(config: NamespaceQuota) -> Quota:
    return Quota(
        requests_cpu=config.requests_cpu,
        requests_memory=config.requests_memory,
        limits_cpu=config.limits_cpu,
        limits_memory=config.limits_memory,
        pods=config.pods,
    )


class PlatformStack(PaceStack):
    def __init__(
        self,
        scope: Construct,
        env: Environment,
        cluster: GkeCluster,
        web_identity: WorkloadServiceAccount,
        ai_identity: WorkloadServiceAccount,
    ) -> None:
        super().__init__(scope, env, "platform")
        # The kubernetes and helm providers reach the control plane through its DNS endpoint
        # with the caller's short-lived Google access token: no kubeconfig file, no static token
        # in the JSON (the endpoint's certificate is publicly trusted, so no CA is configured).
        client = DataGoogleClientConfig(self, "client")
        host = f"https://{cluster.dns_endpoint}"
        KubernetesProvider(self, "kubernetes", host=host, token=client.access_token)
        HelmProvider(
            self,
            "helm",
            kubernetes=HelmProviderKubernetes(host=host, token=client.access_token),
        )

        platform = env.platform
        web = Namespace(
            self,
            "pace-web",
            props=NamespaceProps(
                name="pace-web",
                labels={"app": "pace", "system": "web"},
                quota=_quota(platform.web_quota),
                allow_load_balancer=True,  # the CRM is served through the HTTPS load balancer
                service_accounts=(("pace-web", web_identity.email),),
            ),
        )
        ai = Namespace(
            self,
            "pace-ai",
            props=NamespaceProps(
                name="pace-ai",
                labels={"app": "pace", "system": "ai"},
                quota=_quota(platform.ai_quota),
                allow_from_namespaces=("pace-web",),  # the CRM calls the AI backend
                service_accounts=(("pace-ai", ai_identity.email),),
            ),
        )
        argocd_namespace = Namespace(
            self,
            "argocd",
            props=NamespaceProps(
                name="argocd",
                labels={"app": "pace", "system": "platform"},
                # Argo CD's chart runs Redis and init containers that do not meet `restricted`
                # everywhere; `baseline` is enforced and `restricted` still warned and audited.
                pod_security="baseline",
            ),
        )
        gitops = env.gitops
        ArgoCd(
            self,
            "argocd-release",
            props=ArgoCdProps(
                namespace="argocd",
                repo_url=gitops.repo_url,
                revision=gitops.revision,
                # Literal names: they key the chart's values and name the Applications; the
                # releases wait for the namespaces through depends_on.
                applications=(
                    GitOpsApplication(name="pace-web", path=gitops.web_path),
                    GitOpsApplication(name="pace-ai", path=gitops.ai_path),
                ),
                high_availability=platform.argocd_ha,
                protect_applications=env.deletion_protection,
                depends_on=(argocd_namespace.dependable, web.dependable, ai.dependable),
            ),
        )
