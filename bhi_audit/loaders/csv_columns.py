"""Validate a chunk of CSV rows column by column, building records only for rows proven valid.

Why: running the pydantic model once per row was most of what loading a large bundle cost.
Here each column is validated as a whole: the values a column repeats (dates, codes, enums,
amounts, flags, lists of them) are validated once per distinct cell by pydantic itself (a
``TypeAdapter`` built from the model field's own annotation and constraints, so the rules
cannot drift apart) and remembered; identifier and text columns, which rarely repeat, take a
plain ``str.strip`` that is exactly what their validators do to ASCII text. A row whose every
cell is proven valid becomes its record directly, with the values, defaults and fields-set
pydantic would have produced; any other row returns ``None`` and the caller sends it through
the model as before, so every rejection keeps its exact reasons (issue 12, step 4;
docs/performance.md says why this is plain Python and not pyarrow or polars).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from bhi_audit import models
from bhi_audit.models import Record

#: A cell left blank: the field takes its default and is not in the fields-set.
ABSENT: Any = object()
#: A cell the column pass could not prove valid: the whole row goes through the model.
FAIL: Any = object()
#: Distinct cells remembered per column before the memory is emptied (bounds memory on
#: columns that hardly repeat, such as a list of reviewed patients).
MEMO_LIMIT = 65_536

#: Converts one column's cells to values, ABSENT or FAIL.
Convert = Callable[[Sequence[str]], list[Any]]
#: A check on one row's values (every field) and the fields given in it.
RowCheck = Callable[[dict[str, Any], AbstractSet[str]], bool]


@dataclass(frozen=True)
class ColumnPlan:
    """How to validate and build one record kind from CSV columns."""

    model: type[Record]
    #: Every field in declaration order with its default (or None for a default factory).
    defaults: dict[str, Any]
    factories: tuple[tuple[str, Callable[[], Any]], ...]
    required: frozenset[str]
    #: Field name -> a fresh converter (converters remember cells, one per file).
    converters: dict[str, Callable[[], Convert]]
    #: The model's field validators, as checks on a row's converted values.
    row_checks: tuple[RowCheck, ...]
    #: The private attributes a validated record starts with (``_location``: None).
    private: dict[str, Any]
    #: False when the model has a validator this module cannot reproduce: every row then
    #: goes through the model.
    enabled: bool


def _adapter_for(info: FieldInfo) -> TypeAdapter[Any]:
    """A validator for one field's value alone: its annotation plus its constraints."""
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    return TypeAdapter(annotation)


def _validating(adapter: TypeAdapter[Any]) -> Callable[[str], Any]:
    """Judge one cell: ABSENT if blank, else pydantic's value for it, or FAIL."""
    validate = adapter.validate_python

    def convert(cell: str) -> Any:
        if not cell.strip():
            return ABSENT
        try:
            return validate(cell)
        except ValidationError:
            return FAIL

    return convert


def _remembering(adapter: TypeAdapter[Any], is_list: bool) -> Callable[[], Convert]:
    """Converter factory for repetitive columns: each distinct cell is validated once.

    Values are immutable (dates, enums, Decimals, strings) and shared between records, as
    equal values; a list is copied for every record, since records must not share one.
    """

    def make() -> Convert:
        ask = _validating(adapter)
        memo: dict[str, Any] = {}
        recall = memo.get

        def learn(cell: str) -> Any:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            value = memo[cell] = ask(cell)
            return value

        def convert(column: Sequence[str]) -> list[Any]:
            values = [
                value if (value := recall(cell, memo)) is not memo else learn(cell)
                for cell in column
            ]
            if is_list:
                values = [list(value) if type(value) is list else value for value in values]
            return values

        return convert

    return make


