"""What the changes report reads: this year's results, last year's published ones, both parameter files.

The changes notebook runs in the year's output folder (the runner's staging folder, or
``outputs/FY<yyyy>/`` when nbval reruns it): ``results.csv``, ``effects.csv`` and
``previous_rerun.csv`` are read from the working directory; parameters and last year's published
outputs from the project. The comparisons themselves are the pure functions of
:mod:`envkpi.cycle.changes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from envkpi.core.parameters import Parameters
from envkpi.core.paths import project_root
from envkpi.core.provenance import FileRecord, file_record
from envkpi.core.results import Check, ResultRow, read_results
from envkpi.cycle import changes
from envkpi.cycle.publication import is_published, latest_results_folder, latest_version, version_of
from envkpi.families import load_parameters

__all__ = ["YearContext", "load_year_context", "effect_sentences"]


@dataclass
class YearContext:
    """Everything the changes report of one fiscal year compares."""

    fiscal_year: int
    params: Parameters
    previous_params: Parameters | None
    current: list[ResultRow]
    last_year: list[ResultRow] | None
    last_year_rerun: list[ResultRow] | None
    published: list[ResultRow] | None  # this year's published results, when this run restates them
    effects: pd.DataFrame
    files: list[FileRecord] = field(default_factory=list)
    #: The version of last year's figures compared with, e.g. "FY2017 as published on 2018-06-29"
    #: (:attr:`envkpi.cycle.publication.Version.label`); None without them.
    last_year_label: str | None = None
    #: The version of this year's figures that this run restates, when the year is published.
    published_label: str | None = None

    def comparison_sentence(self) -> str:
        """Which version of last year's figures the results are compared with, in the words of every page."""
        if self.last_year_label is None:
            return f"No FY{self.fiscal_year - 1} figures to compare with: the changes below are not computed."
        return f"Compared with {self.last_year_label}."

    def parameter_diff(self) -> pd.DataFrame:
        """Parameters added, removed or changed since last year's file (empty without one)."""
        if self.previous_params is None:
            return pd.DataFrame(columns=["family", "path", "change", "old_value", "old_unit", "old_source",
                                         "new_value", "new_unit", "new_source", "numeric"])
        return changes.parameter_diff(self.previous_params, self.params)

    def year_on_year(self) -> pd.DataFrame:
        """Headline results against last year's published (or latest restated) figures (empty without them)."""
        if self.last_year is None:
            return pd.DataFrame(columns=list(changes.YEAR_ON_YEAR_COLUMNS)).astype({"flagged": bool})
        thresholds = {key: param.quantity for key, param in self.params.changes.indicator_thresholds.items()}
        return changes.year_on_year(self.current, self.last_year or [], self.params.changes.flag_threshold.quantity,
                                    thresholds)

    def explained(self, yoy: pd.DataFrame) -> pd.DataFrame:
        """``yoy`` with each explanation beside its row: the change it states, whether that covers the
        observed change, and its text (:func:`envkpi.cycle.changes.explanation_table`)."""
        return changes.explanation_table(yoy, self.params.explanations, self.params.changes.explanation_tolerance)

    def explanations_check(self, yoy: pd.DataFrame) -> Check:
        """Every flagged change has an explanation in the year's parameter file, and every explanation's
        stated change covers the observed one (same sign, within ``changes.explanation_tolerance``)."""
        name = "Every flagged change is explained, by an explanation of that change"
        if self.last_year is None:
            return Check(name, True, f"skipped: no results of FY{self.fiscal_year - 1} to compare with")
        explanations = self.params.explanations
        tolerance = self.params.changes.explanation_tolerance
        files = {key: self.params.file_of(f"explanations.{key}") for key in explanations}
        problems = changes.mismatched_explanations(yoy, explanations, tolerance, files)
        problems[:0] = changes.unexplained_changes(yoy, explanations)
        flagged = int(yoy["flagged"].sum())
        detail = "; ".join(problems) or (f"{flagged} flagged, all explained; every stated change within "
                                         f"{tolerance.quantity.m_as('percent'):g} percentage points of the observed change")
        return Check(name, not problems, detail)

    def restatement(self) -> pd.DataFrame:
        """This run against this year's published figures (empty when the year is not published)."""
        if self.published is None:
            return pd.DataFrame(columns=["indicator_id", "unit", "published", "restated", "difference",
                                         "difference_percent", "significant", "identical"])
        return changes.restatement(self.published, self.current, self.params.changes.significance_threshold.quantity)

    def restatement_sentence(self, table: pd.DataFrame, reason: str = "") -> str:
        """One sentence: not published / reproduced / restated, which changes are significant, and why
        (``reason``, the restatement's as the runner gives it)."""
        if self.published is None:
            return f"No FY{self.fiscal_year} figures were published before this run: it restates nothing."
        why = f" Reason: {reason}" if reason else ""
        if bool(table["identical"].all()):
            return f"This run reproduces {self.published_label} exactly.{why}"
        significant = table.loc[table["significant"], "indicator_id"].tolist()
        threshold = self.params.changes.significance_threshold
        return (f"This run restates {self.published_label}; significant (above {threshold.value:g} "
                f"{threshold.unit}): {', '.join(significant) or 'none'}.{why}")

    def reconciliations(self) -> list[Check]:
        """Cross-family and cross-year reconciliations (:func:`envkpi.cycle.changes.reconciliations`)."""
        return changes.reconciliations(self.current, self.last_year, self.last_year_rerun,
                                       self.params.changes.flag_threshold.quantity, self.last_year_label)


