"""Cloud Audit Log entries as the services write them."""

from pace_infra.monitoring.evaluation.logquery import parse_log_filter
from pace_infra.monitoring.scenarios import audit
from pace_infra.monitoring.scenarios.audit import Project

PROJECT = Project("pace-crm-prod")


def test_admin_activity_and_data_access_go_to_their_logs():
    change = audit.project_iam(PROJECT, 0, "a@x", added=(("roles/owner", "user:a@x"),))
    read = audit.secret_access(PROJECT, 0, "a@x", "s")
    assert change.log_name == "projects/pace-crm-prod/logs/cloudaudit.googleapis.com%2Factivity"
    assert read.log_name.endswith("%2Fdata_access")
    assert (change.severity, read.severity) == ("NOTICE", "INFO")
    assert parse_log_filter('log_id("cloudaudit.googleapis.com/activity")').matches(change)


def test_a_set_iam_policy_carries_its_binding_and_audit_config_deltas():
    entry = audit.project_iam(
        PROJECT,
        0,
        "a@x",
        added=(("roles/viewer", "user:b@x"),),
        audit_config=(("secretmanager.googleapis.com", "DATA_READ"),),
    )
    delta = entry.proto_payload["serviceData"]["policyDelta"]
    assert delta["bindingDeltas"] == [
        {"action": "ADD", "role": "roles/viewer", "member": "user:b@x"}
    ]
    assert delta["auditConfigDeltas"][0]["action"] == "REMOVE"
    assert entry.resource_type == "project"
    assert entry.proto_payload["authenticationInfo"]["principalEmail"] == "a@x"
    plain = audit.project_iam(PROJECT, 0, "a@x", added=(("roles/viewer", "user:b@x"),))
    assert "auditConfigDeltas" not in plain.proto_payload["serviceData"]["policyDelta"]


def test_terraform_sets_the_policy_once_per_member():
    members = (("roles/a", "user:x"), ("roles/b", "user:x"), ("roles/c", "user:y"))
    entries = audit.terraform_project_iam(PROJECT, 100, "deploy@x", members)
    assert [e.time for e in entries] == [100, 103, 106]


def test_a_firewall_operation_writes_its_first_and_last_entries():
    first, last = audit.firewall(PROJECT, 50, "a@x", "insert", "allow-ssh")
    assert (first.time, last.time) == (50, 50 + audit.LRO_SECONDS)
    assert first.proto_payload["methodName"] == "v1.compute.firewalls.insert"
    assert first.resource_type == "gce_firewall_rule"


def test_a_token_exchange_is_sts_data_access():
    entry = audit.token_exchange(PROJECT, 0, "principal://x")
    assert entry.proto_payload["serviceName"] == "sts.googleapis.com"
    assert entry.log_name.endswith("%2Fdata_access")