def _stripping(adapter: TypeAdapter[Any], max_length: int | None) -> Callable[[], Convert]:
    """Converter factory for identifier and text columns: ``strip()``, as their validator does.

    Only ASCII cells take the shortcut (their validator's surrogate check cannot fail on them
    and ``len`` counts what pydantic counts); any other cell, and a blank one, is handed to
    :func:`_validating`.
    """
    ask = _validating(adapter)
    limit = max_length if max_length is not None else 1 << 62

    def make() -> Convert:
        def convert(column: Sequence[str]) -> list[Any]:
            return [
                value if value and len(value) <= limit and cell.isascii() else ask(cell)
                for cell, value in zip(column, map(str.strip, column), strict=True)
            ]

        return convert

    return make


def _verbatim(adapter: TypeAdapter[Any]) -> Callable[[], Convert]:
    """Converter factory for free text (notes): kept exactly as written."""
    ask = _validating(adapter)

    def make() -> Convert:
        def convert(column: Sequence[str]) -> list[Any]:
            return [cell if cell.isascii() and cell.strip() else ask(cell) for cell in column]

        return convert

    return make


def _shortcut(hint: Any, adapter: TypeAdapter[Any]) -> Callable[[], Convert] | None:
    """The strip/verbatim shortcut for a field typed ``Identifier``, ``Text`` or ``FreeText``."""
    if hint in (models.Identifier, typing.Optional[models.Identifier]):  # noqa: UP045
        return _stripping(adapter, 128)
    if hint in (models.Text, typing.Optional[models.Text]):  # noqa: UP045
        return _stripping(adapter, None)
    if hint in (models.FreeText, typing.Optional[models.FreeText]):  # noqa: UP045
        return _verbatim(adapter)
    return None


def _is_list(annotation: Any) -> bool:
    """Whether a field holds a list (possibly optional)."""
    if typing.get_origin(annotation) is list:
        return True
    return any(typing.get_origin(arg) is list for arg in typing.get_args(annotation))


def _row_check(model: type[Record], name: str, fields: list[str]) -> RowCheck | None:
    """One ``mode="after"`` field validator as a check on a row, or None if not reproducible.

    Pydantic runs it only on a field given in the input, with ``info.data`` holding the
    fields declared before it; the check does the same and may not change the value.
    """
    decorator = model.__pydantic_decorators__.field_validators[name]
    info = decorator.info
    if info.mode != "after" or any(field not in fields for field in info.fields):
        return None
    func = decorator.func
    takes_info = len(inspect.signature(func).parameters) == 2
    targets = info.fields

    earlier = {field: fields[: fields.index(field)] for field in targets}

    class _Info:
        """What pydantic's ``info`` offers a validator here: the earlier given fields."""

        __slots__ = ("field", "given", "values")

        def __init__(self, values: dict[str, Any], given: AbstractSet[str], field: str) -> None:
            self.values = values
            self.given = given
            self.field = field

        @property
        def data(self) -> dict[str, Any]:
            return {key: self.values[key] for key in earlier[self.field] if key in self.given}

    def check(values: dict[str, Any], given: AbstractSet[str]) -> bool:
        for field in targets:
            if field not in given:
                continue
            value = values[field]
            try:
                result = func(value, _Info(values, given, field)) if takes_info else func(value)
            except (ValueError, AssertionError):
                return False
            if result is not value:
                return False
        return True

    return check


@cache
def plan_for(model: type[Record]) -> ColumnPlan:
    """The column plan of one record kind, derived from its pydantic model."""
    hints = typing.get_type_hints(model, include_extras=True)
    fields = list(model.model_fields)
    defaults: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    converters: dict[str, Callable[[], Convert]] = {}
    for name, info in model.model_fields.items():
        factory = info.default_factory
        if factory is not None:
            factories.append((name, typing.cast(Callable[[], Any], factory)))
            defaults[name] = None
        else:
            defaults[name] = None if info.is_required() else info.default
        adapter = _adapter_for(info)
        converters[name] = _shortcut(hints[name], adapter) or _remembering(
            adapter, _is_list(info.annotation)
        )
    decorators = model.__pydantic_decorators__
    checks = [_row_check(model, name, fields) for name in decorators.field_validators]
    enabled = (
        all(check is not None for check in checks)
        and not decorators.model_validators
        and not decorators.validators
        and not decorators.root_validators
        and model.model_config.get("extra") == "forbid"
    )
    private = {name: attr.get_default() for name, attr in model.__private_attributes__.items()}
    return ColumnPlan(
        model=model,
        defaults=defaults,
        factories=tuple(factories),
        required=frozenset(name for name, info in model.model_fields.items() if info.is_required()),
        converters=converters,
        row_checks=tuple(check for check in checks if check is not None),
        private=private,
        enabled=enabled,
    )