def _rows_if(path: Path) -> list[ResultRow] | None:
    return read_results(path) if path.exists() else None


def load_year_context(fiscal_year: int, parameters_file: str = "", project_dir: str = "",
                      folder: str | Path = ".") -> YearContext:
    """Read what the changes report of ``fiscal_year`` compares (see the module docstring).

    ``project_dir`` is the project root when the output folder lies outside it (``--out``); by default
    the root is found above the working directory.
    """
    __tracebackhide__ = True
    root = Path(project_dir).resolve() if project_dir else project_root()
    folder = Path(folder).resolve()
    params_path = Path(parameters_file) if parameters_file else root / "parameters" / f"FY{fiscal_year}.yaml"
    params = load_parameters(params_path, root=root)
    previous_path = root / "parameters" / f"FY{fiscal_year - 1}.yaml"
    previous_params = load_parameters(previous_path, root=root) if previous_path.exists() else None
    last_year_folder = latest_results_folder(root / "outputs" / f"FY{fiscal_year - 1}")
    published_folder = root / "outputs" / f"FY{fiscal_year}"
    published, published_label = None, None
    if is_published(published_folder) and published_folder.resolve() != folder:
        published = read_results(latest_results_folder(published_folder) / "results.csv")
        published_label = latest_version(published_folder).label
    files = [*params.files, *(previous_params.files[:1] if previous_params else [])]
    # this run's own files are named as they sit in the output folder, wherever that folder is
    for name, role in (("results.csv", "this run"), ("effects.csv", "this run"), ("previous_rerun.csv", "this run")):
        if (folder / name).exists():
            files.append(file_record(folder / name, root=folder, role=role))
    if (last_year_folder / "results.csv").exists():
        files.append(file_record(last_year_folder / "results.csv", root=root, role="last year"))
    effects_file = folder / "effects.csv"
    return YearContext(
        fiscal_year=fiscal_year,
        params=params,
        previous_params=previous_params,
        current=read_results(folder / "results.csv"),
        last_year=_rows_if(last_year_folder / "results.csv"),
        last_year_rerun=_rows_if(folder / "previous_rerun.csv"),
        published=published,
        effects=pd.read_csv(effects_file) if effects_file.exists() else pd.DataFrame(),
        files=files,
        last_year_label=version_of(last_year_folder).label if (last_year_folder / "results.csv").exists() else None,
        published_label=published_label,
    )


def effect_sentences(effects: pd.DataFrame) -> list[str]:
    """One sentence per isolated effect, e.g. "<family>.<product>.lifetime 20.0 year → 25.0 year moves <id> by +1,181,493 t CO2"."""
    if effects.empty:
        return ["No parameter value changed since last year: no effect to isolate."]
    return [f"{row.path}: {row.old} → {row.new} moves {row.indicator_id} by {row.effect:+,.0f} {row.unit} "
            f"(with the change {row.with_change:,.0f}, without it {row.without_change:,.0f})."
            for row in effects.itertuples(index=False) if row.effect != 0] or [
        "The parameter changes since last year move no headline result."]
