"""Welsh and Polish: committed catalogs that match their sources, and pages
that follow the browser's language or the footer's choice."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from openics.core.management.commands.compile_translations import catalogs

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def test_there_are_welsh_and_polish_catalogs():
    languages = {path.parent.parent.name for path in catalogs()}
    assert {"cy", "pl"} <= languages
    assert {code for code, _name in settings.LANGUAGES} >= languages


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda p: p.parent.parent.name)
def test_each_committed_mo_is_compiled_from_its_po(po_path: Path, tmp_path: Path):
    expected = tmp_path / "django.mo"
    polib.pofile(str(po_path)).save_as_mofile(str(expected))
    committed = po_path.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run `make messages`"
    assert committed.read_bytes() == expected.read_bytes(), f"{committed} is stale: run `make messages`"


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda p: p.parent.parent.name)
def test_translations_keep_every_placeholder(po_path: Path):
    for entry in polib.pofile(str(po_path)).translated_entries():
        if entry.msgid_plural:
            # Each plural form may drop the number (Welsh "one" forms do), but
            # never carries a placeholder the source does not have.
            allowed = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural))
            for form in entry.msgstr_plural.values():
                assert set(PLACEHOLDER.findall(form)) <= allowed, entry.msgid
            # The last form serves the general case: it keeps every placeholder.
            last = entry.msgstr_plural[max(entry.msgstr_plural)]
            assert sorted(PLACEHOLDER.findall(entry.msgid_plural)) == sorted(PLACEHOLDER.findall(last)), entry.msgid
            continue
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid


@pytest.mark.parametrize(
    ("header", "lang", "heading"),
    [
        ("cy", "cy", "Mewngofnodi i OpenICS"),
        ("pl,en;q=0.5", "pl", "Zaloguj się do OpenICS"),
        ("en-GB", "en-gb", "Sign in to OpenICS"),
    ],
)
def test_the_sign_in_page_follows_the_browsers_language(client, header, lang, heading):
    page = client.get("/sign-in/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
    assert f'<html lang="{lang}"' in page and heading in page


def test_the_footer_choice_switches_the_language(world, client_for):
    client = client_for(world.sam_sw)
    assert "My work" in client.get("/my-work/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "cy", "next": "/my-work/"})
    assert response.status_code == 302 and response["Location"] == "/my-work/"
    page = client.get("/my-work/").content.decode()
    assert '<html lang="cy"' in page and "Fy ngwaith" in page
