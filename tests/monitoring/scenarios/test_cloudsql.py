from pace_infra.monitoring.scenarios.cloudsql import (
    autoresize_step,
    bytes_used,
    disk,
    instance_state,
    replica_lag,
)


def test_the_autoresize_threshold_is_5_gb_plus_a_25th_capped_at_25():
    assert autoresize_step(10) == 5
    assert autoresize_step(100) == 9
    assert autoresize_step(250) == 15
    assert autoresize_step(1000) == 25


def test_autoresize_grows_the_disk_when_free_space_falls_below_the_threshold_up_to_the_limit():
    samples = disk(lambda t: 90 + t / 3600, 100, 120, 40 * 3600)
    capacities = sorted({c for _, _, c in samples})
    assert capacities[:2] == [100, 109]  # 9 GB free at 91 GB used: grow by 9 GB
    assert capacities[-1] == 120  # never beyond the limit
    assert max(u / c for _, u, c in samples if c < 120) < 0.93


def test_instance_state_is_one_boolean_series_per_state():
    series = instance_state("p:i", lambda t: "RUNNING", 120)
    running = [s for s in series if s.metric_labels["state"] == "RUNNING"]
    assert running[0].points == [(60, True), (120, True)]
    assert all(v is False for s in series if s not in running for _, v in s.points)


def test_bytes_used_counts_a_gb_as_10_to_the_9():
    assert bytes_used(lambda t: 1.5)(0) == 1.5e9


def test_replica_lag_is_the_wal_backlog_over_the_replay_rate():
    # 12 MB/s written, 8 replayed: the backlog grows 4 MB/s, 30 s of lag every minute.
    lag = replica_lag(lambda t: 12.0 if t < 600 else 0.0, 8.0, 1800)
    assert lag(60) == 1.0 + 4 * 70 / 8  # 10 s steps from t = 0, and a second of transport
    assert lag(600) > lag(300) > 100
    assert lag(1800) == 1.0  # drained once the writes stop
    assert replica_lag(lambda t: 5.0, 8.0, 600)(600) == 1.0
