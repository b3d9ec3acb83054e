"""The repository documents itself: its README, docs/ and templates point to nothing outside it.

A reader has the repository and nothing else: a mention of `../shared/DESIGN.md`, of a file
on the machine the text was written on, or a link to a file that was renamed is a dead end.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

FENCED_CODE = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(`+).+?\1", re.DOTALL)
# [text](target "title") and ![alt](target); reference definitions: [label]: target
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+[^)]*)?\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.MULTILINE)
URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
# A relative path that starts by climbing: ../x, ../../x
CLIMBING_PATH = re.compile(r"(?<![\w.])(?:\.\./)+[^\s`'\"()<>\[\]{}|,;]*")


def text_files() -> list[Path]:
    """README, every file under docs/ and templates/ that is text."""
    candidates = [*MARKDOWN_FILES]
    for folder in ("docs", "templates"):
        candidates += [path for path in sorted((ROOT / folder).rglob("*")) if path.is_file()]
    files = []
    for path in dict.fromkeys(candidates):
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # an image or a font: nothing to read
        files.append(path)
    return files


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def inside_repository(path: Path) -> bool:
    return path.resolve().is_relative_to(ROOT)


def without_code(markdown: str) -> str:
    """The prose of a Markdown text: links written inside code are examples, not links."""
    return INLINE_CODE.sub("", FENCED_CODE.sub("", markdown))


def link_targets(markdown: str) -> list[str]:
    prose = without_code(markdown)
    targets = INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)
    return [target.strip("<>") for target in targets]


def anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as
    hyphens (letters of every script kept), -1, -2... for repeated headings."""
    found: set[str] = set()
    for heading in HEADING.findall(FENCED_CODE.sub("", markdown)):
        heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        candidate, repeat = slug, 0
        while candidate in found:
            repeat += 1
            candidate = f"{slug}-{repeat}"
        found.add(candidate)
    return found


def test_no_text_of_the_repository_refers_to_the_shared_folder_outside_it():
    mentions = [
        relative(path)
        for path in text_files()
        if re.search(r"\.\./shared\b", path.read_text(encoding="utf-8"))
    ]
    assert mentions == [], f"« ../shared » est hors du dépôt : {mentions}"


def test_no_relative_path_in_the_texts_climbs_out_of_the_repository():
    escaping = [
        f"{relative(path)} : {found}"
        for path in text_files()
        for found in CLIMBING_PATH.findall(path.read_text(encoding="utf-8"))
        if not inside_repository(path.parent / found)
    ]
    assert escaping == [], f"chemins hors du dépôt : {escaping}"


def test_no_text_names_a_file_of_the_folder_the_repository_sits_in():
    # /work/main/... or /home/someone/... only exists on the machine the text was written on.
    if ROOT.parent == Path(ROOT.anchor):
        return  # the repository sits at the root: there is no folder around it to name
    around = re.compile(re.escape(ROOT.parent.as_posix()) + r"/[\w.-]+")
    mentions = [
        f"{relative(path)} : {found}"
        for path in text_files()
        for found in around.findall(path.read_text(encoding="utf-8"))
    ]
    assert mentions == [], f"chemins de la machine de rédaction : {mentions}"


def test_every_relative_link_of_the_readme_and_the_docs_points_to_an_existing_file():
    broken = []
    for path in MARKDOWN_FILES:
        for target in link_targets(path.read_text(encoding="utf-8")):
            if URL_SCHEME.match(target) or target.startswith("#"):
                continue
            file_part = target.split("#", 1)[0].split("?", 1)[0]
            if file_part.startswith("/"):
                broken.append(f"{relative(path)} : {target} (lien absolu : écrivez-le relatif)")
                continue
            linked = (path.parent / file_part).resolve()
            if not inside_repository(linked) or not linked.exists():
                broken.append(f"{relative(path)} : {target}")
    assert broken == [], f"liens vers un fichier absent du dépôt : {broken}"


def test_every_anchor_of_the_readme_and_the_docs_names_a_heading_of_its_page():
    broken = []
    for path in MARKDOWN_FILES:
        for target in link_targets(path.read_text(encoding="utf-8")):
            if URL_SCHEME.match(target) or "#" not in target:
                continue
            file_part, anchor = target.split("#", 1)
            page = (path.parent / file_part).resolve() if file_part else path
            if page.suffix != ".md" or not page.is_file():
                continue  # a missing page is the test above's to report
            if anchor not in anchors(page.read_text(encoding="utf-8")):
                broken.append(f"{relative(path)} : {target}")
    assert broken == [], f"ancres sans titre correspondant : {broken}"


def test_the_readme_links_the_business_rules_and_the_api_contract():
    targets = link_targets((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "docs/regles-metier.md" in targets
    assert "docs/api.md" in targets
