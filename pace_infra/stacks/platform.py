"""`<env>-platform`: what runs in the cluster besides the apps: namespaces, policies, Argo CD."""

from __future__ import annotations

from collections.abc import Mapping

from cdktf_cdktf_provider_helm.provider import (
    HelmProvider,
    HelmProviderKubernetes,
    HelmProviderKubernetesExec,
)
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec
from constructs import Construct

from pace_infra.config import EgressEndpoint, Environment, PlatformConfig
from pace_infra.constructs.argocd import ArgoCd, ArgoCdProps
from pace_infra.constructs.argocd_values import ArgoCdAccess, GitOpsApplication
from pace_infra.constructs.egress_policy import EgressRules
from pace_infra.constructs.gke import GkeCluster
from pace_infra.constructs.image_admission import DigestPinnedImages, DigestPinnedImagesProps
from pace_infra.constructs.namespace import Namespace, NamespaceProps
from pace_infra.constructs.workload_identity import WorkloadServiceAccount
from pace_infra.names import (
    ARGOCD_NAMESPACE,
    gitops_overlay,
    namespace,
    service_account_email,
)
from pace_infra.stacks.base import PaceStack, earlier
from pace_infra.stacks.gke import GkeStack

# The kubernetes and helm providers get a short-lived token from this plugin on every run (the
# client-go exec credential protocol): nothing of it is written to state, unlike a token read
# from the google_client_config data source. Application Default Credentials: the identity the
# google provider uses too (`gcloud auth application-default login`, or the pipeline's
# federated credential file).
CLUSTER_AUTH_PLUGIN = "gke-gcloud-auth-plugin"
CLUSTER_AUTH_ARGS = ("--use_application_default_credentials",)
EXEC_CREDENTIAL_API = "client.authentication.k8s.io/v1beta1"
HELM_DRIVER = "configmap"


def _argocd_access(platform: PlatformConfig) -> ArgoCdAccess:
    return ArgoCdAccess(sso=platform.argocd_sso, local_admin=platform.argocd_local_admin)


def _egress(env: Environment, endpoints: tuple[EgressEndpoint, ...], *to: str) -> EgressRules:
    return EgressRules(
        cloud_sql_range=str(env.network.psa_cidr), to_namespaces=to, endpoints=endpoints
    )


WEB_NAMESPACE = namespace("web")
AI_NAMESPACE = namespace("ai")


class PlatformStack(PaceStack):
    @classmethod
    def from_units(
        cls, scope: Construct, env: Environment, built: Mapping[str, PaceStack]
    ) -> PlatformStack:
        gke = earlier(built, "gke", GkeStack)
        return cls(scope, env, gke.cluster, gke.web_identity, gke.ai_identity)

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
        # (its certificate is publicly trusted: no CA configured), authenticated by the plugin.
        host = f"https://{cluster.dns_endpoint}"
        KubernetesProvider(
            self,
            "kubernetes",
            host=host,
            exec=[
                KubernetesProviderExec(
                    api_version=EXEC_CREDENTIAL_API,
                    command=CLUSTER_AUTH_PLUGIN,
                    args=list(CLUSTER_AUTH_ARGS),
                )
            ],
        )
        HelmProvider(
            self,
            "helm",
            # Release records in ConfigMaps, not Secrets: the read-only planner can then plan
            # the releases without any access to Kubernetes Secrets. The records hold the
            # charts' values and rendered manifests, in which PACE puts no secret (the OIDC and
            # GitOps credentials are Secrets made by hand). Only before the first install:
            # records written by another driver are not found by this one.
            helm_driver=HELM_DRIVER,
            kubernetes=HelmProviderKubernetes(
                host=host,
                exec=HelmProviderKubernetesExec(
                    api_version=EXEC_CREDENTIAL_API,
                    command=CLUSTER_AUTH_PLUGIN,
                    args=list(CLUSTER_AUTH_ARGS),
                ),
            ),
        )

        platform = env.platform
        web = Namespace(
            self,
            WEB_NAMESPACE,
            props=NamespaceProps(
                name=WEB_NAMESPACE,
                labels={"app": "pace", "system": "web"},
                quota=platform.web_quota,
                # The CRM is served through the HTTPS load balancer.
                load_balancer_ports=env.network.load_balancer_ports,
                # The CRM calls the AI backend, and the endpoints config names.
                egress=_egress(env, platform.web_egress, AI_NAMESPACE),
                service_accounts=((WEB_NAMESPACE, web_identity.email),),
                automount_api_token=platform.web_kubernetes_api,
            ),
        )
        ai = Namespace(
            self,
            AI_NAMESPACE,
            props=NamespaceProps(
                name=AI_NAMESPACE,
                labels={"app": "pace", "system": "ai"},
                quota=platform.ai_quota,
                allow_from_namespaces=(WEB_NAMESPACE,),  # the CRM calls the AI backend
                # The AI backend's model APIs are named in config; nothing else outside.
                egress=_egress(env, platform.ai_egress),
                service_accounts=((AI_NAMESPACE, ai_identity.email),),
                automount_api_token=platform.ai_kubernetes_api,
            ),
        )
        argocd_namespace = Namespace(
            self,
            "argocd",
            props=NamespaceProps(
                name=ARGOCD_NAMESPACE,
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
                namespace=ARGOCD_NAMESPACE,
                repo_url=gitops.repo_url,
                revision=gitops.revision,
                # Literal names: they key the chart's values and name the Applications; the
                # releases wait for the namespaces through depends_on.
                applications=(
                    GitOpsApplication(name=WEB_NAMESPACE, path=gitops_overlay("web", env.name)),
                    GitOpsApplication(name=AI_NAMESPACE, path=gitops_overlay("ai", env.name)),
                ),
                high_availability=platform.argocd_ha,
                access=_argocd_access(platform),
                protect_applications=env.deletion_protection,
                sync_windows=env.calendar.argocd_sync_windows(),
                signature_keys=gitops.signature_keys,
                depends_on=(argocd_namespace.dependable, web.dependable, ai.dependable),
            ),
        )
        # What runs in the application namespaces is exactly what was built: images by digest.
        DigestPinnedImages(
            self,
            "images-by-digest",
            props=DigestPinnedImagesProps(
                namespaces=(WEB_NAMESPACE, AI_NAMESPACE),
                # The read-only planner (cicd stack) refreshes them in its plans.
                readers=(
                    service_account_email(self.names.planner_service_account, env.project_id),
                ),
            ),
        )
