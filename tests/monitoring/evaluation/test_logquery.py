"""Each test names the Logging query language statement it checks
(https://cloud.google.com/logging/docs/view/logging-query-language)."""

import pytest

from pace_infra.monitoring.evaluation.logquery import LogId, parse_extractor, parse_log_filter
from pace_infra.monitoring.evaluation.series import LogEntry, Unsupported


def _entry(severity: str = "DEFAULT", log_name: str = "", **payload: object) -> LogEntry:
    return LogEntry(0, "k8s_container", {"namespace_name": "pace-web"}, severity,
                    json_payload=payload, log_name=log_name)  # fmt: skip


def test_the_field_exists_comparison():
    # "To test if a missing or defaulted field exists ... use the :* comparison"
    flt = parse_log_filter("jsonPayload.message:*")
    assert flt.matches(_entry(message="boom"))
    assert not flt.matches(_entry(msg="boom"))
    text = LogEntry(0, "k8s_container", {}, "ERROR", text_payload="boom")
    assert not flt.matches(text)


def test_missing_fields_fail_every_comparison_but_not_under_not():
    # "all comparisons using missing fields fail silently"; "NOT missingField=foo" is TRUE;
    # "missingField!=foo" is FALSE.
    entry = _entry(reason="X")
    assert not parse_log_filter('jsonPayload.missing="foo"').matches(entry)
    assert not parse_log_filter('jsonPayload.missing!="foo"').matches(entry)
    assert parse_log_filter('NOT jsonPayload.missing="foo"').matches(entry)
    assert parse_log_filter('-jsonPayload.missing="foo"').matches(entry)  # "-" is NOT


def test_not_binds_first_then_or_then_and():
    # '"a" OR NOT "b" AND NOT "c" OR "d"' is '("a" OR (NOT "b")) AND ((NOT "c") OR "d")'
    flt = parse_log_filter(
        'jsonPayload.a="1" OR NOT jsonPayload.b="1" AND NOT jsonPayload.c="1" OR jsonPayload.d="1"'
    )
    assert flt.matches(_entry(a="1", c="1", d="1"))
    assert not flt.matches(_entry(b="1", d="1"))  # left side false
    assert not flt.matches(_entry(a="1", c="1"))  # right side false


def test_a_parenthesized_value_applies_the_field_and_operator_to_each_element():
    # 'jsonPayload.cat = ("longhair" OR "shorthair")'; 'jsonPayload.animal : ("nice" AND "pet")'
    cat = parse_log_filter('jsonPayload.cat = ("longhair" OR "shorthair")')
    assert cat.matches(_entry(cat="shorthair")) and not cat.matches(_entry(cat="sphynx"))
    animal = parse_log_filter('jsonPayload.animal : ("nice" AND "pet")')
    assert animal.matches(_entry(animal="a nice pet"))
    assert not animal.matches(_entry(animal="a nice dog"))


def test_has_is_a_substring_match_and_strings_ignore_case():
    # ':' "matches any substring"; "Comparisons ignore letter case"
    flt = parse_log_filter('jsonPayload.message:"exceeded quota"')
    assert flt.matches(_entry(message='pods "x" is forbidden: Exceeded Quota: pace-web'))
    assert parse_log_filter('jsonPayload.reason="oomkilling"').matches(_entry(reason="OOMKilling"))


def test_severity_compares_by_the_enum_order():
    # "Inequality uses the underlying numeric values of the enumeration literals"
    flt = parse_log_filter('resource.type="k8s_container" severity>=ERROR')
    assert flt.matches(_entry("CRITICAL"))
    assert not flt.matches(_entry("WARNING"))
    with pytest.raises(Unsupported):
        parse_log_filter("severity>=LOUD")


def test_numbers_compare_as_numbers_and_a_failed_conversion_fails():
    # jsonPayload numbers are doubles; "If an attempted conversion fails, then the comparison
    # fails".
    assert parse_log_filter("jsonPayload.level>=50").matches(_entry(level=50))
    assert not parse_log_filter("jsonPayload.level>=50").matches(_entry(level=40))
    assert not parse_log_filter('jsonPayload.level="error"').matches(_entry(level=50))


def test_an_array_field_matches_when_any_member_does():
    # "each member of the array is compared to [VALUE] and the results are joined ... OR"
    flt = parse_log_filter("jsonPayload.shoeSize<7")
    assert flt.matches(_entry(shoeSize=[8.5, 9, 6]))


def test_log_id_matches_the_url_encoded_log_of_log_name():
    # log_id "returns log entries that match the given [LOG_ID] argument from the logName"
    flt = parse_log_filter('log_id("cloudaudit.googleapis.com/activity")')
    assert flt.root == LogId("cloudaudit.googleapis.com/activity")
    assert flt.matches(_entry(log_name="projects/p/logs/cloudaudit.googleapis.com%2Factivity"))
    assert not flt.matches(_entry(log_name="projects/p/logs/events"))


def test_required_fields_are_the_top_level_equalities():
    flt = parse_log_filter(
        'resource.type="k8s_container" resource.labels.namespace_name="pace-ai" '
        "severity>=ERROR jsonPayload.message:*"
    )
    assert flt.required() == {
        "resource.type": "k8s_container",
        "resource.labels.namespace_name": "pace-ai",
    }


def test_what_is_not_implemented_is_refused():
    for query in (
        '"The cat in the hat"',  # a global restriction
        'SEARCH("world")',
        "sample(insertId, 0.25)",
        'labels."compute.googleapis.com/resource_id"="1"',
        "jsonPayload.x=*",
        "",
    ):
        with pytest.raises(Unsupported):
            parse_log_filter(query)
    with pytest.raises(Unsupported):
        parse_log_filter("jsonPayload.obj=1").matches(_entry(obj={"a": 1}))


def test_proto_payload_fields_of_an_audit_log():
    # An audit log entry's AuditLog is its protoPayload; nested fields by dotted path, and a
    # missing one fails equality but passes under NOT (the deploy identity's exclusions).
    entry = LogEntry(0, "project", {}, "NOTICE", proto_payload={
        "methodName": "SetIamPolicy",
        "authenticationInfo": {"principalEmail": "alice@example.com"},
        "serviceData": {"policyDelta": {"auditConfigDeltas": [{"action": "ADD"}]}},
    })  # fmt: skip
    assert parse_log_filter('protoPayload.methodName=~"[sS]etIamPolicy$"').matches(entry)
    assert parse_log_filter("protoPayload.serviceData.policyDelta.auditConfigDeltas:*").matches(
        entry
    )
    by = 'protoPayload.authenticationInfo.principalEmail="deploy@p.iam.gserviceaccount.com"'
    assert parse_log_filter(f"NOT {by}").matches(entry)
    anonymous = LogEntry(0, "project", {}, "NOTICE", proto_payload={"methodName": "x"})
    assert parse_log_filter(f"NOT {by}").matches(anonymous)


def test_extract_reads_a_field_and_an_absent_one_is_empty():
    entry = LogEntry(
        0, "project", {}, proto_payload={"authenticationInfo": {"principalEmail": "a"}}
    )
    assert (
        parse_extractor("EXTRACT(protoPayload.authenticationInfo.principalEmail)").value(entry)
        == "a"
    )
    assert parse_extractor("EXTRACT(protoPayload.methodName)").value(entry) == ""
    with pytest.raises(Unsupported):
        parse_extractor('REGEXP_EXTRACT(protoPayload.methodName, "(.*)")')
