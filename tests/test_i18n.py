"""Chinese first, English on request; the catalogs are complete and compiled.

When a catalog test fails: run scripts/i18n.sh (extract, update, compile), add the missing
Chinese (scripts/i18n.sh list.txt merges "msgid<TAB>中文" lines), and commit .po and .mo.
"""
from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "meeting" / "translations"
# Babel names the zh_CN locale zh_Hans_CN, and gettext looks up "zh_Hans_CN" then "zh":
# the Chinese catalog lives under "zh" so it is found whichever name Babel reports.
CATALOGS = {"zh": TRANSLATIONS / "zh" / "LC_MESSAGES", "en": TRANSLATIONS / "en" / "LC_MESSAGES"}


def read_catalog(locale: str):
    """The .po catalog of a locale."""
    with (CATALOGS[locale] / "messages.po").open("rb") as fh:
        return read_po(fh, locale={"zh": "zh_CN", "en": "en"}[locale])


def msgid_of(message) -> str:
    """The (singular) msgid."""
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def test_the_log_in_page_is_in_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "登录" in html and "用户名" in html and "密码" in html
    assert "Log in" not in html


def test_lang_en_switches_to_english_and_is_remembered(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Log in" in html and "登录" not in html
    assert "Username" in client.get("/login").get_data(as_text=True)
    back = client.get("/login?lang=zh_CN").get_data(as_text=True)
    assert "登录" in back and 'href="/login?lang=en"' in back


def test_the_language_switch_keeps_the_page_and_its_query(client, session):
    from tests.helpers_roster import login, make_user

    make_user(session, "organiser")
    login(client, "organiser")
    html = client.get("/admin/cadres?name=%E5%BC%A0&page=1").get_data(as_text=True)
    assert 'href="/admin/cadres?name=%E5%BC%A0&amp;page=1&amp;lang=en"' in html
    assert "干部名册" in html


def test_server_messages_are_translated_too(client, session):
    from tests.helpers_roster import login

    html = login(client, "nobody", "wrong").get_data(as_text=True)
    assert "用户名或密码错误" in html


def test_every_msgid_has_a_chinese_translation():
    catalog = read_catalog("zh")
    missing = [msgid_of(m) for m in catalog if m.id and (m.fuzzy or not all(
        m.string if isinstance(m.string, (list, tuple)) else [m.string]))]
    assert not missing, "untranslated (run scripts/i18n.sh with a list):\n" + "\n".join(missing)


def test_translations_keep_the_placeholders_of_their_msgid():
    problems = [f"{msgid_of(m)}: {errors}" for m, errors in read_catalog("zh").check() if errors]
    assert not problems, "\n".join(problems)


def test_the_catalog_holds_every_msgid_in_the_code():
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    in_code = {msgid if isinstance(msgid, str) else msgid[0]
               for _file, _line, msgid, *_rest in extract_from_dir(str(ROOT), method_map, options_map,
                                                                  keywords=keywords)}
    in_catalog = {msgid_of(m) for m in read_catalog("zh") if m.id}
    missing = sorted(in_code - in_catalog)
    assert not missing, "not in the catalog (run scripts/i18n.sh):\n" + "\n".join(missing)


@pytest.mark.parametrize("locale", sorted(CATALOGS))
def test_the_compiled_catalog_is_in_step_with_the_po_file(locale):
    catalog = read_catalog(locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    with (CATALOGS[locale] / "messages.mo").open("rb") as fh:
        committed = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    expected.pop("", None)
    committed.pop("", None)  # headers carry dates; the messages are what matter
    assert committed == expected, f"{locale}: messages.mo is stale: run scripts/i18n.sh"
