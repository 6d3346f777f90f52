"""``vtl test`` (run case files, optionally with template coverage) and ``vtl lint``.

Exit status, for CI: ``vtl test`` 0 when every case passes, 1 when one fails, 2 when a case
file, template or integration cannot be read (usage and load errors); ``vtl lint`` 0 when it
finds nothing, 1 when it finds something, 2 when a file cannot be read.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from .cases import Case, CaseFileError, discover, load_cases
from .runner import ERROR, FAILED, PASSED, SKIPPED, CaseResult, Runner

PROGRESS_FROM = 20  # show a progress indicator on a terminal from this many cases


def add_commands(subparsers: Any) -> None:
    test = subparsers.add_parser(
        "test", help="run template test cases (YAML/JSON case files)",
        description="Run the case files found in PATHs (files, or directories searched for *.cases.yaml, "
                    "*.cases.yml, *.cases.json). Exit status: 0 all passed, 1 a case failed, 2 a file "
                    "could not be read.")
    test.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    test.add_argument("-k", dest="keyword", metavar="TEXT", help="only the cases whose file::name contains TEXT")
    test.add_argument("-v", "--verbose", action="store_true", help="list every case")
    test.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    test.add_argument("--color", dest="colour", action="store_const", const=True, default=None,
                      help="colour the output (default: only on a terminal)")
    test.add_argument("--no-color", dest="colour", action="store_const", const=False)
    test.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report (for CI)")
    test.add_argument("--coverage", action="store_true", help="measure which template lines and branches ran")
    test.add_argument("--html", metavar="DIR", help="write an HTML coverage report to DIR (implies --coverage)")
    test.add_argument("--fail-under", type=float, metavar="PERCENT",
                      help="with --coverage: exit 1 when the total line coverage is lower")
    test.set_defaults(handler=command_test)

    lint = subparsers.add_parser(
        "lint", help="find template mistakes API Gateway only shows in production",
        description="Check templates (.vtl files) or the templates of an infrastructure file (OpenAPI, "
                    "SAM/CloudFormation, an integration JSON). Prints file:line:col: message; exits 1 when "
                    "it finds anything.")
    lint.add_argument("files", nargs="+", metavar="FILE")
    lint.add_argument("--content-type", default=None,
                      help="the content type of .vtl files given alone (default: application/json)")
    lint.set_defaults(handler=command_lint)


def _colour(choice: bool | None, stream: TextIO) -> bool:
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


# --- vtl test -----------------------------------------------------------------------------------


def command_test(arguments: argparse.Namespace) -> int:
    out, err = sys.stdout, sys.stderr
    colour = _colour(arguments.colour, out)
    try:
        files = discover(arguments.paths)
    except CaseFileError as error:
        print(f"vtl test: {error}", file=err)
        return 2
    if not files:
        print(f"vtl test: no case files (*.cases.yaml, *.cases.yml, *.cases.json) in {' '.join(arguments.paths)}",
              file=err)
        return 2
    load_errors: list[str] = []
    cases: list[Case] = []
    for path in files:
        try:
            cases.extend(load_cases(path))
        except CaseFileError as error:
            load_errors.append(str(error))
    if arguments.keyword:
        cases = [case for case in cases if arguments.keyword in case.id]
    for message in load_errors:
        print(_paint(f"ERROR {message}", "31", colour), file=out)

    collector = None
    if arguments.coverage or arguments.html:
        from .coverage import CoverageCollector
        collector = CoverageCollector()
    runner = Runner()
    results: list[CaseResult] = []
    started = time.perf_counter()
    progress = err.isatty() and len(cases) >= PROGRESS_FROM
    current_file: Path | None = None
    for number, case in enumerate(cases, 1):
        if progress:
            err.write(f"\r\x1b[K[{number}/{len(cases)}] {case.name[:60]}")
            err.flush()
        if collector is not None:
            with collector:
                result = runner.run(case)
        else:
            result = runner.run(case)
        results.append(result)
        if progress and (arguments.verbose or not result.passed):
            err.write("\r\x1b[K")
        if arguments.verbose or result.status in (FAILED, ERROR):
            if case.file != current_file:
                current_file = case.file
                print(_paint(str(case.file), "1", colour), file=out)
            print(report_case(result, colour), file=out)
        if arguments.exitfirst and result.status in (FAILED, ERROR):
            break
    if progress:
        err.write("\r\x1b[K")
        err.flush()
    seconds = time.perf_counter() - started

    if arguments.junit_xml:
        write_junit(arguments.junit_xml, results, load_errors, seconds)
    counts = {status: sum(1 for result in results if result.status == status)
              for status in (PASSED, FAILED, ERROR, SKIPPED)}
    errors = counts[ERROR] + len(load_errors)
    parts = [f"{counts[PASSED]} passed"]
    if counts[FAILED]:
        parts.append(_paint(f"{counts[FAILED]} failed", "31", colour))
    if errors:
        parts.append(_paint(f"{errors} error{'s' if errors != 1 else ''}", "31", colour))
    if counts[SKIPPED]:
        parts.append(f"{counts[SKIPPED]} skipped")
    status = 2 if errors else 1 if counts[FAILED] else 0

    if collector is not None:
        from .coverage import terminal_report, write_html

        coverage = collector.report(runner.template_names)
        print(terminal_report(coverage, colour=colour), file=out)
        if arguments.html:
            index = write_html(coverage, Path(arguments.html))
            print(f"HTML coverage report: {index}", file=out)
        if arguments.fail_under is not None and status == 0 and coverage.line_percent < arguments.fail_under:
            print(f"vtl test: line coverage {coverage.line_percent:.1f}% is under {arguments.fail_under:g}%",
                  file=out)
            status = 1
    summary = ", ".join(parts) + f" in {seconds:.2f}s"
    print(_paint(summary, "32" if status == 0 else "31", colour), file=out)
    return status


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def report_case(result: CaseResult, colour: bool = False) -> str:
    """One case as the terminal shows it: a status line, then each mismatch with its diff."""
    case = result.case
    if result.status == PASSED:
        return f"  {_paint('ok', '32', colour)}    {case.name} ({result.seconds * 1000:.0f} ms)"
    if result.status == SKIPPED:
        return f"  {_paint('skip', '33', colour)}  {case.name}: {result.message}"
    if result.status == ERROR:
        return f"  {_paint('ERROR', '31', colour)} {case.name}\n      {result.message}"
    lines = [f"  {_paint('FAIL', '31', colour)}  {case.name}"]
    for mismatch in result.mismatches:
        lines.extend("      " + line for line in mismatch.text(colour).splitlines())
    return "\n".join(lines)


def write_junit(path: str, results: list[CaseResult], load_errors: list[str], seconds: float) -> None:
    """A JUnit XML report: one testsuite per case file, one testcase per case."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="vtl test", time=f"{seconds:.3f}")
    suites: dict[Path, ET.Element] = {}
    for result in results:
        case = result.case
        suite = suites.get(case.file)
        if suite is None:
            suite = suites[case.file] = ET.SubElement(root, "testsuite", name=str(case.file))
        element = ET.SubElement(suite, "testcase", classname=str(case.file), name=case.name,
                                time=f"{result.seconds:.4f}")
        if result.status == FAILED:
            text = "\n".join(mismatch.text() for mismatch in result.mismatches)
            failure = ET.SubElement(element, "failure", message=result.mismatches[0].text().splitlines()[0])
            failure.text = text
        elif result.status == ERROR:
            ET.SubElement(element, "error", message=result.message).text = result.message
        elif result.status == SKIPPED:
            ET.SubElement(element, "skipped", message=result.message)
    if load_errors:
        suite = ET.SubElement(root, "testsuite", name="case files")
        for message in load_errors:
            element = ET.SubElement(suite, "testcase", classname="case files", name=message.split(":")[0])
            ET.SubElement(element, "error", message=message).text = message
    for suite in root:
        cases = list(suite)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for item in cases if item.find("failure") is not None)))
        suite.set("errors", str(sum(1 for item in cases if item.find("error") is not None)))
        suite.set("skipped", str(sum(1 for item in cases if item.find("skipped") is not None)))
    ET.indent(root)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


# --- vtl lint -----------------------------------------------------------------------------------


def command_lint(arguments: argparse.Namespace) -> int:
    from .lint import LintError, lint_path

    found = 0
    unreadable = False
    for name in arguments.files:
        try:
            problems = lint_path(Path(name), content_type=arguments.content_type)
        except LintError as error:
            print(f"vtl lint: {error}", file=sys.stderr)
            unreadable = True
            continue
        for problem in problems:
            print(problem.text())
        found += len(problems)
    if unreadable:
        return 2
    return 1 if found else 0