class ColumnValidator:
    """Validates chunks of one CSV file's rows; remembers cells across chunks of the file."""

    def __init__(self, model: type[Record]) -> None:
        self.plan = plan_for(model)
        self.header: list[str] = []
        self.converters: list[Convert] = []
        self.fields = list(self.plan.defaults)
        #: Fields-set of a row by the bit mask of its blank columns (one set shared by all
        #: records with the same fields given, as BundleBuilder.keep would share it anyway).
        self.given: dict[int, set[str]] = {}

    def set_header(self, header: Sequence[str]) -> None:
        """Name the file's columns (checked: every one is a field of the model)."""
        self.header = list(header)
        self.converters = [self.plan.converters[column]() for column in self.header]
        self.given.clear()

    def validate(self, rows: Sequence[Sequence[str]]) -> list[Record | None]:
        """One record per row proven valid, None for a row the model must judge.

        Every row must have at most as many cells as the header; missing cells are blank.
        Why so much happens per column: a list comprehension over a column costs a fraction
        of the same work done cell by cell inside a loop over rows.
        """
        plan = self.plan
        count = len(rows)
        if not plan.enabled or not count:
            return [None] * count
        width = len(self.header)
        padded = [
            row if len(row) == width else [*row, *([""] * (width - len(row)))] for row in rows
        ]
        by_field: dict[str, list[Any]] = {}
        failed: set[int] = set()
        blank = [0] * count
        required = 0
        for bit, (name, convert, cells) in enumerate(
            zip(self.header, self.converters, zip(*padded, strict=True), strict=True)
        ):
            column = convert(cells)
            if FAIL in column:
                failed.update(index for index, value in enumerate(column) if value is FAIL)
            if ABSENT in column:
                mask = 1 << bit
                blank = [
                    held | mask if value is ABSENT else held
                    for held, value in zip(blank, column, strict=True)
                ]
                column = self._fill(name, column)
            if name in plan.required:
                required |= 1 << bit
            by_field[name] = column
        for name in self.fields:
            if name not in by_field:
                by_field[name] = self._fill(name, [ABSENT] * count)
        fields = self.fields
        row_checks = plan.row_checks
        model = plan.model
        private = plan.private
        new = object.__new__
        setattr_ = object.__setattr__
        given_of = self.given
        records: list[Record | None] = []
        for index, (mask, cells) in enumerate(
            zip(blank, zip(*(by_field[name] for name in fields), strict=True), strict=True)
        ):
            if mask & required or index in failed:
                records.append(None)
                continue
            given = given_of.get(mask)
            if given is None:
                given = given_of[mask] = {
                    name for bit, name in enumerate(self.header) if not mask & (1 << bit)
                }
            values = dict(zip(fields, cells, strict=True))
            if row_checks and not all(check(values, given) for check in row_checks):
                records.append(None)
                continue
            record = new(model)
            setattr_(record, "__dict__", values)
            setattr_(record, "__pydantic_fields_set__", given)
            setattr_(record, "__pydantic_extra__", None)
            setattr_(record, "__pydantic_private__", private.copy() if private else None)
            records.append(record)
        return records

    def _fill(self, name: str, column: list[Any]) -> list[Any]:
        """A column with every blank cell replaced by the field's default (a fresh one each)."""
        factory = dict(self.plan.factories).get(name)
        if factory is not None:
            return [factory() if value is ABSENT else value for value in column]
        default = self.plan.defaults[name]
        return [default if value is ABSENT else value for value in column]
