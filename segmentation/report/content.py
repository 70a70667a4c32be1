"""The report of one user: every section built from the library's results, in order."""

from __future__ import annotations

from datetime import date

from .. import formatting, i18n
from ..access import User
from .inputs import ReportInputs
from .model import Report, context_line
from .sections import Frame, movement, overview, personas, tiers
from .sections_campaign import campaign
from .sections_service import churn, method, satisfaction

#: the sections of every report, in order
SECTION_KEYS = ("overview", "tiers", "movement", "personas", "satisfaction", "churn", "method")
#: sections only present when their inputs are (a measured campaign), before "method"
OPTIONAL_SECTION_KEYS = ("campaign",)


def scope_label(user: User | None, filters: tuple, lang: str) -> str:
    """What the report covers: the whole network, a region or a branch, with the filters."""
    scope = user.scope if user is not None else None
    if scope is None or scope.is_all:
        text = i18n.t("report.scope.all", lang)
    else:
        parts = [i18n.t("report.scope.region", lang, name=r) for r in scope.regions]
        parts += [i18n.t("report.scope.branch", lang, name=b) for b in scope.branches]
        text = "、".join(parts) if lang == "zh" else ", ".join(parts)
    if filters:
        sep = "；" if lang == "zh" else "; "
        shown = sep.join(f"{_column(column, lang)}: {', '.join(values)}"
                         for column, values in filters)
        text = i18n.t("report.scope.filtered", lang, scope=text, filters=shown)
    return text


def _column(column: str, lang: str) -> str:
    key = f"report.col.{column}"
    return i18n.t(key, lang) if i18n.has(key) else column


def build_report(inputs: ReportInputs, *, lang: str, user: User | None = None,
                 source: str = "", author: str = "", created: date | None = None) -> Report:
    """The :class:`Report` of ``inputs`` for ``user`` in ``lang``.

    Parameters
    ----------
    inputs : :func:`~segmentation.report.gather_inputs` (or the app's cached results),
        already narrowed to the user's scope and masked.
    lang : ``"en"`` or ``"zh"``.
    user : who it is for (``None``: the whole network, every right): decides the scope
        line and whether customer rows (the accounts to call) are in it.
    source : the data source as the title slide names it.
    author : who made it (default: the user's display name or name).
    created : the day the file is made (shown on the title page; the library never
        reads the clock, so the caller passes it).
    """
    scope = scope_label(user, inputs.filters, lang)
    context = context_line(scope, inputs.as_of, lang)
    frame = Frame(lang=lang, context=context,
                  tier_labels=inputs.tiers.settings.tier_labels(lang))
    see_customers = user is None or user.can("see_customers")
    if not author:
        author = (user.display_name or user.name) if user is not None else \
            i18n.t("report.author.cli", lang)
    sections = (overview(inputs, frame), tiers(inputs, frame), movement(inputs, frame),
                personas(inputs, frame), satisfaction(inputs, frame),
                churn(inputs, frame, see_customers=see_customers, user=user),
                campaign(inputs, frame), method(inputs, frame))
    sections = tuple(s for s in sections if s is not None)
    return Report(lang=lang, title=i18n.t("report.title", lang), scope=scope,
                  as_of=inputs.as_of, source=source, author=author, sections=sections,
                  created=created)


def source_text(kind: str, label: str, lang: str, *, loaded: str | None = None) -> str:
    """The data source as the title page names it, in ``lang``: ``kind`` is a dataset's
    source (``sample``, ``upload``, ``cli``, ``database``) or ``files``; ``label`` its
    name (file or connection names); ``loaded`` an ISO time of the load, if any."""
    key = f"report.source.{kind}"
    text = i18n.t(key, lang, label=label) if i18n.has(key) else (label or kind)
    if loaded:
        text = i18n.t("report.source.loaded", lang, label=text,
                      day=formatting.day(date.fromisoformat(str(loaded)[:10]), lang))
    return text
