"""Template coverage (`vtl test --coverage`): lines and branch arms from traced generated code."""
from __future__ import annotations

from pathlib import Path

from vtl.cli import main
from vtl.engine import Template
from vtl.testing.coverage import CoverageCollector, TemplateAnalysis

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "testing"
CREATE_ORDER = str(EXAMPLE / "templates" / "create-order.vtl")


def coverage_of(source: str, *requests: dict):
    template = Template(source)
    collector = CoverageCollector()
    for request in requests:
        with collector:
            template.render(request=request)
    return collector.report({source: "t"}).files[0]


def arms(item) -> dict[str, int]:
    return {f"{arm.line}:{arm.label.split(' (')[0]}": arm.count for point in item.branches for arm in point.arms}


def test_if_arms_and_implicit_else():
    source = "#set($n = $input.path('$.n'))\n#if($n > 10)\nbig\n#elseif($n > 5)\nmid\n#end\ndone\n"
    item = coverage_of(source, {"body": '{"n": 20}'}, {"body": '{"n": 1}'})
    assert arms(item) == {"2:#if": 1, "4:#elseif": 0, "2:no arm": 1}
    assert item.missed_lines == [5]
    assert sorted(item.executable) == [1, 2, 3, 4, 5, 7]


def test_foreach_entered_and_skipped_inside_a_loop():
    source = ("#foreach($row in $input.path('$.rows'))\n"
              "#foreach($cell in $row)\n[$cell]#if($foreach.hasNext),#end\n#end\n#end\n")
    item = coverage_of(source, {"body": '{"rows": [[1, 2], []]}'})
    # the outer loop ran once; the inner loop was entered once and skipped once
    assert arms(item) == {"1:body entered": 1, "1:body skipped": 0, "2:body entered": 1,
                          "2:body skipped": 1, "3:#if": 1, "3:no arm": 1}


def test_every_line_of_a_printed_run_is_hit():
    # outside loops the five lines print through one plan: one generated line, every position hit
    source = '{\n"a": "$input.path(\'$.a\')",\n"id": "$context.requestId",\n"b": $input.json(\'$.b\')\n}\n'
    item = coverage_of(source, {"body": '{"a": 1, "b": 2}'})
    assert item.missed_lines == [] and sorted(item.executable) == [1, 2, 3, 4, 5]
    assert "render_plan" in Template(source).python_source


def test_template_that_never_ran_is_reported():
    report = CoverageCollector().report({"#if($x)a#{else}b#end": "never"})
    assert report.files[0].line_percent == 0 and report.files[0].arms == 2


def test_empty_arm_is_not_counted():
    analysis = TemplateAnalysis("#if($x)#{else}b#end")
    assert analysis.branches == []  # one measurable arm is not a branch


def test_known_case_set_numbers(capsys, tmp_path):
    status = main(["test", str(EXAMPLE / "cases"), "--coverage", "-k", "express shipping",
                   "--html", str(tmp_path / "html")])
    out = capsys.readouterr().out
    assert status == 0, out
    row = next(line for line in out.splitlines() if line.startswith(CREATE_ORDER.replace(str(Path.cwd()) + "/", "")) or
               line.startswith(CREATE_ORDER))
    assert row.split()[1:7] == ["17", "3", "82%", "7", "4", "43%"]
    assert "10-11, 13; arms 10:#elseif, 13:#else, 17:body skipped, 18:#if" in row
    page = (tmp_path / "html" / "index.html").read_text()
    assert "create-order.vtl" in page
    detail = next(p for p in (tmp_path / "html").iterdir() if "create-order" in p.name).read_text()
    assert '<tr class="miss"><td class=n>11</td>' in detail
    assert '<tr class="partial"><td class=n>8</td>' in detail


def test_whole_example_is_fully_covered(capsys):
    status = main(["test", str(EXAMPLE / "cases"), "--coverage", "--fail-under", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    total = next(line for line in out.splitlines() if line.startswith("TOTAL"))
    assert total.split() == ["TOTAL", "30", "0", "100%", "11", "0", "100%"]


def test_fail_under(capsys):
    status = main(["test", str(EXAMPLE / "cases"), "--coverage", "-k", "XML", "--fail-under", "90"])
    assert status == 1
    assert "is under 90%" in capsys.readouterr().out
