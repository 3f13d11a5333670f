"""Only the package list lives here: pyproject.toml cannot combine package discovery with the
two data folders mapped from the top level (doc_templates/, locale/)."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["service", "service.*", "forms", "forms.*"]),
        "foerderwerk_doc_templates",
        "foerderwerk_locale",
    ],
)
