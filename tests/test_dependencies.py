"""R29: the libraries that parse untrusted input or render templates are at versions past
their known CVEs (pip-audit in CI cannot look them up on this machine's package index, see
.ci/audit)."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from packaging.version import Version

# the first versions without the advisories we know of
MINIMUMS = {
    "pypdf": "6.4.0",  # malformed PDFs: endless loops and memory exhaustion up to 6.3.x
    "Jinja2": "3.1.6",  # sandbox escapes via |attr and the format method (CVE-2025-27516)
    "Werkzeug": "3.1.4",
    "Flask": "3.1.1",  # CVE-2025-47278
}


@pytest.mark.parametrize(("package", "minimum"), sorted(MINIMUMS.items()))
def test_installed_versions_are_past_their_known_vulnerabilities(package, minimum):
    assert Version(version(package)) >= Version(minimum), f"{package} {version(package)}"
