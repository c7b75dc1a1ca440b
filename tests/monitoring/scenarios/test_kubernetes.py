from pace_infra.monitoring.scenarios.kubernetes import (
    autoscale,
    container_log_lines,
    crash_backoffs,
    crash_loop,
    crash_loop_backoffs,
    page_cache,
    rolling_update,
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


def test_a_crash_loop_waits_out_each_back_off_between_runs():
    waits = crash_loop_backoffs(0, 1000, 90)
    assert waits[:3] == [(90, 100), (190, 210), (300, 340)]  # run 90 s, wait 10, 20, 40 s
    assert all(b - a <= 300 for a, b in waits)
    assert [b for _, b in waits if b < 1000] == crash_loop(0, 1000, 90)


def test_isolated_crashes_back_off_from_10_s_and_start_over_after_10_minutes_running():
    assert crash_backoffs([100, 280]) == [(100, 110), (280, 300)]
    assert crash_backoffs([100, 900]) == [(100, 110), (900, 910)]


def test_a_roll_out_brings_one_new_pod_at_a_time():
    # maxSurge 1: the next pod is created when the previous one is ready.
    pods = rolling_update(3, 600, ready_after=40)
    assert [(c, r) for _, c, r in pods] == [(600, 640), (640, 680), (680, 720)]


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


def test_a_quota_caps_the_pods_while_the_hpa_wants_more():
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
        quota_pods=8,
    )
    assert max(available for _, _, available in scaled.replicas) == 8
    assert max(desired for _, desired, _ in scaled.replicas) > 8
    assert scaled.refused and min(scaled.refused) > 600
    assert len(scaled.lifetimes) == 8
