"""Corpus quality: findings, a baseline, and the CI gate (figures and the quality score are
defined in mtfix/figures.py)."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mtfix.atomic import atomic_write
from mtfix import labels
from mtfix.document import Document, Sentence
from mtfix.errors import InputError
from mtfix.figures import Figures
from mtfix.settings import Settings, key_of

@dataclass
class Finding:
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    start: int
    end: int
    text: str
    label: str
    score: float
    reason: str
    spans: list[str]
    fingerprint: str
    new: bool = True
    check: str = ""  # the named check that gave the label, for labels that checks give (mistranslated)

    @property
    def rule(self) -> str:
        """Its SARIF rule: the label's, or the check's under it."""
        rule = labels.info(self.label).rule
        return f"{rule}/{self.check}" if self.check else rule

    @property
    def message(self) -> str:
        flat = " ".join(self.text.split())
        quoted = flat if len(flat) <= 100 else flat[:97] + "…"
        row = labels.info(self.label)
        if not row.by_reason:
            suspects = f"; suspect: {', '.join(self.spans)}" if self.spans else ""
            why = f"; {self.reason}" if self.reason else ""  # a near miss: the heads alone let it pass
            return f"{row.title} (p={self.score:.2f}{suspects}{why}): {quoted}"
        return f"{row.title} ({self.reason}): {quoted}"


@dataclass
class GateResult:
    checked: bool = False
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class CorpusReport:
    signature: str
    files: list[Figures]
    total: Figures
    findings: list[Finding]
    skipped: list[tuple[str, str]]
    seconds: float
    gate: GateResult = field(default_factory=GateResult)
    baseline_used: bool = False

    @property
    def worst_first(self) -> list[Figures]:
        return sorted(self.files, key=lambda f: (f.quality, -f.garbled, f.path))

    @property
    def new_garbled(self) -> int:
        gating = labels.gating()
        return sum(f.label in gating and f.new for f in self.findings)

    def severity(self, finding: Finding) -> str:
        """How a report marks FINDING: "error" only for a new finding whose label counts in the
        garbled rate when the gate failed (what a CI run fails on), "warning" for the others of
        those labels, "note" for the rest (boilerplate, duplicates) and what the baseline accepts."""
        if not labels.info(finding.label).gates or not finding.new:
            return "note"
        return "error" if self.gate.checked and not self.gate.passed else "warning"

    def judged(self, files: list[Figures]) -> Figures:
        """The figures a gate judges over FILES: with a baseline, the garbled sentences it
        accepts count neither as garbled nor as scored, so adopting a baseline turns the gate
        green for --fail-under as for --fail-above."""
        figures = Figures.total(files)
        if self.baseline_used:
            paths = {f.path for f in files}
            gating = labels.gating()
            for finding in self.findings:
                if finding.label in gating and not finding.new and finding.path in paths:
                    figures.scored -= 1
                    figures.counts[finding.label] -= 1
                    figures.probability_sum -= finding.score
        return figures

    def as_dict(self) -> dict:
        return {"signature": self.signature, "summary": {**self.total.as_dict(), "files": len(self.files),
                                                         "skipped": len(self.skipped),
                                                         "seconds": round(self.seconds, 3)},
                "gate": {"checked": self.gate.checked, "passed": self.gate.passed,
                         "failures": self.gate.failures},
                "files": [f.as_dict() for f in self.worst_first],
                "findings": [_finding_record(f) for f in self.findings],
                "skipped": [{"path": p, "reason": r} for p, r in self.skipped]}


def _finding_record(finding: Finding) -> dict:
    record = {**asdict(finding), "message": finding.message}
    if not finding.check:
        del record["check"]
    return record


def fingerprint(path: str, sentence: Sentence) -> str:
    """Stable across runs and line moves: the file, the label and the sentence's words."""
    words = " ".join(sentence.text.split())
    # surrogatepass: a file name that is not valid UTF-8 reaches Python with surrogates in it
    return hashlib.sha1(f"{path}\x00{sentence.label}\x00{words}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def findings_of(document: Document, display_path: str) -> list[Finding]:
    out = []
    for sentence in document.sentences:
        if sentence.suppressed or not sentence.flagged:
            continue
        end_line, end_col = document.line_col(max(sentence.start, sentence.end - 1))
        checks = labels.info(sentence.label).checks
        check = next((m.code for m in sentence.marks if m.label == sentence.label and m.code in checks), "")
        out.append(Finding(display_path, sentence.line, sentence.col, end_line, end_col + 1,
                           sentence.start, sentence.end, sentence.text, sentence.label,
                           round(sentence.score, 4), sentence.reason, [s.text for s in sentence.spans],
                           fingerprint(display_path, sentence), check=check))
    return out


def load_baseline(path: Path) -> set[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return set(data["findings"])
    except FileNotFoundError:
        raise InputError(f"baseline {path} does not exist (create it with --update-baseline)") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"baseline {path} is not a mtfix baseline: {exc}") from None
    except RecursionError:
        raise InputError(f"baseline {path} is not a mtfix baseline: nested too deeply") from None


def write_baseline(path: Path, report: CorpusReport) -> int:
    findings = {f.fingerprint: {"path": f.path, "line": f.line, "label": f.label, "text": f.text[:200]}
                for f in report.findings}
    payload = json.dumps({"version": 1, "signature": report.signature, "findings": findings},
                         indent=1, ensure_ascii=False, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, payload + "\n")
    return len(findings)


DEFAULT_BASELINE = Path(".mtfix-baseline.json")


def baseline_path(settings: Settings, for_writing: bool = False) -> Path | None:
    """The baseline file: the configured one, else .mtfix-baseline.json (when it exists, or
    when one is to be written)."""
    if settings.baseline:
        return Path(settings.baseline)
    return DEFAULT_BASELINE if for_writing or DEFAULT_BASELINE.is_file() else None


def judge(report: CorpusReport, settings: Settings, update_baseline: bool = False) -> None:
    """Mark findings new or known against the baseline (or record a new baseline), and
    evaluate the gate."""
    path = baseline_path(settings, for_writing=update_baseline)
    if path is not None and not update_baseline:
        accepted = load_baseline(path)
        report.baseline_used = True
        for finding in report.findings:
            finding.new = finding.fingerprint not in accepted
    report.gate = evaluate_gate(report, settings)
    if update_baseline:
        count = write_baseline(path, report)
        print(f"mtfix: baseline {path} records {count} finding(s)", file=sys.stderr)


def evaluate_gate(report: CorpusReport, settings: Settings) -> GateResult:
    """Per-path thresholds (config overrides, unless the command line set them) judge each
    matching file on its own; the corpus-wide ones judge the files no override gives a
    threshold of that kind. With a baseline, the garbled sentences it accepts are left out
    (CorpusReport.judged), and any new one fails when no threshold is set. Each failure
    quotes the figures it judged, with their counts, and says where its threshold came from."""
    gate = GateResult()
    garbled = "new garbled" if report.baseline_used else "garbled"

    def governed_globally(key: str) -> list[Figures]:
        """The files the corpus-wide KEY threshold judges: those no override gives their own."""
        out = []
        for figures in report.files:
            override = settings.override_for(figures.path)
            if key in settings.explicit or override is None or getattr(override, key) is None:
                out.append(figures)
        return out

    def scope(files: list[Figures]) -> str:
        return "" if len(files) == len(report.files) else f" in the {len(files)} file(s) no override gates"

    for key in ("fail_above", "fail_under"):
        threshold = getattr(settings, key)
        if threshold is None:
            continue
        gate.checked = True
        files = governed_globally(key)
        failure = _judge(report.judged(files), key, threshold, garbled, scope(files))
        if failure:
            gate.failures.append(f"{failure} ({_origin(settings, key)})")
    for figures in report.files:
        override = settings.override_for(figures.path)
        if override is None:
            continue
        own = settings.for_path(figures.path)
        for key in ("fail_above", "fail_under"):
            if getattr(override, key) is None or key in settings.explicit:
                continue
            gate.checked = True
            failure = _judge(report.judged([figures]), key, getattr(own, key), garbled, "")
            if failure:
                where = settings.config_path or "the config"
                gate.failures.append(f"{figures.path}: {failure} ({key_of(key)} of the override for "
                                     f"{', '.join(override.paths)} in {where})")
    if report.baseline_used and not gate.checked:
        gate.checked = True
        if report.new_garbled:
            gate.failures.append(f"{report.new_garbled} new garbled sentence(s) not in the baseline")
    return gate


def _judge(figures: Figures, key: str, threshold: float, garbled: str, scope: str) -> str:
    """Why FIGURES fail KEY's THRESHOLD, quoting the figures judged ('' when they pass)."""
    if key == "fail_above" and figures.garbled_rate > threshold:
        return (f"{garbled} rate {figures.garbled_rate:.2%} ({figures.garbled} of {figures.scored} scored "
                f"sentences{scope}) is above {threshold:.2%}")
    if key == "fail_under" and figures.quality < threshold:
        return f"quality {figures.quality:.1f} ({figures.scored} scored sentences{scope}) is under {threshold:g}"
    return ""


def _origin(settings: Settings, key: str) -> str:
    """Where the corpus-wide KEY threshold came from: the command line or the config file."""
    if key in settings.explicit:
        return f"--{key_of(key)}"
    return f"{key_of(key)} in {settings.config_path}" if settings.config_path else f"{key_of(key)} given to the API"


class CorpusCollector:
    """Per-file figures and findings as documents stream past, and the corpus report."""

    def __init__(self) -> None:
        self.files: dict = {}
        self.findings: list = []

    def add(self, document: Document) -> None:
        self.files.setdefault(document.path, Figures(document.path)).add_document(document)
        self.findings.extend(findings_of(document, document.path))

    def report(self, signature: str, seconds: float, skipped: list[tuple[str, str]]) -> CorpusReport:
        files = list(self.files.values())
        return CorpusReport(signature, files, Figures.total(files), self.findings, skipped, seconds)
