"""JUnit XML: one test case per file and one for the gate. A file's case fails when the gate
failed and the file has new garbled sentences; otherwise they are listed in its output, not
as failures (without a gate, or when it passed, nothing fails). Characters XML 1.0 forbids
(ESC, BEL, …) are replaced, so the file is always well formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mtfix import labels
from mtfix.reports.base import CorpusReporter
from mtfix.safe import xml_text


class JunitReporter(CorpusReporter):
    name = "junit"

    def render(self, report) -> str:
        suites = ET.Element("testsuites", name="mtfix")
        suite = ET.SubElement(suites, "testsuite", name="mtfix", time=f"{report.seconds:.3f}")
        ET.SubElement(ET.SubElement(suite, "properties"), "property", name="signature", value=report.signature)
        failures = 0
        gating = labels.gating()
        for figures in sorted(report.files, key=lambda f: f.path):
            case = ET.SubElement(suite, "testcase", classname="mtfix.files", name=xml_text(figures.path))
            garbled = [f for f in report.findings if f.path == figures.path and f.label in gating and f.new]
            listed = xml_text("\n".join(f"{f.path}:{f.line}:{f.col}: {f.message}" for f in garbled))
            if garbled and report.severity(garbled[0]) == "error":
                failures += 1
                failure = ET.SubElement(case, "failure", type="garbled",
                                        message=f"{len(garbled)} garbled sentence(s), quality {figures.quality:.1f}")
                failure.text = listed
            elif garbled:
                ET.SubElement(case, "system-out").text = listed
        if report.gate.checked:
            case = ET.SubElement(suite, "testcase", classname="mtfix", name="gate")
            if not report.gate.passed:
                failures += 1
                ET.SubElement(case, "failure", type="gate", message=xml_text("; ".join(report.gate.failures)))
        for path, reason in report.skipped:
            case = ET.SubElement(suite, "testcase", classname="mtfix.files", name=xml_text(path))
            ET.SubElement(case, "error", type="skipped-input", message=xml_text(reason))
        tests = len(suite.findall("testcase"))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(len(report.skipped)))
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
