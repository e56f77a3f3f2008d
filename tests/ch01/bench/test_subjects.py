"""ch01_wsgi_async.bench.subjects: every subject can be started, every pair compares like with like."""

from __future__ import annotations

import pytest

from ch01_wsgi_async.bench import subjects
from ch01_wsgi_async.bench.subjects import PAIRS, QUICK_KEYS, SUBJECTS, Subject
from workbook.catalogue import ROOT


def test_theoretical_limits():
    pool = Subject("p", "p", "service", "x.py", "pool", workers=8)
    assert pool.limit(200) == pytest.approx(2.5)  # 200 / 8 x 0.1 s
    assert Subject("s", "s", "service", "x.py", "serial").limit(10) == pytest.approx(1.0)
    assert Subject("a", "a", "service", "x.py", "async").limit(200) == 0.1


def test_every_subject_file_is_there_and_keys_are_unique():
    assert len({s.key for s in SUBJECTS}) == len(SUBJECTS)
    for subject in SUBJECTS:
        if subject.file is not None:
            assert subjects.missing_reason(subject) is None, subject.key
            assert (ROOT / subject.file).is_file()
        if subject.group == "variant":
            assert subject.file.startswith(subjects.SERVERS_DIR + "/"), subject.key
    assert set(QUICK_KEYS) <= {s.key for s in SUBJECTS}


def test_a_missing_file_is_a_reason_not_an_error():
    ghost = Subject("ghost", "not written yet", "service", "ch01_wsgi_async/ghost.py", "async")
    assert subjects.missing_reason(ghost) == "ch01_wsgi_async/ghost.py is not there (yet)"


def test_each_pair_compares_two_subjects_measured_the_same_way():
    by_key = {s.key: s for s in SUBJECTS}
    for pair in PAIRS:
        naive, tuned = by_key[pair.naive], by_key[pair.tuned]
        assert pair.section in naive.measures and pair.section in tuned.measures, pair.lesson
        assert pair.metric in {"rps", "slow_rps", "wall_s"}
