"""release: the record the build step leaves for the steps after it."""

from __future__ import annotations

import pytest

from pace_infra.tools.delivery.contract import Refusal
from pace_infra.tools.delivery.release import Release, load
from tests.tools.delivery.fixtures import digest


def test_a_saved_record_loads_back(tmp_path):
    path = tmp_path / ".delivery" / "release.json"
    Release("pace-web", "abc", {"pace-web": digest(1)}).save(path)
    assert load(path) == Release("pace-web", "abc", {"pace-web": digest(1)})


def test_a_record_with_another_apps_image_is_refused(tmp_path):
    path = tmp_path / "release.json"
    Release("pace-web", "abc", {"pace-ai-backend": digest(1)}).save(path)
    with pytest.raises(Refusal, match=r"pace-web images must be \['pace-web'\]"):
        load(path)
