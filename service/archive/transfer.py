"""Copying every stored document from one backend to another (``foerderwerk storage migrate``).

Each address is read from the source with its hash checked, written to the target, and read
back from the target with its hash checked again. The source is left as it is: switching
``FOERDERWERK_STORAGE`` afterwards completes the move, and until then nothing depends on the
copy. ``commit`` runs after every item, so an interruption loses nothing; a re-run skips
every address the target already holds with matching bytes (content addressing makes the copy
idempotent: the same bytes cannot be stored twice).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .storage import DocumentNotFoundError, Storage, TamperedDocumentError

log = logging.getLogger(__name__)


@dataclass
class TransferReport:
    total: int = 0
    copied: int = 0
    copied_bytes: int = 0
    already_present: int = 0
    missing: list[str] = field(default_factory=list)  # in neither store: lost
    damaged_in_source: list[str] = field(default_factory=list)
    damaged_in_target: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.damaged_in_source or self.damaged_in_target)


Progress = Callable[[int, int, str, str], None]  # done, total, address, outcome


def transfer_documents(
    source: Storage,
    target: Storage,
    referenced: Iterable[str],
    *,
    commit: Callable[[], None] = lambda: None,
    progress: Progress | None = None,
) -> TransferReport:
    """Copy the addresses ``referenced`` by the register and every other address ``source``
    holds into ``target``, each verified on both sides."""
    addresses = sorted(set(referenced) | set(source.iter_addresses()))
    report = TransferReport(total=len(addresses))
    for done, address in enumerate(addresses, start=1):
        outcome = _transfer_one(source, target, address, report)
        commit()
        if progress is not None:
            progress(done, report.total, address, outcome)
    return report


def _transfer_one(source: Storage, target: Storage, address: str, report: TransferReport) -> str:
    if target.exists(address):
        try:
            target.get(address)
        except TamperedDocumentError:
            # Never overwritten, not even to repair: a person has to look at it.
            report.damaged_in_target.append(address)
            return "damaged-in-target"
        report.already_present += 1
        return "present"
    try:
        data = source.get(address)
    except DocumentNotFoundError:
        log.error("document %s is referenced but stored nowhere", address)
        report.missing.append(address)
        return "missing"
    except TamperedDocumentError:
        report.damaged_in_source.append(address)
        return "damaged-in-source"
    stored = target.put(data)
    if stored != address:  # pragma: no cover - a backend that does not address by SHA-256
        raise RuntimeError(f"the target answered {stored} for content {address}")
    target.get(address)  # read back: raises if the copy does not match its address
    report.copied += 1
    report.copied_bytes += len(data)
    return "copied"
