"""Edge: what stands in front of the CRM's HTTPS load balancer.

A reserved global IP (DNS points at it), a Cloud Armor policy (OWASP rules, per-client rate
limit, default allow) and an SSL policy. The GitOps manifests attach them by name: Ingress
annotation `kubernetes.io/ingress.global-static-ip-name`, BackendConfig `securityPolicy.name`,
FrontendConfig `sslPolicy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_google.compute_global_address import ComputeGlobalAddress
from cdktf_cdktf_provider_google.compute_security_policy import (
    ComputeSecurityPolicy,
    ComputeSecurityPolicyAdaptiveProtectionConfig,
    ComputeSecurityPolicyAdaptiveProtectionConfigLayer7DdosDefenseConfig,
    ComputeSecurityPolicyAdvancedOptionsConfig,
    ComputeSecurityPolicyRule,
    ComputeSecurityPolicyRuleMatch,
    ComputeSecurityPolicyRuleMatchConfig,
    ComputeSecurityPolicyRuleMatchExpr,
    ComputeSecurityPolicyRuleRateLimitOptions,
    ComputeSecurityPolicyRuleRateLimitOptionsRateLimitThreshold,
)
from cdktf_cdktf_provider_google.compute_ssl_policy import ComputeSslPolicy
from constructs import Construct

from pace_infra.config.values import EdgePolicy
from pace_infra.names import EdgeNames

# Cloud Armor's preconfigured OWASP Top 10 rule sets (sensitivity 1: the fewest false positives),
# plus cve-canary for Log4Shell (CKV_GCP_73).
OWASP_RULE_SETS: tuple[str, ...] = (
    "sqli-v33-stable",
    "xss-v33-stable",
    "lfi-v33-stable",
    "rfi-v33-stable",
    "rce-v33-stable",
    "methodenforcement-v33-stable",
    "scannerdetection-v33-stable",
    "protocolattack-v33-stable",
    "sessionfixation-v33-stable",
)
DEFAULT_RULE_PRIORITY = 2147483647  # Cloud Armor's default rule


@dataclass(frozen=True)
class EdgeProps:
    names: EdgeNames  # of the address, the Cloud Armor policy and the SSL policy
    # WAF mode (preview: OWASP rules only log what they would block), rate limit, TLS profile.
    policy: EdgePolicy = field(default_factory=EdgePolicy)
    labels: Mapping[str, str] = field(default_factory=dict)
    # The address, the Cloud Armor policy and the SSL policy are attached by name to load
    # balancer resources GKE creates from the Ingress: deleting one that is in use fails ("is
    # already being used by ..."), so Terraform is told to refuse any plan that destroys or
    # replaces them (lifecycle.prevent_destroy). False only where the edge is disposable (dev).
    protect: bool = True


def _match(expression: str) -> ComputeSecurityPolicyRuleMatch:
    return ComputeSecurityPolicyRuleMatch(
        expr=ComputeSecurityPolicyRuleMatchExpr(expression=expression)
    )


def _all_sources() -> ComputeSecurityPolicyRuleMatch:
    return ComputeSecurityPolicyRuleMatch(
        versioned_expr="SRC_IPS_V1",
        config=ComputeSecurityPolicyRuleMatchConfig(src_ip_ranges=["*"]),
    )


class Edge(Construct):
    """Handles: `ip_name`, `ip_address`, `security_policy_name`, `ssl_policy_name`."""

    def __init__(self, scope: Construct, id_: str, *, props: EdgeProps) -> None:
        super().__init__(scope, id_)
        protected = TerraformResourceLifecycle(prevent_destroy=props.protect)
        address = ComputeGlobalAddress(
            self,
            "ip",
            name=props.names.ip,
            address_type="EXTERNAL",
            ip_version="IPV4",
            labels=dict(props.labels),
            lifecycle=protected,
        )
        # DNS records point at this address: it must never be released by a refactor.
        address.override_logical_id("web_ip")

        waf_rules = [
            ComputeSecurityPolicyRule(
                priority=1000 + index,
                action="deny(403)",
                preview=props.policy.waf_mode == "preview",
                description=f"OWASP: {rule_set}",
                match=_match(f"evaluatePreconfiguredWaf('{rule_set}', {{'sensitivity': 1}})"),
            )
            for index, rule_set in enumerate(OWASP_RULE_SETS)
        ]
        waf_rules.append(
            ComputeSecurityPolicyRule(
                priority=1100,
                action="deny(403)",
                # Enforced even where the OWASP rules are in preview: the signature is narrow
                # (no false positives to learn from) and the exploit is actively scanned for.
                preview=False,
                description="Log4Shell (CVE-2021-44228) probes",
                match=_match("evaluatePreconfiguredExpr('cve-canary')"),
            )
        )
        rate_limit = ComputeSecurityPolicyRule(
            priority=2000,
            action="throttle",
            # Written although false is the default: `preview` is Optional+Computed in a set, and
            # an unset value makes every rule show as removed and added when any rule changes.
            preview=False,
            description="Per-client rate limit",
            match=_all_sources(),
            rate_limit_options=ComputeSecurityPolicyRuleRateLimitOptions(
                conform_action="allow",
                exceed_action="deny(429)",
                enforce_on_key="IP",
                rate_limit_threshold=ComputeSecurityPolicyRuleRateLimitOptionsRateLimitThreshold(
                    count=props.policy.rate_limit_per_minute, interval_sec=60
                ),
            ),
        )
        default = ComputeSecurityPolicyRule(
            priority=DEFAULT_RULE_PRIORITY,
            action="allow",
            preview=False,
            description="Default: allow what no rule above stopped",
            match=_all_sources(),
        )
        policy = ComputeSecurityPolicy(
            self,
            "armor",
            name=props.names.security_policy,
            description="PACE CRM: OWASP rules, per-client rate limit, default allow.",
            type="CLOUD_ARMOR",
            rule=[*waf_rules, rate_limit, default],
            # Layer-7 DDoS detection proposes rules from traffic anomalies.
            adaptive_protection_config=ComputeSecurityPolicyAdaptiveProtectionConfig(
                layer7_ddos_defense_config=ComputeSecurityPolicyAdaptiveProtectionConfigLayer7DdosDefenseConfig(
                    enable=True
                )
            ),
            # Log request details of denied requests, for tuning preview rules. JSON bodies are
            # parsed, so the WAF rules read the CRM's JSON API calls field by field instead of as
            # one string (fewer false positives; the API's default is DISABLED).
            advanced_options_config=ComputeSecurityPolicyAdvancedOptionsConfig(
                log_level="VERBOSE", json_parsing="STANDARD"
            ),
            lifecycle=protected,
        )
        policy.override_logical_id("web_armor")
        ssl = ComputeSslPolicy(
            self,
            "tls",
            name=props.names.ssl_policy,
            description="TLS 1.2+ with modern cipher suites.",
            min_tls_version="TLS_1_2",
            profile=props.policy.ssl_profile,
            lifecycle=protected,
        )
        ssl.override_logical_id("web_tls")
        self.ip_name: str = address.name
        self.ip_address: str = address.address
        self.security_policy_name: str = policy.name
        self.ssl_policy_name: str = ssl.name
