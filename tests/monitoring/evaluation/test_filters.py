import pytest

from pace_infra.monitoring.evaluation.filters import (
    SloSelector,
    parse_duration,
    parse_metric_filter,
    resolve_terraform,
)
from pace_infra.monitoring.evaluation.series import TimeSeries, Unsupported


def _series(**resource: str) -> TimeSeries:
    return TimeSeries("a.googleapis.com/m", "r", "GAUGE", resource, {"code": "500"})


def test_terraform_format_quotes_like_go_and_resolves_references():
    text = '${format("metric.type=%q metric.label.check_id=%q", "a/b", google_x.y.id)}'
    assert resolve_terraform(text, lambda ref: f"<{ref}>") == (
        'metric.type="a/b" metric.label.check_id="<google_x.y.id>"'
    )
    assert resolve_terraform("${google_x.y.name}", lambda ref: "n") == "n"
    with pytest.raises(Unsupported):
        resolve_terraform('${upper("x")}', lambda ref: "")


def test_a_monitoring_filter_matches_equality_regex_and_bare_values():
    flt = parse_metric_filter(
        'metric.type="a.googleapis.com/m" resource.label.url_map_name='
        'monitoring.regex.full_match(".*-pace-web-.*") metric.label.code=500'
    )
    assert flt.matches(_series(url_map_name="k8s2-um-x-pace-web-crm-y"))
    # "the regular expression must match the whole label value"
    assert not flt.matches(_series(url_map_name="pace-web"))


def test_or_and_unknown_functions_are_refused():
    with pytest.raises(Unsupported):
        parse_metric_filter('metric.type="m" OR resource.type="r"')
    with pytest.raises(Unsupported):
        parse_metric_filter('metric.type="m" resource.label.x=starts_with("a")')


def test_not_negates_the_one_clause_after_it():
    # The CRM's SLIs: its URL map's requests but the AI path rule's. NOT binds to the next
    # comparison ("The NOT operator has the highest precedence"); a series without the label
    # matches ("NOT missingField=foo" is TRUE).
    flt = parse_metric_filter(
        'metric.type="a.googleapis.com/m" resource.label.url_map_name='
        'monitoring.regex.full_match(".*-pace-web-.*") '
        'NOT resource.label.matched_url_path_rule="/api/ai/*"'
    )
    crm = "k8s2-um-x-pace-web-crm-y"
    assert flt.matches(_series(url_map_name=crm, matched_url_path_rule="UNMATCHED"))
    assert not flt.matches(_series(url_map_name=crm, matched_url_path_rule="/api/ai/*"))
    assert flt.matches(_series(url_map_name=crm))
    assert flt.value_of("resource.label.matched_url_path_rule") is None  # not a requirement
    with pytest.raises(Unsupported):
        parse_metric_filter('metric.type="m" NOT')


def test_the_slo_burn_rate_selector_parses_its_lookback():
    parsed = parse_metric_filter('select_slo_burn_rate("projects/p/services/s/x/slo", "3600s")')
    assert parsed == SloSelector("projects/p/services/s/x/slo", 3600)
    with pytest.raises(Unsupported):
        parse_metric_filter('select_slo_health("projects/p/x")')


def test_durations():
    assert parse_duration("300s") == 300
    assert parse_duration("5m") == 300
    with pytest.raises(Unsupported):
        parse_duration("1.5s")
