"""monitoring/security_alerts.py: log-based alerts on changes to who may do what."""

from __future__ import annotations

import re

import pytest

from pace_infra.monitoring.model import LogMatch, paging_route
from pace_infra.monitoring.security_alerts import (
    LABEL_EXTRACTORS,
    SecurityWatch,
    security_alerts,
    security_filters,
)

PROJECT = "pace-t"
WATCH = SecurityWatch(
    project_number="123456789012", deploy_identity="pace-t-deploy@pace-t.iam.gserviceaccount.com"
)
GKE = "service-123456789012@container-engine-robot.iam.gserviceaccount.com"
ACTIVITY = 'logName="projects/pace-t/logs/cloudaudit.googleapis.com%2Factivity"'
DATA_ACCESS = 'logName="projects/pace-t/logs/cloudaudit.googleapis.com%2Fdata_access"'


@pytest.fixture(scope="module")
def filters() -> dict[str, str]:
    return security_filters(PROJECT, WATCH)


def _method_pattern(text: str) -> re.Pattern[str]:
    (pattern,) = re.findall(r'protoPayload\.methodName=~"([^"]+)"', text)
    return re.compile(pattern)


def test_one_warning_log_match_policy_per_kind_to_pace_platform():
    specs = security_alerts(PROJECT, WATCH)
    assert [s.key for s in specs] == [
        f"platform-security-{kind}"
        for kind in (
            "project-iam",
            "audit-config",
            "service-account-iam",
            "service-account-key",
            "workload-identity",
            "firewall",
            "log-routing",
            "human-secret-access",
        )
    ]
    for spec in specs:
        assert (spec.system, spec.family, spec.runbook) == (
            "platform",
            "security",
            "security-change",
        )
        assert paging_route(spec.severity) == "support-hours" and spec.page
        (condition,) = spec.conditions
        assert isinstance(condition, LogMatch)
        assert condition.label_extractors == LABEL_EXTRACTORS


def test_who_did_it_and_how_are_the_incidents_labels():
    assert dict(LABEL_EXTRACTORS) == {
        "principal": "EXTRACT(protoPayload.authenticationInfo.principalEmail)",
        "method": "EXTRACT(protoPayload.methodName)",
    }


def test_changes_read_the_projects_admin_activity_log_and_secret_reads_its_data_access_log(
    filters,
):
    for kind, text in filters.items():
        expected = DATA_ACCESS if kind == "human-secret-access" else ACTIVITY
        assert text.startswith(f"{expected} AND "), kind


def test_only_the_deploy_identity_and_gke_are_left_out_and_only_where_expected(filters):
    left_out = {
        kind: set(re.findall(r'NOT protoPayload\.authenticationInfo\.principalEmail="([^"]+)"', t))
        for kind, t in filters.items()
    }
    assert left_out.pop("project-iam") == {WATCH.deploy_identity}
    assert left_out.pop("firewall") == {WATCH.deploy_identity, GKE}
    # Audit configs, keys, federation, sinks: not even the pipeline.
    assert set(map(frozenset, left_out.values())) == {frozenset()}


def test_project_policy_writes_and_audit_config_deltas(filters):
    for kind in ("project-iam", "audit-config"):
        assert 'resource.type="project"' in filters[kind]
        assert 'protoPayload.serviceName="cloudresourcemanager.googleapis.com"' in filters[kind]
        pattern = _method_pattern(filters[kind])
        assert pattern.search("SetIamPolicy") and not pattern.search("GetIamPolicy")
    assert filters["audit-config"].endswith(
        "protoPayload.serviceData.policyDelta.auditConfigDeltas:*"
    )


@pytest.mark.parametrize(
    ("kind", "writes", "reads"),
    [
        (
            "service-account-key",
            [
                "google.iam.admin.v1.CreateServiceAccountKey",
                "google.iam.admin.v1.UploadServiceAccountKey",
            ],
            [
                "google.iam.admin.v1.GetServiceAccountKey",
                "google.iam.admin.v1.ListServiceAccountKeys",
            ],
        ),
        (
            "workload-identity",
            [
                "google.iam.v1.WorkloadIdentityPools.CreateWorkloadIdentityPool",
                "google.iam.v1.WorkloadIdentityPools.UpdateWorkloadIdentityPoolProvider",
                "google.iam.v1.WorkloadIdentityPools.DeleteWorkloadIdentityPoolProvider",
                "google.iam.v1.WorkloadIdentityPools.UndeleteWorkloadIdentityPool",
            ],
            [
                "google.iam.v1.WorkloadIdentityPools.GetWorkloadIdentityPool",
                "google.iam.v1.WorkloadIdentityPools.ListWorkloadIdentityPoolProviders",
            ],
        ),
        (
            "firewall",
            [
                "v1.compute.firewalls.insert",
                "v1.compute.firewalls.patch",
                "v1.compute.firewalls.update",
                "beta.compute.firewalls.delete",
            ],
            ["v1.compute.firewalls.get", "v1.compute.firewalls.list", "v1.compute.routes.insert"],
        ),
        (
            "log-routing",
            [
                "google.logging.v2.ConfigServiceV2.CreateSink",
                "google.logging.v2.ConfigServiceV2.UpdateSink",
                "google.logging.v2.ConfigServiceV2.DeleteExclusion",
                "google.logging.v2.ConfigServiceV2.UpdateBucket",
                "google.logging.v2.ConfigServiceV2.UpdateBucketAsync",
                "google.logging.v2.ConfigServiceV2.DeleteBucket",
            ],
            [
                "google.logging.v2.ConfigServiceV2.GetSink",
                # The deploy identity writes log metrics: not a change of where logs go.
                "google.logging.v2.MetricsServiceV2.CreateLogMetric",
            ],
        ),
    ],
)
def test_method_patterns_match_the_writes_and_not_the_reads(filters, kind, writes, reads):
    pattern = _method_pattern(filters[kind])
    assert [m for m in writes if not pattern.search(m)] == []
    assert [m for m in reads if pattern.search(m)] == []


def test_a_service_accounts_policy_is_its_own_method(filters):
    assert (
        'protoPayload.methodName="google.iam.admin.v1.SetIAMPolicy"'
        in (filters["service-account-iam"])
    )


def test_a_secret_read_by_anyone_but_a_service_account_matches(filters):
    text = filters["human-secret-access"]
    assert (
        'protoPayload.methodName="google.cloud.secretmanager.v1.SecretManagerService.'
        'AccessSecretVersion"' in text
    )
    (pattern,) = re.findall(
        r'NOT protoPayload\.authenticationInfo\.principalEmail=~"([^"]+)"', text
    )
    assert re.search(pattern, "pace-prod-web@pace-crm-prod.iam.gserviceaccount.com")
    assert not re.search(pattern, "alex.morgan@pace.example")
    assert not re.search(pattern, "gserviceaccount.com.attacker@example.com")


def test_filters_need_no_escaping_anywhere(filters):
    # A backslash would need escaping differently in the Logging query, JSON and HCL.
    assert not [kind for kind, text in filters.items() if "\\" in text]
