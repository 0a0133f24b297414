"""Career pathways: the route with the fewest years from a start to a level.

Expected pathways were worked out by hand from §1.9.1 of the draft (line numbers of the
routes used are given); "year" is the total years of work when applying.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from skillgraph.catalog import load_query
from skillgraph.cli import main
from skillgraph.params import bind
from skillgraph.pathway import Person, eligible_routes, next_steps, pathway
from skillgraph.store import run_query, store_from_build


@pytest.fixture(scope="module")
def store(built):
    return store_from_build(built.out)


def steps(found) -> list[tuple[int, int, int, int, bool]]:
    """(rank, route, alternative, year, training first?) of each step."""
    return [(s.candidate.rank, s.candidate.route, s.candidate.alternative, int(s.year),
             bool(s.training)) for s in found.steps]  # fmt: skip


def test_no_certificate_no_degree_with_training(store):
    """四级 (4) line 146: 3 years + 中级工 training (skips 五级); 三级 (1) line 154: 4 years
    after the 四级 certificate + training → 7; 二级 (1) line 211: 3 more + training → 10;
    一级 line 243: 3 more + training → 13."""
    found = pathway(store, Person(), 1)
    assert steps(found) == [(4, 4, 1, 3, True), (3, 1, 2, 7, True), (2, 1, 2, 10, True),
                            (1, 1, 2, 13, True)]  # fmt: skip
    assert found.total_years == 13


def test_no_certificate_no_degree_without_training(store):
    """五级 after 1 year then 四级 (1) after 3 more = year 4, or 四级 (2) at 4 years directly
    (line 91, one step fewer); then 5, 4 and 4 years after each certificate: 9, 13, 17."""
    found = pathway(store, Person(), 1, allow_training=False)
    assert steps(found) == [(4, 2, 1, 4, False), (3, 1, 1, 9, False), (2, 1, 1, 13, False),
                            (1, 1, 1, 17, False)]  # fmt: skip
    assert found.total_years == 17
    to_four = pathway(store, Person(), 4, allow_training=False)
    assert to_four is not None and to_four.total_years == 4


def test_bachelor_in_a_related_major(store):
    """三级 (4) line 178: at once with 高级工 training (or after 1 year without); 二级 (3)
    line 225: 1 year after the 三级 certificate + 技师 training; 一级: 3 more + training."""
    found = pathway(store, Person(education="bachelor", major="related"), 1)
    assert steps(found) == [(3, 4, 2, 0, True), (2, 3, 2, 1, True), (1, 1, 2, 4, True)]
    assert found.total_years == 4
    plain = pathway(store, Person(education="bachelor", major="related"), 1, allow_training=False)
    assert steps(plain) == [(3, 4, 1, 1, False), (2, 3, 1, 3, False), (1, 1, 1, 7, False)]


def test_technical_school_graduate(store):
    """四级 (3) line 93 at once; then 三级 (1): 4 years + training (7 = 4 + 3 …): 4, 7, 10."""
    found = pathway(store, Person(education="technical-school", major="related"), 1)
    assert steps(found) == [(4, 3, 1, 0, False), (3, 1, 2, 4, True), (2, 1, 2, 7, True),
                            (1, 1, 2, 10, True)]  # fmt: skip
    assert found.total_years == 10


def test_senior_technical_school_years_count_in_total_for_level_2_route_2(store):
    """四级 (4) at year 3 with training; 三级 (2) line 160: 四级 certificate + 高级技工学校
    diploma, no years; 二级 (2) line 217: 三级 certificate + 3 years *in total* (no 后), met
    already at year 3."""
    found = pathway(store, Person(education="senior-technical-school"), 2)
    assert steps(found) == [(4, 4, 1, 3, True), (3, 2, 1, 3, False), (2, 2, 1, 3, False)]


def test_start_with_a_certificate_and_years(store):
    """四级 certificate 2 years ago: 三级 (1) needs 4 years after it + training → 2 more."""
    start = Person(certificate_rank=4, years_of_work=Decimal(6),
                   years_since_certificate=Decimal(2))  # fmt: skip
    found = pathway(store, start, 3)
    assert steps(found) == [(3, 1, 2, 8, True)]
    assert found.total_years == 2


def test_one_step_query_says_what_each_route_still_needs(store):
    rows = run_query(store, bind(load_query("pathway"), {"education": ["bachelor"],
                                                          "major": ["related"]})).rows
    three = [(r["route"].value, r["alternative"].value, Decimal(r["yearsStillNeeded"].value),
              r["trainingStillNeeded"].value) for r in rows if r["rank"].value == "3"]
    assert three == [("4", "2", 0, "碳排放管理员高级工技能正规培训"), ("4", "1", 1, "")]


def test_library_eligibility_agrees_with_the_pathway_steps(store):
    """Whatever the pathway offers with 0 years and no training left is exactly eligible."""
    person = Person(certificate_rank=4, years_of_work=Decimal(5), training_ranks=frozenset({3}))
    ready = {(c.rank, c.route, c.alternative) for c in next_steps(store, person)
             if c.years_still_needed == 0
             and (c.training_rank is None or c.training_rank in person.training_ranks)}
    assert set(eligible_routes(store, person)) == ready


def test_bad_person_is_a_value_error():
    with pytest.raises(ValueError, match="education"):
        Person(education="kindergarten")


def test_cli_pathway(built):
    runner = CliRunner()
    result = runner.invoke(main, ["pathway", "--target", "1", "--education", "bachelor",
                                  "--major", "related", "--build", str(built.out),
                                  "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["totalYears"] == 4  # a JSON number
    assert [s["rank"] for s in data["steps"]] == [3, 2, 1]
    table = runner.invoke(main, ["pathway", "--target", "4", "--build", str(built.out),
                                 "--no-training"])  # fmt: skip
    assert table.exit_code == 0
    assert "route (2)" in table.output and "total: 4 years" in table.output
