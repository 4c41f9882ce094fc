"""Read a saved JSON report (docs/json-report.md, format 1.x) back into an AuditResult.

So that waivers can be drafted from the report of an audit that ran earlier, or
elsewhere, without the inventory or the lifecycle data. Keys added by later minor
versions are ignored; what a draft needs is checked, with errors naming the file and
the JSON path (exit 2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tma_audit import jsonio
from tma_audit.errors import InputError
from tma_audit.limits import MAX_DAYS, MAX_EFFORT_HOURS, audit_date_problem
from tma_audit.model import (
    AppliesTo,
    AssetKind,
    AuditResult,
    Clause,
    Client,
    DataInfo,
    Impact,
    Location,
    Outcome,
    Payer,
    Remediation,
    Rule,
    Ruleset,
    Site,
    Subject,
    SubjectResult,
    SubjectType,
    Verdict,
)
from tma_audit.rules.parameters import GLOBAL_PARAMS

FORMAT_NAME = "tma-audit-report"
SUPPORTED_MAJOR = "1"


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, message: str, path: str) -> InputError:
        return InputError(message, file=self.file, field=path or None)

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"expected an object, got {_kind(value)}", path)
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"expected a list, got {_kind(value)}", path)
        return value

    def text(self, data: dict[str, Any], key: str, path: str, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and not value):
            raise self.fail(f"expected text, got {_kind(value)}", f"{path}.{key}")
        return value

    def date(
        self, data: dict[str, Any], key: str, path: str, required: bool = True
    ) -> dt.date | None:
        text = self.text(data, key, path, required)
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise self.fail(f"bad date {text!r}: expected YYYY-MM-DD", f"{path}.{key}") from None

    def enum(self, kind: Any, value: Any, path: str) -> Any:
        try:
            return kind(value)
        except ValueError:
            choices = ", ".join(m.value for m in kind)
            raise self.fail(f"unknown value {value!r}; expected one of: {choices}", path) from None


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), f"a {type(value).__name__}"
    )


def _shown(value: Any) -> str:
    """A number as it is, anything else by its kind."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return _kind(value)


