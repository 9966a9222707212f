"""Where each record id was first seen: the duplicate rule's memory, kept small.

Why its own structure: the duplicate rule (``BundleBuilder.keep``) must see every id of the
whole input, so this is the one part of loading that grows with the input even when the
records themselves are filed to disk (bhi_audit/loaders/spill.py). As a dict from a
``(kind, "field=value")`` tuple to a ``Location`` it cost about 250 bytes per record (a tuple,
a new string and a location object per id): most of the streamed loader's memory on a large
input. Here each kind has its own dict from the id itself (the record's own string, no copy)
to one integer that packs the file and the CSV row; a location that is not a plain row (a JSON
pointer, an X12 segment) is kept as it is. The first location is only rebuilt when a duplicate
is found, so the rejection message stays exactly ``duplicate of claims.csv:12``.
"""

from __future__ import annotations

from bhi_audit.models import Location

#: Bits of a packed location that hold the file's index (the row is in the bits above).
FILE_BITS = 16
FILE_MASK = (1 << FILE_BITS) - 1


class FirstSeen:
    """The first location of every (kind, id) key given to :meth:`first`."""

    def __init__(self) -> None:
        self._ids: dict[str, dict[str, int | Location]] = {}
        self._file_index: dict[str, int] = {}
        self._files: list[str] = []

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._ids.values())

    def first(self, kind: str, ident: str, location: Location) -> Location | None:
        """None for a new key (remembered at ``location``); else where the key was first seen."""
        ids = self._ids.get(kind)
        if ids is None:
            ids = self._ids[kind] = {}
        seen = ids.get(ident)
        if seen is not None:
            return self._unpack(seen)
        ids[ident] = self._pack(location)
        return None

    def _pack(self, location: Location) -> int | Location:
        """One integer for a file and row (most records); the location itself otherwise."""
        if (
            location.row is None
            or location.pointer is not None
            or location.segment is not None
            or location.start is not None
        ):
            return location
        index = self._file_index.get(location.file)
        if index is None:
            if len(self._files) > FILE_MASK:
                return location
            index = self._file_index[location.file] = len(self._files)
            self._files.append(location.file)
        return location.row << FILE_BITS | index

    def _unpack(self, seen: int | Location) -> Location:
        if isinstance(seen, Location):
            return seen
        return Location(file=self._files[seen & FILE_MASK], row=seen >> FILE_BITS)
