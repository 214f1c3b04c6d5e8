"""The hand-written stylesheet: WCAG AA contrast in light and dark mode, small, no outside resources."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR, "static", "css", "gazette.css").read_text(encoding="utf-8")
JS = Path(settings.BASE_DIR, "static", "js", "gazette.js").read_text(encoding="utf-8")

# (text, background) pairs the stylesheet actually uses
PAIRS = [
    ("fg", "bg"),
    ("muted", "bg"),
    ("accent", "bg"),
    ("on-accent", "accent"),
    ("accent", "accent-bg"),
    ("muted", "card"),
    ("accent", "card"),
    ("fg", "mark"),
    ("muted", "accent-bg"),
    ("error", "bg"),
]


def _palettes():
    light = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6})", CSS.split("@media (prefers-color-scheme: dark)")[0]))
    dark_block = re.search(r"@media \(prefers-color-scheme: dark\) \{(.*?)\}\s*\}", CSS, re.S).group(1)
    dark = {**light, **dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6})", dark_block))}
    return {"light": light, "dark": dark}


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colours_meet_wcag_aa(scheme, text, background):
    palette = _palettes()[scheme]
    ratio = contrast(palette[text], palette[background])
    assert ratio >= 4.5, f"{scheme}: --{text} on --{background} is {ratio:.2f}:1"


def test_stylesheet_and_script_are_small_and_self_contained():
    assert len(CSS.encode()) < 20_000
    assert len(JS.encode()) < 5_000
    assert "@import" not in CSS and "url(http" not in CSS
    assert "http" not in JS


def test_stylesheet_has_dark_mode_print_and_phone_rules():
    assert "@media (prefers-color-scheme: dark)" in CSS
    assert "@media print" in CSS
    assert "@media (max-width: 30rem)" in CSS  # 360 px phones
    assert ":focus-visible" in CSS