def is_json_report(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def load_report(path: Path) -> AuditResult:
    from tma_audit.fileio import read_input

    file = str(path)
    raw = read_input(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8 text", file=file) from None
    return parse_report(jsonio.loads(text, file, InputError), file)


def parse_report(data: Any, file: str) -> AuditResult:
    r = _Reader(file)
    top = r.obj(data, "")
    if top.get("format") != FORMAT_NAME:
        raise r.fail(
            f"not a tma-audit JSON report (format is {top.get('format')!r}, expected "
            f"{FORMAT_NAME!r}); write one with `tma-audit audit INVENTORY --format json`",
            "format",
        )
    version = str(top.get("format_version", ""))
    if version.split(".", maxsplit=1)[0] != SUPPORTED_MAJOR:
        raise r.fail(
            f"report format version {version!r} is not supported (this tool reads 1.x)",
            "format_version",
        )
    client_data = r.obj(top.get("client"), "client")
    sites = []
    for index, site in enumerate(r.items(client_data.get("sites", []), "client.sites")):
        site_data = r.obj(site, f"client.sites[{index}]")
        name = r.text(site_data, "name", f"client.sites[{index}]")
        assert name is not None
        sites.append(Site(name=name, internet=bool(site_data.get("internet", True))))
    client_name = r.text(client_data, "name", "client")
    assert client_name is not None
    client = Client(
        name=client_name,
        contact=r.text(client_data, "contact", "client", required=False),
        sites=tuple(sites),
    )
    ruleset = _ruleset(r, top)
    data_info = _data(r, r.obj(top.get("data"), "data"))
    as_of = r.date(top, "audit_date", "")
    assert as_of is not None
    problem = audit_date_problem(as_of)
    if problem is not None:
        raise r.fail(problem, "audit_date")
    known = {rule.id for rule in ruleset.rules}
    results, by_rule = _results(r, r.items(top.get("results"), "results"), ruleset, known)
    inventory = [str(x) for x in r.items(top.get("inventory", []), "inventory")]
    notes = [str(x) for x in r.items(top.get("notes", []), "notes")]
    return AuditResult(
        client=client,
        ruleset=ruleset,
        as_of=as_of,
        data=data_info,
        results=tuple(results),
        by_rule=by_rule,
        inventory_sources=tuple(inventory) or (file,),
        notes=tuple(notes),
    )


def _ruleset(r: _Reader, top: dict[str, Any]) -> Ruleset:
    meta = r.obj(top.get("ruleset"), "ruleset")
    rules = [_rule(r, index, item) for index, item in enumerate(r.items(top.get("rules"), "rules"))]
    parameters = _parameters(r, meta)
    return Ruleset(
        id=r.text(meta, "id", "ruleset") or "",
        version=r.text(meta, "version", "ruleset") or "",
        title=r.text(meta, "title", "ruleset", required=False) or "",
        rules=tuple(rules),
        parameters=parameters,
    )


def _rule(r: _Reader, index: int, item: Any) -> Rule:
    path = f"rules[{index}]"
    body = r.obj(item, path)
    rule_id = r.text(body, "id", path)
    assert rule_id is not None
    path = f"rules[{rule_id}]"
    clauses = []
    for c_index, clause in enumerate(r.items(body.get("clauses"), f"{path}.clauses")):
        c_body = r.obj(clause, f"{path}.clauses[{c_index}]")
        clauses.append(
            Clause(
                ref=r.text(c_body, "ref", f"{path}.clauses[{c_index}]") or "",
                text=r.text(c_body, "text", f"{path}.clauses[{c_index}]") or "",
            )
        )
    remediation = r.obj(body.get("remediation"), f"{path}.remediation")
    effort = _effort(r, remediation, f"{path}.remediation.effort_hours")
    params = body.get("params") or {}
    return Rule(
        id=rule_id,
        title=r.text(body, "title", path) or "",
        clauses=tuple(clauses),
        applies_to=AppliesTo(subjects=()),
        check=str(body.get("check", "")),
        params=dict(r.obj(params, f"{path}.params")),
        impact=r.enum(Impact, body.get("impact"), f"{path}.impact"),
        remediation=Remediation(
            text=r.text(remediation, "text", f"{path}.remediation") or "",
            payer=r.enum(Payer, remediation.get("payer"), f"{path}.remediation.payer"),
            effort_hours=effort,
        ),
        waiver_text=r.text(body, "waiver", path) or "",
        enabled=body.get("enabled", True) is not False,
    )


def _effort(r: _Reader, remediation: dict[str, Any], path: str) -> float:
    effort = remediation.get("effort_hours", 0)
    if not isinstance(effort, int | float) or isinstance(effort, bool):
        raise r.fail(f"expected a number, got {_kind(effort)}", path)
    if not 0 <= effort <= MAX_EFFORT_HOURS:
        raise r.fail(f"expected 0 to {MAX_EFFORT_HOURS:g} hours, got {effort!r}", path)
    return float(effort)


def _parameters(r: _Reader, meta: dict[str, Any]) -> dict[str, Any]:
    """The ruleset's parameters; the whole-number ones this version knows are checked."""
    parameters = dict(r.obj(meta.get("parameters") or {}, "ruleset.parameters"))
    for name, value in parameters.items():
        spec = GLOBAL_PARAMS.get(name)
        if spec is None or spec.type != "int":
            continue  # a later minor version's parameter: not used here
        low = spec.minimum if spec.minimum is not None else 0
        high = spec.maximum if spec.maximum is not None else MAX_DAYS
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise r.fail(
                f"expected a whole number from {low:g} to {high:g}, got {_shown(value)}",
                f"ruleset.parameters.{name}",
            )
    return parameters


def _data(r: _Reader, data: dict[str, Any]) -> DataInfo:
    date = r.date(data, "date", "data")
    assert date is not None
    sources = []
    for index, item in enumerate(r.items(data.get("sources", []), "data.sources")):
        body = r.obj(item, f"data.sources[{index}]")
        sources.append((str(body.get("source", "")), str(body.get("date", ""))))
    return DataInfo(
        date=date,
        updates_date=r.date(data, "updates_date", "data", required=False),
        origin=str(data.get("origin", "report")),
        sources=tuple(sources),
    )


def _results(
    r: _Reader, items: list[Any], ruleset: Ruleset, known: set[str]
) -> tuple[list[SubjectResult], dict[str, dict[Outcome, int]]]:
    by_rule = {rule.id: dict.fromkeys(Outcome, 0) for rule in ruleset.rules if rule.enabled}
    results: list[SubjectResult] = []
    for index, item in enumerate(items):
        path = f"results[{index}]"
        body = r.obj(item, path)
        s = r.obj(body.get("subject"), f"{path}.subject")
        kind_text = s.get("kind")
        file, line = s.get("file"), s.get("line")
        subject_id = r.text(s, "id", f"{path}.subject")
        assert subject_id is not None
        subject = Subject(
            type=r.enum(SubjectType, s.get("type"), f"{path}.subject.type"),
            id=subject_id,
            site=r.text(s, "site", f"{path}.subject", required=False),
            kind=r.enum(AssetKind, kind_text, f"{path}.subject.kind") if kind_text else None,
            location=Location(file, line)
            if isinstance(file, str) and isinstance(line, int)
            else None,
        )
        rule_ids: list[str] = []
        verdicts: list[Verdict] = []
        for o_index, outcome in enumerate(r.items(body.get("outcomes"), f"{path}.outcomes")):
            o_path = f"{path}.outcomes[{o_index}]"
            o_body = r.obj(outcome, o_path)
            rule_id = r.text(o_body, "rule", o_path)
            if rule_id not in known:
                raise r.fail(f"rule {rule_id!r} is not among the report's rules", f"{o_path}.rule")
            assert rule_id is not None
            value: Outcome = r.enum(Outcome, o_body.get("outcome"), f"{o_path}.outcome")
            own: Outcome | None = None
            if o_body.get("own_outcome") is not None:
                own = r.enum(Outcome, o_body["own_outcome"], f"{o_path}.own_outcome")
            evidence = o_body.get("evidence") or {}
            verdicts.append(
                Verdict(
                    outcome=value,
                    reason=r.text(o_body, "reason", o_path) or "",
                    evidence=tuple(
                        (str(k), str(v)) for k, v in r.obj(evidence, f"{o_path}.evidence").items()
                    ),
                    warning=r.text(o_body, "warning", o_path, required=False),
                    own_outcome=own,
                )
            )
            rule_ids.append(rule_id)
            by_rule.setdefault(rule_id, dict.fromkeys(Outcome, 0))[value] += 1
        results.append(SubjectResult(subject, tuple(rule_ids), tuple(verdicts)))
    return results, by_rule
