"""The glossaries as JupyterLab translation catalogs, for the lab renderer's controls.

JupyterLab translates an extension's words through its translation bundle (``trans.__``), from
catalogs that installed packages declare with the ``jupyterlab.locale`` entry point: a JSON file
``matdiff_magic/locale/<locale>/LC_MESSAGES/matdiff_magic.json`` per language, in the gettext
JSON form JupyterLab's language packs use. They are written here from the glossaries (every
wording without a placeholder, as the glossary writes it), so the glossary stays the one place
with the wording; the registry's identity names (``element-wise sin``, ``chain rule (relu)``),
which the glossary words through a template, are added as the glossary translates them, since
the lab's cheat sheet looks each one up whole. JupyterLab shows them when its own language is that one (a language pack such
as ``jupyterlab-language-pack-zh-CN`` selected in Settings → Language).

    .venv/bin/python -m matdiff_magic.i18n.jupyterlab          # rewrite the catalogs
"""

from __future__ import annotations

import json
import re
from pathlib import Path

DOMAIN = "matdiff_magic"  # the lab renderer's translator.load(DOMAIN)
LOCALES = {"zh": "zh_CN"}  # glossary -> JupyterLab's locale
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_HERE = Path(__file__).resolve().parent


def catalog(lang: str) -> dict:
    """The catalog of ``lang``: gettext JSON, each wording without a placeholder a message."""
    with open(_HERE / f"{lang}.json", encoding="utf-8") as f:
        entries = json.load(f)
    # JupyterLab's Gettext files messages under the header's language and looks them up under
    # its locale with "_" turned into "-": "zh_CN" here would never be found (its packs say zh-CN).
    language = LOCALES[lang].replace("_", "-")
    head = {"domain": DOMAIN, "language": language, "plural_forms": "nplurals=1; plural=0;"}
    messages = {
        key: [value]
        for key, value in sorted(entries.items())
        if not key.startswith("//") and not re.search(r"\{\d+\}", key)
    }
    messages.update(_identity_names(lang, messages))
    return {"": head, **dict(sorted(messages.items()))}


def _identity_names(lang: str, known: dict) -> dict:
    """The registry's identity names no plain entry covers, as the glossary's templates word them."""
    from matdiff_magic.i18n import translate
    from matdiff_magic.ops.identity import catalogue

    names = {identity.name for identity in catalogue().values()} - set(known)
    return {name: [translate(name, lang)] for name in sorted(names) if name}


def path(lang: str) -> Path:
    return LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.json"


def text(lang: str) -> str:
    return json.dumps(catalog(lang), ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    for lang in LOCALES:
        path(lang).parent.mkdir(parents=True, exist_ok=True)
        path(lang).write_text(text(lang), encoding="utf-8")
        print(f"wrote {path(lang)}")


if __name__ == "__main__":
    main()
