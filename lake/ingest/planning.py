"""What an ingest reads of a landing file: the contracts that claim it, and the parts to
read (the file itself, a gzip's content, or the members of a zip), unpacked into scratch."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from lake.errors import ContractError
from lake.ingest.contract import Dataset
from lake.ingest.outcomes import LandingFile, no_contract
from lake.ingest.readers import Part, gunzip
from lake.ingest.scan import LineCount, UnpackLimits, bounded_copy


def candidates(all_datasets: Sequence[Dataset], landing_file: LandingFile) -> list[Dataset]:
    """The datasets of the file's source (only the one it was landed as, when named)."""
    datasets = [d for d in all_datasets if d.source == landing_file.source]
    hint = landing_file.dataset_hint
    if hint:
        chosen = [d for d in datasets if d.name == hint]
        if not chosen:
            raise ContractError(
                "unknown_dataset",
                f"{landing_file.name} was landed as dataset '{hint}', which source "
                f"'{landing_file.source}' does not declare",
                f"declared datasets: {', '.join(d.name for d in datasets) or 'none'}; "
                "land it again with the right --dataset, or add a contract in "
                f"lake/contracts/{landing_file.source}.py, then 'lake quarantine retry'",
            )
        return chosen
    return datasets


def plan(
    all_datasets: Sequence[Dataset],
    landing_file: LandingFile,
    scratch: Path,
    lines: LineCount | None = None,
) -> list[tuple[Dataset, Part, str]]:
    """Which (dataset, readable part, output suffix) triples this file holds: a zip's
    members, a gzip's content (unpacked into scratch), or the file itself. `lines`: the
    landing file's lines, counted while its hash was checked."""
    claimants = candidates(all_datasets, landing_file)
    name = landing_file.name
    with landing_file.path.open("rb") as handle:
        magic = handle.read(4)
    if name.lower().endswith(".zip") or magic == b"PK\x03\x04":
        return plan_zip(landing_file, claimants, scratch)
    inner = name[:-3] if name.lower().endswith(".gz") else name
    claimed = [d for d in claimants if d.claims(name) or d.claims(inner)]
    if landing_file.dataset_hint:
        claimed = claimants
    if not claimed:
        raise no_contract(landing_file, claimants, parsed=False)
    path = landing_file.path
    if magic[:2] == b"\x1f\x8b":
        path = scratch / "gunzipped"
        lines = gunzip(landing_file.path, path, name)
    part = Part(path, inner, landing_file.rel_path, landing_file.metadata, lines, scratch)
    return [(dataset, part, "") for dataset in claimed]


def plan_zip(
    landing_file: LandingFile, candidates: list[Dataset], scratch: Path
) -> list[tuple[Dataset, Part, str]]:
    claimed = [d for d in candidates if d.member and d.claims(landing_file.name)]
    if not claimed:
        raise no_contract(landing_file, candidates, parsed=False)
    try:
        archive = zipfile.ZipFile(landing_file.path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ContractError(
            "corrupt_zip",
            f"{landing_file.name} is not a readable zip archive ({exc})",
            "the download was probably cut short: fetch the export again and land it",
        ) from exc
    plan: list[tuple[Dataset, Part, str]] = []
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        _refuse_duplicate_members(members, landing_file.name)
        for dataset in claimed:
            for index, member in enumerate(members):
                if dataset.claims_member(member.filename):
                    target = scratch / f"member-{index}"
                    lines = _extract_member(archive, member, target, landing_file.name)
                    if member.filename.lower().endswith(".gz"):
                        target = target.rename(scratch / f"member-{index}.gz")
                        lines = gunzip(target, scratch / f"member-{index}", member.filename)
                        target.unlink()  # scratch holds one unpacked copy at a time
                        target = scratch / f"member-{index}"
                    part = Part(
                        target,
                        PurePosixPath(member.filename).name,
                        f"{landing_file.rel_path}!{member.filename}",
                        landing_file.metadata,
                        lines,
                        scratch,
                    )
                    plan.append((dataset, part, f"-m{index}"))
        if not plan:
            found = ", ".join(m.filename for m in members) or "nothing"
            wanted = ", ".join(sorted({d.member or "" for d in claimed}))
            raise ContractError(
                "no_matching_member",
                f"{landing_file.name} holds {found}; its contract expects a member "
                f"matching {wanted}",
                "check that this is the right export (the platform may have renamed the "
                "file inside); update `member` in the contract, then 'lake quarantine retry'",
                {"members": [m.filename for m in members]},
            )
    return plan


def _refuse_duplicate_members(members: list[zipfile.ZipInfo], name: str) -> None:
    """Two members with one name: which is the export? Reading both would double its rows."""
    names = [m.filename for m in members]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ContractError(
            "duplicate_members",
            f"{name} holds more than one member named {', '.join(twice)}",
            "a platform's export never repeats a name: download the export again and land "
            "it; if it was rebuilt by hand, zip each file once",
            {"members": twice},
        )


def _refuse_unreadable_member(member: zipfile.ZipInfo, name: str) -> None:
    if member.flag_bits & 0x1:
        raise ContractError(
            "encrypted_zip",
            f"{name}: member {member.filename} is encrypted (password-protected)",
            "export or download it again without a password (or unzip it yourself and "
            "'lake land' the files inside)",
        )
    if member.compress_type not in _READABLE_METHODS:
        raise ContractError(
            "unsupported_zip",
            f"{name}: member {member.filename} uses compression method "
            f"{member.compress_type}, which lake cannot unpack (stored, deflate, bzip2, lzma)",
            "unzip it with a tool that knows the method (7-Zip for AES or deflate64) and "
            "'lake land' the files inside, or re-export it with ordinary zip compression",
            {"method": member.compress_type},
        )


_READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def _extract_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, name: str
) -> LineCount:
    _refuse_unreadable_member(member, name)
    label = f"{name}: member {member.filename}"
    try:
        with archive.open(member) as src, target.open("wb") as out:
            return bounded_copy(src, out, label, member.compress_size, UnpackLimits.from_env())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ContractError(
            "corrupt_zip",
            f"{name}: member {member.filename} cannot be extracted ({exc})",
            "the download was probably cut short: fetch the export again and land it",
        ) from exc
