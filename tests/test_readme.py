"""The README's examples are real: its article, profile and properties.yaml build as documented."""

from __future__ import annotations

import re

from conftest import ROOT, soup, write_files

README = (ROOT / "README.md").read_text(encoding="utf-8")


def example(after_heading: str, language: str) -> str:
    """The first fenced block of `language` below a heading of the README."""
    section = README.split(f"## {after_heading}\n", 1)[1]
    return re.search(rf"```{language}\n(.*?)```", section, re.S).group(1)


def test_quick_start_is_two_commands_that_ci_runs_word_for_word():
    block = example("Quick start", "sh").strip().splitlines()
    assert len(block) == 2
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert all(command in ci.splitlines() for command in block)


def test_readme_examples_build_into_the_pages_they_describe(tmp_path, run_cli):
    write_files(tmp_path / "content", {
        "articles/acme-deal.md": example("Writing an article", "markdown"),
        "companies/acme.md": example("Profiles", "markdown"),
        "properties.yaml": example("properties.yaml", "yaml"),
    })
    out = tmp_path / "out"
    run = run_cli("--content", tmp_path / "content", "--output", out, "-q")
    assert run.status == 0, run.err
    acme = soup(out / "companies/acme/index.html")
    assert acme.h1.get_text() == "Acme Motors" and "阿克米" in acme.find(class_="aliases").get_text()
    rows = {th.get_text(): th.find_parent("tr") for th in acme.select("table.facts th[scope=row]")}
    assert rows["headquarters"].find("td", class_="value").a["href"] == "../../sites/rivertown/index.html"
    assert "over 500 people" in rows["headcount"].get_text()
    plant = soup(out / "sites/acme-rivertown-plant/index.html")
    capacity = plant.find("th", string="Annual capacity").find_parent("tr")
    assert "300,000 vans" in capacity.get_text() and "planned" in capacity.get_text()
    assert "#:~:text=300%2C000%20vans%20a%20year" in capacity.find("td", class_="sources").a["href"]
    assert (out / "articles/acme-rivertown-deal/index.html").is_file()
    assert (out / "events/acme-investor-day-2021/index.html").is_file()
