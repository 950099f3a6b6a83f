"""`make screenshots` (scripts/screenshots.py), its staff part: the demo case store, the workspace
and the browser give a queue and a case page as PNGs of a laptop's width, and the queue shows
something (not a blank or error page). The chat's screenshot needs Rasa and is not taken here."""
from __future__ import annotations

import importlib.util

from PIL import Image, ImageStat

from bot.settings import PROJECT_ROOT
from tests.channels.conftest import browser  # noqa: F401 - shared fixture

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_script():
    spec = importlib.util.spec_from_file_location("screenshots", PROJECT_ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_staff_screenshots_are_pngs_of_a_laptop_screen(browser, tmp_path):  # noqa: F811
    script = load_script()
    (tmp_path / "work").mkdir()
    written = script.staff_screenshots(browser, tmp_path / "out", tmp_path / "work")
    queue, case = tmp_path / "out" / script.QUEUE_PNG, tmp_path / "out" / script.CASE_PNG
    assert written == [queue, case]
    for path in written:
        assert path.read_bytes()[:8] == PNG_SIGNATURE, path
        assert path.stat().st_size < 300_000, (path, path.stat().st_size)
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.width == script.LAPTOP["width"], (path, image.size)
            assert image.height >= script.LAPTOP["height"], (path, image.size)
    with Image.open(queue) as image:
        grey = image.convert("L")
        assert ImageStat.Stat(grey).stddev[0] > 20        # text, tables and the header, not blank
        assert len(grey.getcolors(256) or range(256)) > 16
        assert image.height > script.LAPTOP["height"]     # the whole queue: all the demo cases
