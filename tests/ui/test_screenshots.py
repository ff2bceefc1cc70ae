"""The README's pictures: ``make screenshots`` (hartdesk/ui/screenshots.py) makes exactly the ones it shows, and they
were made from the sources as they are now."""

from __future__ import annotations

import re
from pathlib import Path

from hartdesk.ui.screenshots import ALL_FILES, ROOT, SCREEN_FILES, SOURCES_FILE, source_files, sources_digest

README = ROOT / "README.md"
FOLDER = ROOT / "docs" / "screenshots"
SHOWN = re.compile(r"!\[[^\]]*\]\(docs/screenshots/([^)\s]+)\)")


def shown_in_readme() -> set[str]:
    return set(SHOWN.findall(README.read_text(encoding="utf-8")))


def test_the_screenshots_cover_every_screen_an_administrator_has() -> None:
    from hartdesk.ui.main_window import screen_classes

    assert [cls.__name__ for cls in screen_classes()] == list(SCREEN_FILES)
    assert len(set(SCREEN_FILES.values())) == len(SCREEN_FILES)


def test_the_readme_shows_exactly_the_pictures_make_screenshots_makes() -> None:
    made = set(ALL_FILES)
    assert len(made) == len(ALL_FILES), "a file name is written twice"
    shown = shown_in_readme()
    assert shown - made == set(), "the README shows pictures that `make screenshots` does not make"
    assert made - shown == set(), "`make screenshots` makes pictures that the README does not show"
    in_folder = {p.name for p in FOLDER.glob("*.png")}
    assert made - in_folder == set(), "pictures missing from docs/screenshots/: run `make screenshots`"
    assert in_folder - made == set(), "docs/screenshots/ holds pictures nothing makes: delete them"


def test_the_screenshots_were_made_from_the_sources_as_they_are() -> None:
    recorded = (FOLDER / SOURCES_FILE).read_text(encoding="ascii").strip()
    assert recorded == sources_digest(), (
        "The GUI, the demo data or the resources changed since the README's screenshots were made: "
        "run `make screenshots` (and look at the pictures before committing them)."
    )


def test_the_fingerprint_covers_the_gui_the_demo_and_the_resources_but_no_caches() -> None:
    names = [p.relative_to(ROOT).as_posix() for p in source_files()]
    assert names == sorted(names)
    assert "hartdesk/ui/screenshots.py" in names
    assert "hartdesk/demo.py" in names
    assert "hartdesk/privacy/demo_breaches.py" in names
    assert any(n.startswith("resources/fonts/") for n in names)
    assert any(n.startswith("resources/wording/") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_the_fingerprint_changes_with_a_file_or_its_name(tmp_path: Path) -> None:
    for name in ("hartdesk/ui/a.py", "hartdesk/demo.py", "hartdesk/register/demo_data.py", "resources/x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("one")
    for name in ("hartdesk/privacy/demo_requests.py", "hartdesk/privacy/demo_breaches.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("two")
    (tmp_path / "hartdesk/ui/__pycache__").mkdir()
    first = sources_digest(tmp_path)
    (tmp_path / "hartdesk/ui/__pycache__/a.cpython-311.pyc").write_bytes(b"cache")
    assert sources_digest(tmp_path) == first  # caches do not count
    (tmp_path / "resources/x.txt").write_text("One")
    changed = sources_digest(tmp_path)
    assert changed != first
    (tmp_path / "resources/x.txt").rename(tmp_path / "resources/y.txt")
    assert sources_digest(tmp_path) != changed


def test_take_makes_every_picture_on_a_small_demo(tmp_path: Path) -> None:
    from hartdesk.ui.screenshots import take

    written = take(tmp_path, clients=20)
    assert sorted(p.name for p in written) == sorted([*ALL_FILES, SOURCES_FILE])
    assert all(p.stat().st_size > 1000 for p in written if p.suffix == ".png")
