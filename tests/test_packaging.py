"""A non-editable install must still find the catalogs, templates and migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_catalogs_document_templates_web_templates_and_migrations(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("foerderwerk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "foerderwerk_locale/de/LC_MESSAGES/messages.mo",
        "foerderwerk_doc_templates/manifest.toml",
        # the sample record of the templates' preview (issue 16.4)
        "foerderwerk_doc_templates/beispiele/beispieldaten.json",
        "foerderwerk_doc_templates/beispiele/fonds.toml",
        "service/web/templates/base.html",
        "service/web/static/site.css",
        "service/migrations/script.py.mako",
        "service/demo/guideline-aif.toml",
        "service/domain/base_rates.toml",
        # the password rules' lists and the licence of the one taken from Django
        "service/domain/data/common-passwords.txt.gz",
        "service/domain/data/common-passwords-de.txt",
        "service/domain/data/COMMON-PASSWORDS-LICENSE.txt",
        "service/mail_texts/templates/password_reset.txt",
    }
    assert expected <= names
    assert not any(name.startswith("locale/") for name in names), "would shadow stdlib locale"
