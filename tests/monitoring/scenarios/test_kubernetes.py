from pace_infra.monitoring.scenarios.kubernetes import (
    autoscale,
    container_log_lines,
    crash_loop,
    page_cache,
    restart_count,
)


def test_crash_back_off_doubles_from_10_s_and_caps_at_300_s():
    # "exponential backoff delay (10s, 20s, 40s, ...), that is capped at 300 seconds"
    restarts = crash_loop(0, 3000, 0)
    gaps = [b - a for a, b in zip([0, *restarts], restarts, strict=False)]
    assert gaps[:6] == [10, 20, 40, 80, 160, 300]
    assert set(gaps[6:]) == {300}
    # about five restarts in the first 150 s, then one every five minutes
    assert sum(r <= 150 for r in restarts) == 4


def test_the_back_off_resets_after_ten_minutes_of_running():
    # "Once a container has executed for 10 minutes without any problems, the kubelet resets"
    restarts = crash_loop(0, 3000, 600)
    assert [b - a for a, b in zip([0, *restarts], restarts, strict=False)] == [610] * len(restarts)


def test_restart_count_is_cumulative_and_sampled_every_minute():
    series = restart_count("ns", "p", [10, 30, 70], 0, 300)
    assert series.kind == "CUMULATIVE"
    assert series.points == [(60, 2.0), (120, 3.0), (180, 3.0), (240, 3.0)]


def test_page_cache_is_reclaimed_below_the_limit():
    rss, cache = page_cache(0.4, 1.0, 1.0)
    assert rss(10**6) == 0.4
    assert cache(10**6) + rss(10**6) < 1.0


def test_the_autoscalers_add_pods_then_nodes_and_pods_wait_pending_meanwhile():
    scaled = autoscale(
        lambda t: 1.0 if t < 600 else 9.0,
        1800,
        request=0.5,
        limit=1.0,
        target=0.7,
        min_replicas=3,
        max_replicas=30,
        pods_per_node=6,
        nodes=3,
        max_nodes=12,
    )
    assert max(n for _, n in scaled.nodes) > 3
    waits = [until - since for _, since, until in scaled.pending if until > since]
    assert waits and max(waits) >= 120  # a pod waits for a node to be provisioned
    final = max(t for t, _ in scaled.cpu[next(iter(scaled.cpu))])
    assert all(points[-1][1] < 0.9 for points in scaled.cpu.values() if points[-1][0] == final)


def test_gke_marks_stderr_error_stdout_info_and_reads_a_json_severity():
    assert container_log_lines("ns", "p", 0, ["boom"], "stderr")[0].severity == "ERROR"
    assert container_log_lines("ns", "p", 0, ["hi"], "stdout")[0].severity == "INFO"
    (entry,) = container_log_lines("ns", "p", 0, ['{"severity": "ERROR", "m": 1}'], "stdout")
    assert entry.severity == "ERROR" and entry.json_payload == {"severity": "ERROR", "m": 1}
    (pino,) = container_log_lines("ns", "p", 0, ['{"level": 50}'], "stdout")
    assert pino.severity == "INFO"
    assert len(container_log_lines("ns", "p", 0, ["a", "b", "c"], "stderr")) == 3  # one per line
